import { randomBytes } from "node:crypto";
import { shq } from "../tools/shellQuote.js";
import { dockerBin } from "./dockerCli.js";
import type { DockerShell } from "./dockerShell.js";
import { ShellRuntime } from "./shellRuntime.js";
import { execCapture, type PipedCommand } from "./types.js";
import { watchdog } from "./watchdog.js";

/**
 * Hangs up every process of the session whose leader's pid is in "$f" (SIGHUP, then SIGKILL to
 * what is left after half a second), reading /proc since images seldom have procps.
 */
const END_SESSION_SCRIPT = `s=$(cat "$f" 2>/dev/null) || exit 0
rm -f "$f"
signal() { sig=$1; for d in /proc/[0-9]*; do
  stat=$(cat "$d/stat" 2>/dev/null) || continue
  set -- \${stat##*) }
  [ "$4" = "$s" ] && kill -"$sig" "\${d#/proc/}" 2>/dev/null
done; }
signal HUP; sleep 0.5; signal KILL; exit 0`;

/** A workspace inside a long-lived container; tools and terminals run there with `docker exec`. */
export class DockerRuntime extends ShellRuntime {
  declare readonly type: "docker" | "devcontainer";
  declare readonly shell: DockerShell;

  constructor(root: string, shell: DockerShell, type: "docker" | "devcontainer" = "docker") {
    super(type, root, shell);
  }

  get container(): string {
    return this.shell.container;
  }

  /**
   * The local command of an interactive login shell in the workspace, for a terminal, and how to
   * end it: a killed `docker exec` client leaves its process running in the container, so the
   * shell records its session id there and `end` hangs up that session from inside.
   */
  async terminalCommand(env: Record<string, string>, program?: string): Promise<{ file: string; args: string[]; end: () => Promise<void> }> {
    await this.shell.connect();
    const vars = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    const { pidFile, end } = this.endableSession();
    const start = `echo $$ > ${pidFile}; exec ${program === undefined ? "bash -l" : shq(program)}`;
    const args = ["exec", "-it", "-w", this.root, "-e", "TERM=xterm-256color", ...vars, this.container, "bash", "-c", start];
    return { file: dockerBin(), args, end };
  }

  /** `commandLine` in the container, stdin and stdout piped (no terminal), for a stdio MCP server. */
  async pipedCommand(commandLine: string, env: Record<string, string>, cwd?: string): Promise<PipedCommand> {
    await this.shell.connect();
    const script = await this.pipedScript(commandLine, env, cwd);
    const { pidFile, end } = this.endableSession();
    return { file: dockerBin(), args: ["exec", "-i", this.container, "sh", "-c", `echo $$ > ${pidFile}; ${script}`], end };
  }

  /**
   * A session started in the container that records its id in `pidFile`, and how to hang it up
   * from inside (a killed `docker exec` client leaves its process running), also when Mux dies
   * with it open.
   */
  private endableSession(): { pidFile: string; end: () => Promise<void> } {
    const pidFile = `/tmp/mux-session-${randomBytes(6).toString("hex")}.pid`;
    const script = `f=${pidFile}\n${END_SESSION_SCRIPT}`;
    const release = watchdog().registerCleanup(`${shq(dockerBin())} exec -i ${this.container} bash <<'MUX_END'\n${script}\nMUX_END`);
    let ended: Promise<void> | undefined;
    const end = () =>
      (ended ??= execCapture(this, script, { timeoutMs: 10_000 }).then(
        () => release(),
        () => release(),
      ));
    return { pidFile, end };
  }
}
