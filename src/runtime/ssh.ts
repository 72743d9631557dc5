import { shq } from "../tools/shellQuote.js";
import { ShellRuntime } from "./shellRuntime.js";
import type { PipedCommand } from "./types.js";
import { envPrefix, SshConnection, sshBaseArgs } from "./sshConnection.js";

export { controlPathFor, envPrefix, errnoError, type RawExecOptions, SshConnection, type SshConnectionOptions, sshBaseArgs } from "./sshConnection.js";

export interface SshRuntimeOptions {
  /** ssh destination: an ssh_config alias, `host` or `user@host`. */
  host: string;
  /** Absolute workspace path on the remote. */
  root: string;
  /** Local directory for ControlPath sockets, e.g. MUX_ROOT/ssh. */
  controlDir: string;
  /** Passed as `ssh -F`; in production from MUX_SSH_CONFIG. */
  configFile?: string;
  /** Share one SSH connection between commands (default true). */
  multiplex?: boolean;
  /** Reuse an existing connection (several workspaces on one host). */
  connection?: SshConnection;
}

/** Runs everything on a remote host through the system `ssh`, over one shared (ControlMaster) connection. */
export class SshRuntime extends ShellRuntime {
  declare readonly type: "ssh";
  readonly host: string;
  readonly connection: SshConnection;

  constructor(options: SshRuntimeOptions) {
    const connection =
      options.connection ??
      new SshConnection({ host: options.host, controlDir: options.controlDir, configFile: options.configFile, multiplex: options.multiplex });
    super("ssh", options.root, connection);
    this.host = options.host;
    this.connection = connection;
  }

  /**
   * The local command of an interactive login shell (or `program`, a path relative to the
   * workspace) in the workspace on the host, for a terminal: `ssh -tt` over the shared
   * connection (started first, so no prompt can appear).
   */
  async terminalCommand(env: Record<string, string>, program?: string): Promise<{ file: string; args: string[] }> {
    await this.connection.connect();
    const base = sshBaseArgs(this.connection.options).map((a) => (a === "-T" ? "-tt" : a));
    const run = program === undefined ? '"${SHELL:-/bin/sh}" -l' : shq(program);
    const remote = `cd ${shq(this.root)} || exit 1\n${envPrefix(env)}exec ${run}`;
    return { file: "ssh", args: [...base, "--", this.host, remote] };
  }

  /**
   * `commandLine` on the host, over the shared connection, stdin and stdout piped (no terminal).
   * Ending the local ssh closes the remote command's stdin, which ends a stdio server.
   */
  async pipedCommand(commandLine: string, env: Record<string, string>, cwd?: string): Promise<PipedCommand> {
    const script = await this.pipedScript(commandLine, env, cwd);
    return { file: "ssh", args: [...sshBaseArgs(this.connection.options), "--", this.host, `exec sh -c ${shq(script)}`] };
  }

  /** Closes the shared master connection (`ssh -O exit`). */
  close(): Promise<void> {
    return this.connection.close();
  }
}
