import type { ChatMessage } from "../agent/messages.js";
import type { Answers } from "../agent/questions.js";
import type { ChatItem, CostSummary, GitStatusView } from "../api/schemas.js";
import { muxRoot } from "../config/paths.js";
import { type LockOwner, SessionLock } from "../history/sessionLock.js";
import { overlapScratchDir } from "../overlap/scratch.js";
import { OverlapTracker } from "../overlap/tracker.js";
import { loadProvidersConfig } from "../providers/config.js";
import { contextWindows } from "../providers/contextWindows.js";
import type { Workspace } from "../workspace/config.js";
import { unsupportedRuntimeMessage } from "../workspace/registry/runtimeConfig.js";
import { readPlanFile, writePlanFile } from "../workspace/planFile.js";
import { runtimeChoiceOf } from "../workspace/runtimeChoice.js";
import type { WorkspaceService } from "../workspace/service.js";
import type { AsyncQueue } from "./asyncQueue.js";
import { ElsewhereWatch } from "./elsewhereWatch.js";
import { errorMessage, HubError } from "./errors.js";
import { GitTracker } from "./gitTracker.js";
import { IdleCollector } from "./idleGc.js";
import { McpManager, type McpWorkspace } from "../mcp/manager.js";
import { mcpWorkspaceOf } from "../mcp/workspace.js";
import { RegistryView } from "./registryView.js";
import { WorkspaceFeed } from "./workspaceFeed.js";
import { parseSlashCommand } from "./slashCommands.js";
import type { WorkspaceCommands } from "./slashRun.js";
import { WorkspaceOps } from "./workspaceOps.js";
import type { ChatTurnInput } from "./chatSession.js";
import { type ChildDriver, subagentsFor } from "./subagents.js";
import type { SendInput } from "./sendQueue.js";
import { type SessionHost, WorkspaceSession } from "./workspaceSession.js";

export interface HubOptions {
  env?: NodeJS.ProcessEnv;
  /** Period of the git status / registry pass (default 15 s; 0 disables it). */
  tickMs?: number;
  /** A chat nobody used for this long is dropped from memory (default 10 min). */
  unloadAfterMs?: number;
  warn?: (message: string) => void;
}

/** The message "Start" sends: the plan file's content, said to be approved. */
function planInstruction(file: string, plan: string): string {
  return `The plan is approved (as kept in ${file}, where I may have edited it). Implement it:\n\n${plan.trim()}`;
}

/**
 * Every workspace's agent session in one process, independent of any transport: the server is a
 * thin adapter over it. Sessions are created on first use; many run at once; they keep running
 * with nobody watching. What the sidebar shows is the feed's (workspaceFeed.ts); project and
 * workspace operations are the ops' (workspaceOps.ts); the hub wires them to the sessions.
 */
export class Hub implements SessionHost {
  readonly muxRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly git: GitTracker;
  /** Which workspaces change the same files, and which would conflict (the sidebar's badge). */
  readonly overlap: OverlapTracker;
  /** The sidebar's feed: summaries, health, periodic refresh. */
  readonly feed: WorkspaceFeed;
  /** Project and workspace operations (create, fork, rename, delete…). */
  readonly ops: WorkspaceOps;
  private readonly sessions = new Map<string, WorkspaceSession>();
  private readonly warnFn: (message: string) => void;
  private readonly elsewhereWatch: ElsewhereWatch;
  private readonly idleGc = new IdleCollector(() => [...this.sessions.values()].some((s) => s.busy));
  private readonly filesListeners = new Set<(id: string) => void>();
  /** Whether a terminal is open in a workspace (set by whoever holds the terminals). */
  terminalOpen: (id: string) => boolean = () => false;
  private readonly registry: RegistryView;
  /** The workspaces' MCP servers, started by their first turn that needs them. */
  readonly mcp: McpManager;

  constructor(
    readonly service: WorkspaceService,
    opts: HubOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.muxRoot = muxRoot(this.env);
    this.mcp = new McpManager(this.env);
    this.warnFn = opts.warn ?? ((m) => process.stderr.write(`mux: warning: ${m}\n`));
    this.git = new GitTracker(service, (id) => this.changed(id));
    this.overlap = new OverlapTracker({
      workspaces: () => this.feed.workspaces(),
      status: (id) => this.git.get(id),
      trunk: (projectPath) => this.git.trunk(projectPath),
      onChange: (ids) => ids.forEach((id) => this.changed(id)),
      warn: (m) => this.warn(m),
      scratchDir: overlapScratchDir(this.muxRoot),
    });
    this.git.monitor.onChange((id) => this.overlap.statusChanged(id));
    const registryView = new RegistryView(service.store);
    this.registry = registryView;
    const sessions = {
      session: (id: string) => this.session(id),
      existing: (id: string) => this.sessions.get(id),
      sessions: () => this.sessions.values(),
      forget: (id: string) => void this.sessions.delete(id),
      terminalOpen: (id: string) => this.terminalOpen(id),
      filesChanged: (id: string) => this.filesChanged(id),
      warn: (m: string) => this.warn(m),
    };
    this.feed = new WorkspaceFeed(service, registryView, this.git, this.overlap, sessions, opts);
    this.ops = new WorkspaceOps(service, registryView, this.git, this.feed, sessions);
    this.elsewhereWatch = new ElsewhereWatch(
      () => this.feed.workspaces().map((w) => ({ id: w.id, dir: service.sessionDir(w.id) })),
      (id, running) => {
        if (!running) this.sessions.get(id)?.syncFromDisk();
        this.changed(id);
      },
    );
    void this.settleStaleTasks();
  }

  /**
   * Helpers recorded as working whose agent no process runs any more (Mux stopped while they
   * worked) are recorded as interrupted, as their chats say they were.
   */
  private async settleStaleTasks(): Promise<void> {
    try {
      for (const w of this.feed.workspaces()) {
        if (w.taskStatus !== "running" && w.taskStatus !== "queued") continue;
        if (!SessionLock.heldByOther(this.service.sessionDir(w.id))) await this.service.setTaskStatus(w.id, "interrupted");
      }
    } catch (err) {
      this.warn(`cannot settle the helpers' status: ${errorMessage(err)}`);
    }
  }

  // ── SessionHost ──────────────────────────────────────────────────────────

  workspace(id: string): Workspace | undefined {
    return this.feed.workspaces().find((w) => w.id === id);
  }

  mcpWorkspace(id: string): McpWorkspace | undefined {
    const ws = this.workspace(id);
    return ws ? mcpWorkspaceOf(ws, this.registry.read(), this.service.sessionDir(id), () => this.service.preparedRuntime(ws)) : undefined;
  }

  elsewhere(id: string): LockOwner | undefined {
    return this.elsewhereWatch.owner(id);
  }

  warn(message: string): void {
    this.warnFn(message);
  }

  turnEnded(): void {
    this.idleGc.turnEnded();
  }

  changed(id: string): void {
    this.feed.changed(id);
  }

  commands(id: string): WorkspaceCommands {
    const made = (ws: Workspace) => ({ id: ws.id, name: ws.name });
    return {
      saveSettings: (picks) => this.ops.saveSettings(id, picks),
      fork: async (name) => made(await this.ops.fork(id, name)),
      create: async (name) => {
        const ws = this.feed.get(id);
        return made(await this.ops.create({ projectPath: ws.projectPath, name, runtime: runtimeChoiceOf(ws) }));
      },
    };
  }

  subagents(id: string): ChatTurnInput["subagents"] {
    const ws = this.workspace(id);
    if (!ws || ws.runtime.type === "unsupported") return undefined;
    const runtime = () => this.service.preparedRuntime(ws);
    return subagentsFor({ id, projectPath: ws.projectPath, workspace: ws, runtime }, { service: this.service, env: this.env, driver: this.childDriver });
  }

  /** Helpers are workspaces like the others here: made by the ops (sidebar, init hook), run by their own session. */
  private readonly childDriver: ChildDriver = {
    create: (input) => this.ops.create(input),
    run: (turn) => this.session(turn.child.id).runTask(turn),
  };

  filesChanged(id: string): void {
    void this.git.refresh([id]).catch(() => {});
    for (const listener of this.filesListeners) listener(id);
  }

  /** Called whenever a tool may have changed a workspace's files (the open review refreshes at once). */
  onFilesChanged(listener: (id: string) => void): void {
    this.filesListeners.add(listener);
  }

  // ── sessions ─────────────────────────────────────────────────────────────

  session(id: string): WorkspaceSession {
    let s = this.sessions.get(id);
    if (!s) {
      this.feed.get(id);
      s = new WorkspaceSession(id, this);
      this.sessions.set(id, s);
    }
    return s;
  }

  markRead(id: string): void {
    this.session(id).markRead();
  }

  async gitStatus(id: string, refresh = false): Promise<GitStatusView | null> {
    return this.feed.gitStatus(this.feed.get(id), refresh);
  }

  /** Re-reads the git status of every workspace of `id`'s project (after its trunk moved). */
  async refreshProjectGit(id: string): Promise<void> {
    await this.feed.refreshProjectGit(this.feed.get(id));
  }

  costs(id: string): CostSummary {
    return this.session(id).costs(contextWindows(() => loadProvidersConfig(this.env).config));
  }

  // ── chat ─────────────────────────────────────────────────────────────────

  subscribeChat(id: string, cursor: number | undefined, signal?: AbortSignal): AsyncQueue<ChatItem> {
    const session = this.session(id);
    session.syncFromDisk(); // a `mux run --workspace` may have added to it
    return session.log.subscribe(cursor, signal);
  }

  /** An image of a workspace's chat, for the link the browser was sent (undefined: none such). */
  image(id: string, messageId: string, index: number): { mediaType: string; bytes: Uint8Array } | undefined {
    try {
      this.feed.get(id);
    } catch (err) {
      if (err instanceof HubError && err.code === "NOT_FOUND") return undefined;
      throw err;
    }
    return this.session(id).image(messageId, index);
  }

  history(id: string, before: number, limit: number): { messages: ChatMessage[]; start: number } {
    return this.session(id).history(before, limit);
  }

  async send(input: SendInput & { workspaceId: string }): Promise<{ queued: boolean }> {
    const ws = this.feed.get(input.workspaceId);
    const { workspaceId, ...message } = input;
    if (ws.runtime.type === "unsupported") throw new HubError("BAD_REQUEST", unsupportedRuntimeMessage(ws.name, ws.runtime));
    if (this.feed.healthOf(ws) !== "ok") {
      // Checked again: the user may have repaired it by hand since.
      const health = await this.service.health(ws);
      this.feed.setHealth(ws.id, health);
      if (health !== "ok") throw new HubError("BAD_REQUEST", `workspace "${ws.name}" is ${health.replace(/-/g, " ")}: re-create it or delete it`);
    }
    const parsed = parseSlashCommand(message.text);
    // Nothing is sent: the composer shows why, and keeps the draft.
    if (parsed.kind === "refused") throw new HubError("BAD_REQUEST", parsed.message);
    const result = this.session(workspaceId).send(message);
    // The user's picks become the workspace's defaults.
    const picked: Workspace["settings"] = {};
    if (input.model && input.model !== ws.settings.model) picked.model = input.model;
    if (input.mode && input.mode !== ws.settings.mode) picked.mode = input.mode;
    // A mode picked without an agent is that built-in agent (the workspace leaves its custom one).
    const agent = input.agent ?? (input.mode && ws.settings.agent ? input.mode : undefined);
    if (agent && agent !== ws.settings.agent) picked.agent = agent;
    if (input.thinking && input.thinking !== ws.settings.thinking) picked.thinking = input.thinking;
    if (Object.keys(picked).length) {
      try {
        await this.ops.saveSettings(ws.id, picked);
      } catch (err) {
        this.warn(`cannot save the settings of ${ws.name}: ${errorMessage(err)}`);
      }
    }
    return result;
  }

  interrupt(id: string): void {
    this.session(id).interrupt();
  }

  retry(id: string): void {
    this.session(id).retry();
  }

  clearQueue(id: string): void {
    this.session(id).clearQueue();
  }

  answer(id: string, toolCallId: string, answers: Answers): void {
    this.session(id).answer(toolCallId, answers);
  }

  // ── the plan file ────────────────────────────────────────────────────────

  plan(id: string): { path: string; content: string | null } {
    const file = this.service.planFile(this.feed.get(id));
    return { path: file, content: readPlanFile(file) ?? null };
  }

  savePlan(id: string, content: string): { path: string; content: string } {
    const file = this.service.planFile(this.feed.get(id));
    writePlanFile(file, content);
    return { path: file, content };
  }

  /** "Start": the plan as the file has it now (edited or not) becomes the instruction, in exec mode. */
  async startPlan(id: string): Promise<{ queued: boolean }> {
    const { path, content } = this.plan(id);
    if (content === null || !content.trim()) throw new HubError("BAD_REQUEST", `there is no plan to start: ${path} is missing or empty`);
    return this.send({ workspaceId: id, text: planInstruction(path, content), mode: "exec" });
  }

  /** Stops every turn (their partial answers are saved as interrupted) and all timers. */
  async shutdown(): Promise<void> {
    this.feed.dispose();
    this.idleGc.dispose();
    this.elsewhereWatch.dispose();
    this.ops.dispose();
    await Promise.all([...this.sessions.values()].map((s) => s.close(3_000)));
    this.git.dispose();
    this.overlap.dispose();
    await this.mcp.close();
  }

  /** For tests and diagnostics: how many chat subscribers a workspace has. */
  subscriberCount(id: string): number {
    return this.sessions.get(id)?.log.subscriberCount ?? 0;
  }
}
