import { dockerBin } from "./dockerCli.js";
import type { DockerShell } from "./dockerShell.js";
import { ShellRuntime } from "./shellRuntime.js";

/** A workspace inside a long-lived container; tools and terminals run there with `docker exec`. */
export class DockerRuntime extends ShellRuntime {
  declare readonly type: "docker";
  declare readonly shell: DockerShell;

  constructor(root: string, shell: DockerShell) {
    super("docker", root, shell);
  }

  get container(): string {
    return this.shell.container;
  }

  /** The local command of an interactive login shell in the workspace, for a terminal. */
  async terminalCommand(env: Record<string, string>): Promise<{ file: string; args: string[] }> {
    await this.shell.connect();
    const vars = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    return { file: dockerBin(), args: ["exec", "-it", "-w", this.root, "-e", "TERM=xterm-256color", ...vars, this.container, "bash", "-l"] };
  }
}
