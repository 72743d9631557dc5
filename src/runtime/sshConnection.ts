import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RemoteShell } from "./remoteShell.js";

export { envPrefix, errnoError, type RawExecOptions } from "./remoteShell.js";

export interface SshConnectionOptions {
  /** Anything `ssh` accepts as a destination: an ssh_config alias, `host`, `user@host`. */
  host: string;
  /** Local directory for the ControlPath sockets (e.g. MUX_ROOT/ssh). */
  controlDir: string;
  /** ssh_config file passed as -F (MUX_SSH_CONFIG in production). */
  configFile?: string;
  connectTimeoutSecs?: number;
  /** false: a fresh connection per command (slow; for comparison and as a fallback). */
  multiplex?: boolean;
  /** More ssh options, after Mux's own (e.g. a Coder workspace's ProxyCommand). */
  extraOptions?: string[];
}

/** Unix socket paths are limited to 104-108 bytes; ssh adds %C (40) and a 17-byte temp suffix. */
const MAX_CONTROL_DIR = 45;

/** Where the master's socket lives; falls back to a short dir when controlDir is too long. */
export function controlPathFor(controlDir: string): string {
  const uid = process.getuid?.() ?? "u";
  const dir = controlDir.length <= MAX_CONTROL_DIR ? controlDir : `/tmp/mux-ssh-${uid}`;
  return path.join(dir, "%C");
}

/** Options shared by every ssh invocation: batch mode, no forwarding, a shared master connection. */
export function sshBaseArgs(o: SshConnectionOptions): string[] {
  const opt = (kv: string) => ["-o", kv];
  return [
    ...(o.configFile ? ["-F", o.configFile] : []),
    "-T",
    ...opt("BatchMode=yes"),
    ...opt(`ConnectTimeout=${o.connectTimeoutSecs ?? 10}`),
    // A dead network must surface as an error, never as a command that hangs forever.
    ...opt("ServerAliveInterval=15"),
    ...opt("ServerAliveCountMax=4"),
    ...opt("ForwardAgent=no"),
    ...opt("ForwardX11=no"),
    ...opt("ClearAllForwardings=yes"),
    ...opt("PermitLocalCommand=no"),
    ...opt("EscapeChar=none"),
    // Host-key notices and the like would otherwise land in every command's stderr.
    ...opt("LogLevel=ERROR"),
    ...(o.multiplex === false
      ? [...opt("ControlMaster=no"), ...opt("ControlPath=none")]
      : [...opt("ControlMaster=auto"), ...opt(`ControlPath=${controlPathFor(o.controlDir)}`), ...opt("ControlPersist=600")]),
    ...(o.extraOptions ?? []),
  ];
}

/** One destination's ssh: a lazily started master connection that every command reuses. */
export class SshConnection extends RemoteShell {
  readonly host: string;
  readonly label: string;
  private master: Promise<void> | undefined;

  constructor(readonly options: SshConnectionOptions) {
    super();
    if (!options.host || options.host.startsWith("-")) throw new Error(`invalid ssh host: ${JSON.stringify(options.host)}`);
    this.host = options.host;
    this.label = options.host;
  }

  /** Spawns `ssh <base args> <host> <remoteCommand>`; the remote command is a shell string. */
  protected spawnShell(remoteCommand: string, extraArgs: string[] = []): ChildProcess {
    return spawn("ssh", [...sshBaseArgs(this.options), ...extraArgs, "--", this.host, remoteCommand], { stdio: ["pipe", "pipe", "pipe"] });
  }

  protected connectionError(stderr: string, code: number | null): Error {
    const detail = stderr.trim() || (code === null ? "ssh was killed" : `ssh exited with code ${code}`);
    return new Error(`ssh connection to ${this.host} failed: ${detail}`);
  }

  /** Starts (or finds) the shared master, so concurrent first commands do not race to create it. */
  connect(): Promise<void> {
    if (this.options.multiplex === false) return Promise.resolve();
    this.master ??= (async () => {
      const dir = path.dirname(controlPathFor(this.options.controlDir));
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Whoever owns the socket directory could hijack the connection.
      const owner = fs.statSync(dir).uid;
      if (process.getuid && owner !== process.getuid()) throw new Error(`ssh control directory ${dir} is owned by uid ${owner}, not us`);
      const r = await this.run("exit 0", ((this.options.connectTimeoutSecs ?? 10) + 5) * 1000);
      if (r.code !== 0) throw this.connectionError(r.stderr, r.code);
    })();
    this.master.catch(() => (this.master = undefined));
    return this.master;
  }

  /**
   * Stops the master connection (`ssh -O exit`); later commands start a new one. Also one that
   * another Mux process started (it outlives that process by ControlPersist).
   */
  async close(): Promise<void> {
    const was = this.master;
    this.master = undefined;
    if (this.options.multiplex === false) return;
    await was?.catch(() => {});
    await this.run("", 10_000, ["-O", "exit"]).catch(() => {});
  }
}
