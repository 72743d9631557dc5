import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { getTool } from "../tools/registry.js";
import type { ToolDefinition } from "../tools/types.js";
import type { Runtime } from "../runtime/types.js";
import { mcpConfigFor, type McpServerSpec, type RunMcpServers, untrustedProjectFile } from "./config.js";
import type { McpConnection } from "./connection.js";
import { isEnabled, readOverrides } from "./overrides.js";
import { mcpTool } from "./tools.js";

/** Runs a workspace's stdio servers where its files are (an SSH host, a container). */
export interface RemoteStdio {
  /** The place, e.g. `ssh:<workspace id>`: a server started elsewhere is another server. */
  where: string;
  runtime(): Promise<Runtime>;
}

/** Where a workspace's servers run and what they may read. */
export interface McpWorkspace {
  /** The workspace's id (a plain `mux run`'s session id): each has its own server processes. */
  id: string;
  /** Its project: the project's `.mux/mcp.jsonc` counts only once the user trusts it. */
  project?: { path: string; trusted: boolean };
  /** Where stdio servers start (the workspace's directory on this machine). */
  cwd: string;
  /** An SSH or container workspace: its stdio servers run over there, in the workspace. */
  remote?: RemoteStdio;
  /** The workspace's state directory (its own choice of servers). */
  stateDir: string;
  /** `mux run`'s own servers (--mcp) and whether the files count (--no-mcp-config). */
  run?: RunMcpServers;
}

export type McpServerState = "stopped" | "starting" | "connected" | "error" | "disabled";

export interface McpServerStatus {
  name: string;
  scope: McpServerSpec["scope"];
  enabled: boolean;
  state: McpServerState;
  error?: string;
  tools?: string[];
}

export interface McpTools {
  tools: ToolDefinition[];
  /** What the user should know (a server that failed to start, a file that cannot be read). */
  notices: string[];
}

/** Automatic restarts after a crash wait 0.5 s, 1 s, 2 s… up to this. */
const MAX_BACKOFF_MS = 30_000;
/** After this many failed restarts in a row the server waits for the next turn that needs it. */
const MAX_AUTO_RESTARTS = 5;
/** A connection that lived this long was healthy: the back-off starts over. */
const HEALTHY_MS = 60_000;
/** A server no turn used for this long is stopped (the next turn that needs it starts it again). */
const IDLE_MS = 10 * 60_000;

/** One server of one workspace. */
class Server {
  conn?: McpConnection;
  starting?: Promise<McpConnection>;
  error?: string;
  private restarts = 0;
  private timer?: NodeJS.Timeout;
  private connectedAt = 0;
  private stopped = false;
  /** When a turn last asked for its tools or called one. */
  lastUsed = Date.now();
  /** Tool calls running now (a server is never idle while one runs). */
  calls = 0;

  constructor(
    readonly spec: McpServerSpec,
    readonly fingerprint: string,
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly remote?: RemoteStdio,
  ) {}

  get state(): McpServerState {
    if (this.conn) return "connected";
    if (this.starting) return "starting";
    return this.error ? "error" : "stopped";
  }

  /** The running connection, started (or restarted) now if there is none. */
  ensure(): Promise<McpConnection> {
    this.lastUsed = Date.now();
    if (this.conn) return Promise.resolve(this.conn);
    if (this.starting) return this.starting;
    // Stopped for good (its workspace went, or its settings changed: a new one replaces it).
    if (this.stopped) return Promise.reject(new Error("the server was stopped"));
    clearTimeout(this.timer);
    const started = (async () => {
      const { McpConnection } = await import("./connection.js");
      return McpConnection.open(this.spec, this.cwd, this.env, this.remote);
    })();
    this.starting = started;
    started.then(
      (conn) => {
        this.starting = undefined;
        if (this.stopped) return void conn.close();
        this.conn = conn;
        this.error = undefined;
        this.connectedAt = Date.now();
        conn.onLost = (why) => this.lost(why);
      },
      (err: Error) => {
        this.starting = undefined;
        this.error = err.message;
      },
    );
    return started;
  }

  /** The process died or the session ended: try again after a pause that grows with each failure. */
  private lost(why: string): void {
    this.conn = undefined;
    this.error = why;
    if (this.stopped) return;
    if (Date.now() - this.connectedAt > HEALTHY_MS) this.restarts = 0;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.restarts >= MAX_AUTO_RESTARTS) return;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.restarts++);
    this.timer = setTimeout(() => {
      this.ensure().catch(() => this.scheduleRestart());
    }, delay);
    this.timer.unref();
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    this.calls++;
    try {
      const conn = await this.ensure();
      return await conn.call(tool, args, signal);
    } finally {
      this.calls--;
      this.lastUsed = Date.now();
    }
  }

  /** Unused for a while: the process goes, to be started again when needed. */
  async idle(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.conn = undefined;
    this.error = undefined;
    await conn.close();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const conn = this.conn ?? (await this.starting?.catch(() => undefined));
    this.conn = undefined;
    await conn?.close();
  }
}

/**
 * The MCP servers of every workspace in this process. A server starts the first time a turn of
 * its workspace needs its tools, is restarted with back-off when it crashes, and stops with its
 * workspace (or with the process). The configuration is read for each turn, so edits apply to the
 * next one; with no server configured a turn costs one failed file open and nothing else.
 */
export class McpManager {
  private readonly servers = new Map<string, Map<string, Server>>();
  private sweeper?: NodeJS.Timeout;
  private readonly toldUntrusted = new Set<string>();

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly idleMs = IDLE_MS,
  ) {}

  /** Stops the servers no turn used for idleMs; runs while any server exists. */
  private sweepIdle(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const mine of this.servers.values())
          for (const server of mine.values()) if (!server.calls && now - server.lastUsed > this.idleMs) void server.idle();
        if (!this.servers.size) {
          clearInterval(this.sweeper);
          this.sweeper = undefined;
        }
      },
      Math.min(60_000, this.idleMs),
    );
    this.sweeper.unref();
  }

  /** The enabled servers' tools for a turn in `ws`, starting the servers not running yet. */
  async tools(ws: McpWorkspace): Promise<McpTools> {
    const config = mcpConfigFor(this.env, ws.project, ws.run);
    const notices = config.problems.map((p) => `MCP configuration not used: ${p}`);
    const untrusted = ws.run?.configFiles === false ? undefined : untrustedProjectFile(ws.project);
    // Said once per workspace (and process), not with every answer.
    if (untrusted && !this.toldUntrusted.has(ws.id) && this.toldUntrusted.add(ws.id))
      notices.push(`${untrusted} is not used until you trust the project (\`mux mcp trust\`, or Settings → MCP).`);
    const specs = Object.values(config.servers);
    if (!specs.length && !this.servers.has(ws.id)) return { tools: [], notices };
    const overrides = readOverrides(ws.stateDir, ws.cwd);
    const wanted = specs.filter((s) => isEnabled(s, overrides));
    const running = this.sync(ws, wanted);
    const tools: ToolDefinition[] = [];
    const taken = new Set<string>();
    await Promise.all(running.map((s) => s.ensure().catch(() => undefined)));
    for (const server of running) {
      if (!server.conn) {
        notices.push(`MCP server "${server.spec.name}" is not available: ${server.error ?? "it did not start"}`);
        continue;
      }
      for (const info of server.conn.tools) {
        if (server.spec.toolAllowlist && !server.spec.toolAllowlist.includes(info.name)) continue;
        const tool = mcpTool(server.spec.name, info, (name, args, signal) => server.call(name, args, signal));
        if (getTool(tool.name) || taken.has(tool.name)) {
          notices.push(`MCP tool "${info.name}" of "${server.spec.name}" is left out: its name ${tool.name} is taken`);
          continue;
        }
        taken.add(tool.name);
        tools.push(tool);
      }
    }
    return { tools, notices };
  }

  /** Keeps the workspace's servers in line with what is wanted: changed or unwanted ones stop. */
  private sync(ws: McpWorkspace, wanted: McpServerSpec[]): Server[] {
    let mine = this.servers.get(ws.id);
    if (!mine) {
      if (!wanted.length) return [];
      mine = new Map();
      this.servers.set(ws.id, mine);
    }
    const keep = new Map(wanted.map((s) => [s.name, JSON.stringify({ ...s, cwd: ws.cwd, where: ws.remote?.where })]));
    for (const [name, server] of mine) {
      if (keep.get(name) !== server.fingerprint) {
        void server.stop();
        mine.delete(name);
      }
    }
    for (const spec of wanted) {
      if (!mine.has(spec.name)) mine.set(spec.name, new Server(spec, keep.get(spec.name) as string, ws.cwd, this.env, ws.remote));
    }
    if (!mine.size) this.servers.delete(ws.id);
    else this.sweepIdle();
    return wanted.map((s) => mine.get(s.name) as Server);
  }

  /** Each configured server's state for the workspace (Settings → MCP); starts nothing. */
  status(ws: McpWorkspace): { servers: McpServerStatus[]; problems: string[] } {
    const config = mcpConfigFor(this.env, ws.project, ws.run);
    const overrides = readOverrides(ws.stateDir, ws.cwd);
    const mine = this.servers.get(ws.id);
    const servers = Object.values(config.servers).map((spec): McpServerStatus => {
      const enabled = isEnabled(spec, overrides);
      const server = mine?.get(spec.name);
      const base = { name: spec.name, scope: spec.scope, enabled };
      if (!enabled) return { ...base, state: "disabled" };
      if (!server) return { ...base, state: "stopped" };
      return {
        ...base,
        state: server.state,
        ...(server.error && !server.conn ? { error: server.error } : {}),
        ...(server.conn ? { tools: server.conn.tools.map((t) => t.name) } : {}),
      };
    });
    return { servers, problems: config.problems };
  }

  /** Starts the server once on its own and lists its tools ("Test connection"); nothing is kept. */
  async test(spec: McpServerSpec, cwd: string, remote?: RemoteStdio): Promise<{ ok: true; tools: string[] } | { ok: false; error: string }> {
    const { McpConnection } = await import("./connection.js");
    try {
      const conn = await McpConnection.open(spec, cwd, this.env, remote);
      await conn.close();
      return { ok: true, tools: conn.tools.map((t) => t.name) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Stops a workspace's servers (it was deleted). */
  async stopWorkspace(id: string): Promise<void> {
    const mine = this.servers.get(id);
    this.servers.delete(id);
    await Promise.all([...(mine?.values() ?? [])].map((s) => s.stop()));
  }

  /** Stops every server (the process is ending). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.servers.keys()].map((id) => this.stopWorkspace(id)));
  }
}
