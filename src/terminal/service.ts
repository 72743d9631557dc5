import * as os from "node:os";
import * as path from "node:path";
import { nanoid } from "nanoid";
import type { TerminalInfo } from "../api/terminal.js";
import { withoutMuxSecrets } from "../common/secretEnv.js";
import { DockerRuntime } from "../runtime/docker.js";
import { SshRuntime } from "../runtime/ssh.js";
import type { Runtime } from "../runtime/types.js";
import { workspaceEnv } from "../runtime/workspaceEnv.js";
import type { Workspace } from "../workspace/config.js";
import { listScripts, SCRIPTS_DIR } from "./scripts.js";
import { type SpawnSpec, Terminal } from "./terminal.js";

/** An expected refusal (unknown terminal or workspace, a runtime without terminals), for the API to map. */
export class TerminalError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "BAD_REQUEST",
    message: string,
  ) {
    super(message);
    this.name = "TerminalError";
  }
}

export interface TerminalServiceOptions {
  /** The workspace with this id, if it exists. */
  workspace: (id: string) => Workspace | undefined;
  /** Where the workspace's commands run, ready to use (an SSH host's home directory known). */
  runtime: (ws: Workspace) => Promise<Runtime>;
  env: NodeJS.ProcessEnv;
}

/** The shell a person gets in a terminal: theirs ($SHELL, else the password database's), else sh. */
export function userShell(env: NodeJS.ProcessEnv): string {
  if (env.SHELL) return env.SHELL;
  try {
    return os.userInfo().shell || "/bin/sh";
  } catch {
    return "/bin/sh";
  }
}

/**
 * Every workspace's terminals in this server. Shells outlive the pages showing them; they end
 * when closed, when their workspace is deleted (closeWorkspace) or when the server stops (closeAll).
 */
export class TerminalService {
  private readonly terminals = new Map<string, Terminal>();
  /** Per workspace, how many terminals were ever opened (for the next default name). */
  private readonly opened = new Map<string, number>();
  private closing = false;

  constructor(private readonly opts: TerminalServiceOptions) {}

  list(workspaceId: string): TerminalInfo[] {
    return [...this.terminals.values()].filter((t) => t.info.workspaceId === workspaceId).map((t) => ({ ...t.info }));
  }

  get(terminalId: string): Terminal {
    const t = this.terminals.get(terminalId);
    if (!t) throw new TerminalError("NOT_FOUND", `no terminal ${terminalId} (closed, or the server restarted)`);
    return t;
  }

  /** The project's scripts (`.mux/scripts/`) as the workspace's checkout has them. */
  async scripts(workspaceId: string): Promise<string[]> {
    const ws = this.workspace(workspaceId);
    if (ws.runtime.type === "unsupported") return [];
    return listScripts(await this.opts.runtime(ws));
  }

  /** Starts the user's shell in the workspace, or one of its scripts (`script`, see scripts.ts). */
  async create(workspaceId: string, opts: { name?: string; script?: string; cols: number; rows: number }): Promise<TerminalInfo> {
    if (this.closing) throw new TerminalError("BAD_REQUEST", "the server is stopping");
    const ws = this.workspace(workspaceId);
    if (opts.script !== undefined && !(await this.scripts(workspaceId)).includes(opts.script)) {
      throw new TerminalError("NOT_FOUND", `no executable script "${opts.script}" in ${SCRIPTS_DIR}/ of workspace "${ws.name}"`);
    }
    const n = (this.opened.get(workspaceId) ?? 0) + 1;
    this.opened.set(workspaceId, n);
    const name = opts.name ?? opts.script ?? `Terminal ${n}`;
    const info: TerminalInfo = { id: nanoid(12), workspaceId, name, createdAt: Date.now(), exit: null };
    const terminal = await Terminal.start(info, await this.spawnSpec(ws, opts));
    this.terminals.set(info.id, terminal);
    return { ...info };
  }

  private workspace(workspaceId: string): Workspace {
    const ws = this.opts.workspace(workspaceId);
    if (!ws) throw new TerminalError("NOT_FOUND", `no workspace ${workspaceId}`);
    return ws;
  }

  rename(terminalId: string, name: string): TerminalInfo {
    const t = this.get(terminalId);
    t.info.name = name;
    return { ...t.info };
  }

  async close(terminalId: string): Promise<void> {
    const t = this.get(terminalId);
    this.terminals.delete(terminalId);
    await t.close();
  }

  /** The workspace is gone: so are its shells. */
  async closeWorkspace(workspaceId: string): Promise<void> {
    this.opened.delete(workspaceId);
    await Promise.all(this.list(workspaceId).map((t) => this.close(t.id).catch(() => {})));
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    const all = [...this.terminals.values()];
    this.terminals.clear();
    await Promise.all(all.map((t) => t.close()));
  }

  private async spawnSpec(ws: Workspace, { cols, rows, script }: { cols: number; rows: number; script?: string }): Promise<SpawnSpec> {
    const env = this.opts.env;
    const base = { ...withoutMuxSecrets(env), TERM: "xterm-256color", COLORTERM: "truecolor" } as Record<string, string>;
    for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
    const vars = workspaceEnv(ws.runtime.type === "unsupported" ? "local" : ws.runtime.type, ws.projectPath, ws.name);
    switch (ws.runtime.type) {
      case "local":
      case "worktree": {
        const cwd = ws.runtime.type === "local" ? ws.projectPath : ws.runtime.path;
        const file = script === undefined ? userShell(env) : path.join(cwd, SCRIPTS_DIR, script);
        return { file, args: [], cwd, env: { ...base, ...vars }, cols, rows };
      }
      case "ssh": {
        // The host's own login shell; only the workspace's variables travel (ssh forwards TERM).
        const runtime = await this.opts.runtime(ws);
        if (!(runtime instanceof SshRuntime)) throw new TerminalError("BAD_REQUEST", `workspace "${ws.name}" has no SSH runtime`);
        const { file, args } = await runtime.terminalCommand(vars, script === undefined ? undefined : `./${SCRIPTS_DIR}/${script}`);
        return { file, args, cwd: os.homedir(), env: base, cols, rows };
      }
      case "docker":
      case "devcontainer": {
        const runtime = await this.opts.runtime(ws);
        if (!(runtime instanceof DockerRuntime)) throw new TerminalError("BAD_REQUEST", `workspace "${ws.name}" has no Docker runtime`);
        const { file, args, end } = await runtime.terminalCommand(vars, script === undefined ? undefined : `./${SCRIPTS_DIR}/${script}`);
        return { file, args, cwd: os.homedir(), env: base, end, cols, rows };
      }
      case "unsupported":
        throw new TerminalError("BAD_REQUEST", `workspace "${ws.name}" has a runtime this Mux cannot run`);
    }
  }
}
