import * as fs from "node:fs";
import type { ChatMessage } from "../agent/messages.js";
import type { ChatItem, CostSummary, GitStatusView, WorkspaceListEvent, WorkspaceSummary } from "../api/schemas.js";
import { expandHome, muxRoot } from "../config/paths.js";
import { knownModel, parseModelString } from "../providers/models.js";
import type { Project, Workspace } from "../workspace/config.js";
import type { MuxConfig } from "../workspace/schemas.js";
import { git } from "../workspace/git.js";
import { suggestName } from "../workspace/names.js";
import { RACY_GIT_WINDOW_MS, settleIndex } from "../workspace/worktree.js";
import { detectTrunk, resolveProjectPath } from "../workspace/projects.js";
import { unsupportedRuntimeMessage } from "../workspace/registry/runtimeConfig.js";
import type { CreateWorkspaceInput, WorkspaceHealth, WorkspaceService } from "../workspace/service.js";
import { AsyncQueue } from "./asyncQueue.js";
import { errorMessage, HubError } from "./errors.js";
import type { LockOwner } from "../history/sessionLock.js";
import { ElsewhereWatch } from "./elsewhereWatch.js";
import { RegistryView } from "./registryView.js";
import { GitTracker } from "./gitTracker.js";
import { overlapScratchDir } from "../overlap/scratch.js";
import { OverlapTracker } from "../overlap/tracker.js";
import { IdleCollector } from "./idleGc.js";
import { type SendInput, type SessionHost, WorkspaceSession } from "./workspaceSession.js";

export interface HubOptions {
  env?: NodeJS.ProcessEnv;
  /** Period of the git status / registry pass (default 15 s; 0 disables it). */
  tickMs?: number;
  /** A chat nobody used for this long is dropped from memory (default 10 min). */
  unloadAfterMs?: number;
  warn?: (message: string) => void;
}

/** Health is re-checked every this many ticks (it runs git per worktree). */
const HEALTH_EVERY_TICKS = 4;
/** A Docker workspace's git status is taken on every this many ticks (a `docker exec` each). */
const CONTAINER_STATUS_EVERY_TICKS = 4;
/**
 * Overlaps are checked afresh (every uncommitted change snapshotted again) every this many
 * ticks; in between, status changes trigger checks that reuse unchanged snapshots.
 */
const OVERLAP_FRESH_EVERY_TICKS = 4;

type ListSnapshot = Extract<WorkspaceListEvent, { type: "snapshot" }>;

function contextWindowFor(model: string): number | null {
  try {
    return knownModel(parseModelString(model))?.contextWindow ?? null;
  } catch {
    return null;
  }
}

/**
 * Every workspace's agent session in one process, independent of any transport: the server is a
 * thin adapter over it. Sessions are created on first use; many run at once; they keep running
 * with nobody watching. Also keeps what the sidebar shows (health, git status, activity, cost)
 * and tells list subscribers about every change.
 */
export class Hub implements SessionHost {
  readonly muxRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly git: GitTracker;
  /** Which workspaces change the same files, and which would conflict (the sidebar's badge). */
  readonly overlap: OverlapTracker;
  private readonly sessions = new Map<string, WorkspaceSession>();
  private readonly health = new Map<string, WorkspaceHealth>();
  private readonly listSubscribers = new Set<AsyncQueue<WorkspaceListEvent>>();
  /** Last summary sent per workspace (JSON), so unchanged summaries are not re-sent. */
  private readonly lastSent = new Map<string, string>();
  private lastProjects = "";
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  /** Worktree operations per project, one at a time (see serial()). */
  private readonly projectOps = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastTickError = "";
  private readonly warnFn: (message: string) => void;
  private readonly registryView: RegistryView;
  private readonly unloadAfterMs: number;
  private readonly elsewhereWatch: ElsewhereWatch;
  private readonly idleGc = new IdleCollector(() => [...this.sessions.values()].some((s) => s.busy));
  private readonly filesListeners = new Set<(id: string) => void>();

  constructor(
    readonly service: WorkspaceService,
    opts: HubOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.muxRoot = muxRoot(this.env);
    this.warnFn = opts.warn ?? ((m) => process.stderr.write(`mux: warning: ${m}\n`));
    this.git = new GitTracker(service, (id) => this.changed(id));
    this.overlap = new OverlapTracker({
      workspaces: () => this.workspaces(),
      status: (id) => this.git.get(id),
      trunk: (projectPath) => this.git.trunk(projectPath),
      onChange: (ids) => ids.forEach((id) => this.changed(id)),
      warn: (m) => this.warn(m),
      scratchDir: overlapScratchDir(this.muxRoot),
    });
    this.git.monitor.onChange((id) => this.overlap.statusChanged(id));
    this.registryView = new RegistryView(service.store);
    // A corrupt registry must not keep the hub from starting: each call then reports it.
    try {
      this.lastProjects = JSON.stringify(this.registry().projects);
    } catch {
      this.lastProjects = "";
    }
    // Health and git status arrive as list events: nothing waits for them (until the first
    // check, a workspace's health is what the file system says; see healthOf).
    void this.checkHealth()
      .catch((err) => this.warn(errorMessage(err)))
      .then(() => this.git.tick(this.workspaces()))
      .catch((err) => this.warn(`git status: ${errorMessage(err)}`));
    this.unloadAfterMs = opts.unloadAfterMs ?? 10 * 60_000;
    this.elsewhereWatch = new ElsewhereWatch(
      () => this.workspaces().map((w) => ({ id: w.id, dir: service.sessionDir(w.id) })),
      (id, running) => {
        if (!running) this.sessions.get(id)?.syncFromDisk();
        this.changed(id);
      },
    );
    const tickMs = opts.tickMs ?? 15_000;
    if (tickMs > 0) {
      this.timer = setInterval(() => void this.tick(), tickMs);
      this.timer.unref();
    }
  }

  // ── SessionHost ──────────────────────────────────────────────────────────

  workspace(id: string): Workspace | undefined {
    return this.workspaces().find((w) => w.id === id);
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

  /** Coalesces summary changes: one list event per workspace per tick of the event loop. */
  changed(id: string): void {
    this.pending.add(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const ids = [...this.pending];
      this.pending.clear();
      // One registry read for the lot (each read parses config.json).
      let all: Workspace[];
      try {
        all = this.workspaces();
      } catch (err) {
        return this.warn(errorMessage(err));
      }
      for (const wsId of ids) {
        const ws = all.find((w) => w.id === wsId);
        if (ws) this.emitWorkspace(ws);
      }
    });
  }

  filesChanged(id: string): void {
    void this.git.refresh([id]).catch(() => {});
    for (const listener of this.filesListeners) listener(id);
  }

  /** Called whenever a tool may have changed a workspace's files (the open review refreshes at once). */
  onFilesChanged(listener: (id: string) => void): void {
    this.filesListeners.add(listener);
  }

  // ── registry and summaries ───────────────────────────────────────────────

  /** The registry (config.json), parsed again only when the file changed. */
  private registry(): MuxConfig {
    return this.registryView.read();
  }

  private workspaces(): Workspace[] {
    return this.registry().workspaces;
  }

  private get(id: string): Workspace {
    const ws = this.workspaces().find((w) => w.id === id);
    if (!ws) throw new HubError("NOT_FOUND", `no workspace "${id}"`);
    return ws;
  }

  session(id: string): WorkspaceSession {
    let s = this.sessions.get(id);
    if (!s) {
      this.get(id);
      s = new WorkspaceSession(id, this);
      this.sessions.set(id, s);
    }
    return s;
  }

  /** Checks every workspace's health (a couple of git processes per project); a change is a list event. */
  private async checkHealth(): Promise<void> {
    const all = this.workspaces();
    const health = await this.service.healthAll(all);
    for (const w of all) {
      const h = health.get(w.id) ?? "ok";
      const before = this.healthOf(w);
      this.health.set(w.id, h);
      if (h !== before) this.changed(w.id);
    }
  }

  /**
   * The last checked health; before the first check, what the file system tells without git
   * (the project or the worktree directory is gone), else "ok".
   */
  private healthOf(ws: Workspace): WorkspaceHealth {
    const known = this.health.get(ws.id);
    if (known) return known;
    if (ws.runtime.type === "unsupported") return "unsupported-runtime";
    if (!fs.existsSync(ws.projectPath)) return "missing-project";
    if (ws.runtime.type === "worktree" && ws.branch && !fs.existsSync(ws.runtime.path)) return "missing-worktree";
    return "ok";
  }

  summary(ws: Workspace): WorkspaceSummary {
    const s = this.session(ws.id);
    return {
      ...ws,
      health: this.healthOf(ws),
      activity: s.activity,
      git: this.git.get(ws.id),
      overlap: this.overlap.badge(ws.id),
      ...s.workspaceCost(),
    };
  }

  async listWorkspaces(): Promise<WorkspaceSummary[]> {
    return this.workspaces().map((w) => this.summary(w));
  }

  /** Every project and workspace summary as they are now (also put into the served page). */
  listSnapshot(): ListSnapshot {
    const { projects, workspaces } = this.registry();
    return { type: "snapshot", projects, workspaces: workspaces.map((w) => this.summary(w)) };
  }

  /** The sidebar's feed: a snapshot, then every change. */
  async subscribeList(signal?: AbortSignal): Promise<AsyncQueue<WorkspaceListEvent>> {
    const queue = new AsyncQueue<WorkspaceListEvent>().bind(signal);
    const snapshot = this.listSnapshot();
    for (const w of snapshot.workspaces) this.lastSent.set(w.id, JSON.stringify(w));
    queue.push(snapshot);
    this.listSubscribers.add(queue);
    queue.onClosed(() => this.listSubscribers.delete(queue));
    return queue;
  }

  private broadcast(event: WorkspaceListEvent): void {
    for (const q of this.listSubscribers) q.push(event);
  }

  private emitWorkspace(ws: Workspace): void {
    const summary = this.summary(ws);
    const json = JSON.stringify(summary);
    if (this.lastSent.get(ws.id) === json) return;
    this.lastSent.set(ws.id, json);
    this.broadcast({ type: "workspace", workspace: summary });
  }

  private emitRemoved(id: string, projectPath?: string): void {
    if (projectPath) this.overlap.forget(id, projectPath);
    this.lastSent.delete(id);
    this.health.delete(id);
    this.git.remove(id);
    this.sessions.delete(id);
    this.broadcast({ type: "removed", id });
  }

  private emitProjects(): void {
    const projects = this.registry().projects;
    this.lastProjects = JSON.stringify(projects);
    this.broadcast({ type: "projects", projects });
  }

  /** The periodic pass: changes made outside the server (CLI), health, git status and fetch. */
  private async tick(): Promise<void> {
    try {
      const all = this.workspaces();
      const ids = new Set(all.map((w) => w.id));
      for (const id of [...this.lastSent.keys()]) if (!ids.has(id)) this.emitRemoved(id);
      if (JSON.stringify(this.registry().projects) !== this.lastProjects) this.emitProjects();
      if (++this.ticks % HEALTH_EVERY_TICKS === 0) await this.checkHealth();
      for (const w of all) this.changed(w.id);
      for (const session of this.sessions.values()) {
        session.syncFromDisk();
        session.unloadIfIdle(this.unloadAfterMs);
      }
      await this.git.tick(all, { containers: this.ticks % CONTAINER_STATUS_EVERY_TICKS === 0 });
      if (this.ticks % OVERLAP_FRESH_EVERY_TICKS === 0) this.overlap.scheduleAll();
      this.lastTickError = "";
    } catch (err) {
      // Said once, not every tick, while the problem lasts (e.g. a corrupt config.json).
      const message = `periodic refresh: ${errorMessage(err)}`;
      if (message !== this.lastTickError) this.warn(message);
      this.lastTickError = message;
    }
  }

  // ── projects ─────────────────────────────────────────────────────────────

  listProjects(): Project[] {
    return this.registry().projects;
  }

  async addProject(input: string): Promise<Project> {
    const project = await this.service.addProject(expandHome(input));
    this.emitProjects();
    return project;
  }

  async removeProject(input: string): Promise<void> {
    await this.service.removeProject(input);
    this.emitProjects();
  }

  async branches(input: string): Promise<{ trunk: string; branches: string[] }> {
    const projectPath = await resolveProjectPath(expandHome(input));
    const out = await git(projectPath, ["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes"]);
    const branches = out.split("\n").filter((b) => b && !b.endsWith("/HEAD"));
    return { trunk: await detectTrunk(projectPath), branches };
  }

  async suggestName(input: string): Promise<string> {
    const projectPath = await resolveProjectPath(expandHome(input));
    return suggestName(
      new Set(
        this.workspaces()
          .filter((w) => w.projectPath === projectPath)
          .map((w) => w.name),
      ),
    );
  }

  // ── workspaces ───────────────────────────────────────────────────────────

  /** A workspace that just got its files: known to the sidebar, git tracked, init hook started. */
  private async adopt(ws: Workspace, runInit: boolean): Promise<void> {
    this.health.set(ws.id, "ok");
    const session = this.session(ws.id);
    if (runInit) session.startInitHook(ws);
    if (ws.runtime.type === "worktree") this.settleIndexLater(ws.id, ws.runtime.path);
    await this.git.set(ws);
    this.filesChanged(ws.id);
    if (JSON.stringify(this.registry().projects) !== this.lastProjects) this.emitProjects();
    this.emitWorkspace(ws);
  }

  private readonly settleTimers = new Set<NodeJS.Timeout>();

  /**
   * Settles a new worktree's index once git no longer sees its files as racily clean (see
   * settleIndex), after the init hook and while the agent is not working (either may run git,
   * whose index lock must not collide with ours); an agent busy for long settles it itself.
   */
  private settleIndexLater(id: string, worktreePath: string, tries = 5): void {
    const timer = setTimeout(async () => {
      this.settleTimers.delete(timer);
      const session = this.sessions.get(id);
      await session?.initSettled();
      if (session?.busy) {
        if (tries > 1) this.settleIndexLater(id, worktreePath, tries - 1);
        return;
      }
      await settleIndex(worktreePath);
    }, RACY_GIT_WINDOW_MS);
    timer.unref();
    this.settleTimers.add(timer);
  }

  /**
   * Runs a worktree operation of a project after the ones before it: `git worktree add` prunes
   * first, and a prune running beside another add breaks that add ("could not open
   * .git/worktrees/<name>/locked"), so the UI's concurrent creations must not overlap.
   */
  private serial<T>(projectPath: string, fn: () => Promise<T>): Promise<T> {
    const before = this.projectOps.get(projectPath) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => {});
    this.projectOps.set(projectPath, settled);
    void settled.then(() => {
      if (this.projectOps.get(projectPath) === settled) this.projectOps.delete(projectPath);
    });
    return run;
  }

  async create(input: CreateWorkspaceInput): Promise<Workspace> {
    const projectPath = await resolveProjectPath(expandHome(input.projectPath));
    const ws = await this.serial(projectPath, () => this.service.create({ ...input, projectPath }));
    await this.adopt(ws, true);
    return ws;
  }

  async fork(id: string, name?: string): Promise<Workspace> {
    const source = this.get(id);
    const ws = await this.serial(source.projectPath, () => this.service.fork(id, name));
    await this.adopt(ws, true);
    return ws;
  }

  async rename(id: string, name: string): Promise<Workspace> {
    // Moving the worktree under a running agent would pull its files away mid-turn.
    if (this.sessions.get(id)?.busy) throw new HubError("CONFLICT", "the agent is working in this workspace: wait or interrupt it first");
    const current = this.get(id);
    const ws = await this.serial(current.projectPath, () => this.service.rename(current.id, name));
    await this.git.set(ws);
    this.filesChanged(ws.id);
    this.emitWorkspace(ws);
    return ws;
  }

  async recreate(id: string): Promise<Workspace> {
    const before = this.get(id);
    const wasHealthy = (await this.service.health(before)) === "ok";
    const ws = await this.serial(before.projectPath, () => this.service.recreate(id));
    if (wasHealthy) return ws;
    await this.adopt(ws, true);
    return ws;
  }

  async delete(id: string, force = false): Promise<void> {
    const ws = this.get(id);
    // Stop the agent first: it must not write into a directory being removed.
    await this.sessions.get(id)?.close();
    try {
      await this.serial(ws.projectPath, () => this.service.delete(ws.id, { force }));
    } catch (err) {
      this.sessions.delete(id); // closed: a fresh one is made on next use
      this.changed(id);
      throw err;
    }
    this.emitRemoved(id, ws.projectPath);
  }

  markRead(id: string): void {
    this.session(id).markRead();
  }

  async gitStatus(id: string, refresh = false): Promise<GitStatusView | null> {
    const ws = this.get(id);
    if (refresh || !this.git.get(id)) {
      await this.git.set(ws);
      await this.git.refresh([id]);
    }
    return this.git.get(id);
  }

  /** Re-reads the git status of every workspace of `id`'s project (after its trunk moved). */
  async refreshProjectGit(id: string): Promise<void> {
    const projectPath = this.get(id).projectPath;
    const same = this.workspaces().filter((w) => w.projectPath === projectPath);
    await Promise.all(same.map((w) => this.git.set(w)));
    await this.git.refresh(same.map((w) => w.id));
  }

  costs(id: string): CostSummary {
    return this.session(id).costs(contextWindowFor);
  }

  // ── chat ─────────────────────────────────────────────────────────────────

  subscribeChat(id: string, cursor: number | undefined, signal?: AbortSignal): AsyncQueue<ChatItem> {
    const session = this.session(id);
    session.syncFromDisk(); // a `mux run --workspace` may have added to it
    return session.log.subscribe(cursor, signal);
  }

  history(id: string, before: number, limit: number): { messages: ChatMessage[]; start: number } {
    return this.session(id).history(before, limit);
  }

  async send(input: SendInput & { workspaceId: string }): Promise<{ queued: boolean }> {
    const ws = this.get(input.workspaceId);
    const { workspaceId, ...message } = input;
    if (ws.runtime.type === "unsupported") throw new HubError("BAD_REQUEST", unsupportedRuntimeMessage(ws.name, ws.runtime));
    if (this.healthOf(ws) !== "ok") {
      // Checked again: the user may have repaired it by hand since.
      const health = await this.service.health(ws);
      this.health.set(ws.id, health);
      if (health !== "ok") throw new HubError("BAD_REQUEST", `workspace "${ws.name}" is ${health.replace(/-/g, " ")}: re-create it or delete it`);
    }
    const result = this.session(workspaceId).send(message);
    // The user's picks become the workspace's defaults.
    const picked: Workspace["settings"] = {};
    if (input.model && input.model !== ws.settings.model) picked.model = input.model;
    if (input.mode && input.mode !== ws.settings.mode) picked.mode = input.mode;
    if (input.thinking && input.thinking !== ws.settings.thinking) picked.thinking = input.thinking;
    if (Object.keys(picked).length) {
      try {
        await this.saveSettings(ws.id, picked);
      } catch (err) {
        this.warn(`cannot save the settings of ${ws.name}: ${errorMessage(err)}`);
      }
    }
    return result;
  }

  /** The user picked a model, thinking level or mode for this workspace: it keeps them. */
  async updateSettings(id: string, settings: Workspace["settings"]): Promise<void> {
    this.get(id);
    const picks = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    if (Object.keys(picks).length) await this.saveSettings(id, picks);
  }

  /** Saves settings picked with a send (batched with other sends' picks; see RegistryView). */
  private async saveSettings(id: string, picks: Workspace["settings"]): Promise<void> {
    const saved = await this.registryView.saveSettings(id, picks);
    for (const wsId of saved) this.changed(wsId);
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

  /** Stops every turn (their partial answers are saved as interrupted) and all timers. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.idleGc.dispose();
    this.elsewhereWatch.dispose();
    for (const t of this.settleTimers) clearTimeout(t);
    for (const q of this.listSubscribers) q.close();
    await Promise.all([...this.sessions.values()].map((s) => s.close(3_000)));
    this.git.dispose();
    this.overlap.dispose();
  }

  /** For tests and diagnostics: how many chat subscribers a workspace has. */
  subscriberCount(id: string): number {
    return this.sessions.get(id)?.log.subscriberCount ?? 0;
  }
}
