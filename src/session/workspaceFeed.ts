import * as fs from "node:fs";
import type { GitStatusView, WorkspaceListEvent, WorkspaceSummary } from "../api/schemas.js";
import type { OverlapTracker } from "../overlap/tracker.js";
import type { Workspace } from "../workspace/config.js";
import { coderPart, localWorktree, type MuxConfig } from "../workspace/schemas.js";
import type { WorkspaceHealth, WorkspaceService } from "../workspace/service.js";
import { AsyncQueue } from "./asyncQueue.js";
import { chatStat } from "./sessionState.js";
import { errorMessage, HubError } from "./errors.js";
import type { GitTracker } from "./gitTracker.js";
import type { RegistryView } from "./registryView.js";
import type { WorkspaceSession } from "./workspaceSession.js";

/** Health is re-checked every this many ticks (it runs git per worktree). */
const HEALTH_EVERY_TICKS = 4;
/** A Docker workspace's git status may be taken on every this many ticks (a command in its container). */
const CONTAINER_STATUS_EVERY_TICKS = 4;
/** A Docker workspace nothing seemed to touch is still checked this often (someone may work in it by hand). */
const CONTAINER_STATUS_STALE_TICKS = 20;
/**
 * Overlaps are checked afresh (every uncommitted change snapshotted again) every this many
 * ticks; in between, status changes trigger checks that reuse unchanged snapshots.
 */
const OVERLAP_FRESH_EVERY_TICKS = 4;

type ListSnapshot = Extract<WorkspaceListEvent, { type: "snapshot" }>;

/** What the feed reads from the hub that owns the sessions. */
export interface FeedHost {
  /** The workspace's session (made on first use): its activity and cost go into the summary. */
  session(id: string): WorkspaceSession;
  /** The sessions made so far (the periodic pass syncs and unloads them). */
  sessions(): Iterable<WorkspaceSession>;
  /** The workspace is gone: its session is dropped. */
  forget(id: string): void;
  /** Whether a terminal is open in the workspace (its files may change at any time). */
  terminalOpen?(id: string): boolean;
  warn(message: string): void;
}

export interface FeedOptions {
  /** Period of the git status / registry pass (default 15 s; 0 disables it). */
  tickMs?: number;
  /** A chat nobody used for this long is dropped from memory (default 10 min). */
  unloadAfterMs?: number;
}

/**
 * The sidebar's feed: every workspace's summary (health, git status, overlap, activity, cost),
 * sent to list subscribers as a snapshot and then as changes, coalesced and deduplicated; and
 * the periodic pass that notices what changed outside this process (the CLI, git, the disk).
 */
export class WorkspaceFeed {
  private readonly health = new Map<string, WorkspaceHealth>();
  private readonly listSubscribers = new Set<AsyncQueue<WorkspaceListEvent>>();
  /** Last summary sent per workspace (JSON), so unchanged summaries are not re-sent. */
  private readonly lastSent = new Map<string, string>();
  private lastProjects = "";
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastTickError = "";
  private readonly unloadAfterMs: number;
  private readonly stopCoder: (() => void) | undefined;
  /** Per Docker workspace, the tick of its last periodic status and its chat's size and time then. */
  private readonly containerChecks = new Map<string, { tick: number; chat: string }>();

  constructor(
    private readonly service: WorkspaceService,
    private readonly registryView: RegistryView,
    private readonly git: GitTracker,
    private readonly overlap: OverlapTracker,
    private readonly host: FeedHost,
    opts: FeedOptions = {},
  ) {
    // A corrupt registry must not keep the hub from starting: each call then reports it.
    try {
      this.lastProjects = JSON.stringify(this.registry().projects);
    } catch {
      this.lastProjects = "";
    }
    // Health and git status arrive as list events: nothing waits for them (until the first
    // check, a workspace's health is what the file system says; see healthOf).
    void this.checkHealth()
      .catch((err) => this.host.warn(errorMessage(err)))
      .then(() => {
        const all = this.workspaces();
        this.containersToCheck(all); // this first pass checks every container: the periodic ones start from it
        return this.git.tick(all);
      })
      .catch((err) => this.host.warn(`git status: ${errorMessage(err)}`));
    // A Coder workspace's status changed (listed, or started by Mux): its Mux workspaces' rows change.
    this.stopCoder = service.coder?.onStatus((name) => {
      try {
        for (const w of this.workspaces()) if (coderPart(w.runtime)?.workspaceName === name) this.changed(w.id);
      } catch (err) {
        this.host.warn(errorMessage(err));
      }
    });
    void Promise.resolve()
      .then(() => service.coder?.poll(this.workspaces()))
      .catch(() => {});
    this.unloadAfterMs = opts.unloadAfterMs ?? 10 * 60_000;
    const tickMs = opts.tickMs ?? 15_000;
    if (tickMs > 0) {
      this.timer = setInterval(() => void this.tick(), tickMs);
      this.timer.unref();
    }
  }

  /** The registry (config.json), parsed again only when the file changed. */
  registry(): MuxConfig {
    return this.registryView.read();
  }

  workspaces(): Workspace[] {
    return this.registry().workspaces;
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
        return this.host.warn(errorMessage(err));
      }
      for (const wsId of ids) {
        const ws = all.find((w) => w.id === wsId);
        if (ws) this.emitWorkspace(ws);
      }
    });
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
  healthOf(ws: Workspace): WorkspaceHealth {
    const known = this.health.get(ws.id);
    if (known) return known;
    if (ws.runtime.type === "unsupported") return "unsupported-runtime";
    if (!fs.existsSync(ws.projectPath)) return "missing-project";
    const worktree = localWorktree(ws.runtime);
    if (worktree && ws.branch && !fs.existsSync(worktree)) return "missing-worktree";
    return "ok";
  }

  /** Health just learnt (a workspace created, or checked again before a message). */
  setHealth(id: string, health: WorkspaceHealth): void {
    this.health.set(id, health);
  }

  summary(ws: Workspace): WorkspaceSummary {
    const s = this.host.session(ws.id);
    return {
      ...ws,
      health: this.healthOf(ws),
      activity: s.activity,
      git: this.git.get(ws.id),
      overlap: this.overlap.badge(ws.id),
      // Only for workspaces in a Coder workspace: other rows stay as they were on the wire.
      ...(coderPart(ws.runtime) ? { coderStatus: this.service.coder?.statusOf(ws) ?? null } : {}),
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

  /** Sends the workspace's summary now, unless the subscribers have it already. */
  emitWorkspace(ws: Workspace): void {
    const summary = this.summary(ws);
    const json = JSON.stringify(summary);
    if (this.lastSent.get(ws.id) === json) return;
    this.lastSent.set(ws.id, json);
    this.broadcast({ type: "workspace", workspace: summary });
  }

  /** The workspace is gone: forgotten here, and the subscribers told. */
  emitRemoved(id: string, projectPath?: string): void {
    if (projectPath) this.overlap.forget(id, projectPath);
    this.lastSent.delete(id);
    this.health.delete(id);
    this.containerChecks.delete(id);
    this.git.remove(id);
    this.host.forget(id);
    this.broadcast({ type: "removed", id });
  }

  emitProjects(): void {
    const projects = this.registry().projects;
    this.lastProjects = JSON.stringify(projects);
    this.broadcast({ type: "projects", projects });
  }

  /** Sends the project list when it changed since last sent (e.g. a workspace added its project). */
  emitProjectsIfChanged(): void {
    if (JSON.stringify(this.registry().projects) !== this.lastProjects) this.emitProjects();
  }

  /** The periodic pass: changes made outside the server (CLI), health, git status and fetch. */
  private async tick(): Promise<void> {
    try {
      const all = this.workspaces();
      const ids = new Set(all.map((w) => w.id));
      for (const id of [...this.lastSent.keys()]) if (!ids.has(id)) this.emitRemoved(id);
      this.emitProjectsIfChanged();
      if (++this.ticks % HEALTH_EVERY_TICKS === 0) await this.checkHealth();
      for (const w of all) this.changed(w.id);
      for (const session of this.host.sessions()) {
        session.syncFromDisk();
        session.unloadIfIdle(this.unloadAfterMs);
      }
      void this.service.coder?.poll(all);
      await this.git.tick(all, { containers: this.ticks % CONTAINER_STATUS_EVERY_TICKS === 0 ? this.containersToCheck(all) : new Set() });
      if (this.ticks % OVERLAP_FRESH_EVERY_TICKS === 0) this.overlap.scheduleAll();
      this.lastTickError = "";
    } catch (err) {
      // Said once, not every tick, while the problem lasts (e.g. a corrupt config.json).
      const message = `periodic refresh: ${errorMessage(err)}`;
      if (message !== this.lastTickError) this.host.warn(message);
      this.lastTickError = message;
    }
  }

  /**
   * The Docker workspaces whose files may have changed since their last periodic status: a
   * terminal is open there, another process (`mux run`) wrote to its chat, or it was not checked
   * for a while. Tools run by this server refresh the status themselves as they end.
   */
  private containersToCheck(all: Workspace[]): Set<string> {
    const out = new Set<string>();
    for (const w of all) {
      if (w.runtime.type !== "docker") continue;
      const st = chatStat(this.service.sessionDir(w.id));
      const chat = st ? `${st.size}:${st.mtimeMs}` : "";
      const last = this.containerChecks.get(w.id);
      if (last && last.chat === chat && !this.host.terminalOpen?.(w.id) && this.ticks - last.tick < CONTAINER_STATUS_STALE_TICKS) continue;
      out.add(w.id);
      this.containerChecks.set(w.id, { tick: this.ticks, chat });
    }
    return out;
  }

  async gitStatus(ws: Workspace, refresh = false): Promise<GitStatusView | null> {
    if (refresh || !this.git.get(ws.id)) {
      await this.git.set(ws);
      await this.git.refresh([ws.id]);
    }
    return this.git.get(ws.id);
  }

  /** Re-reads the git status of every workspace of `ws`'s project (after its trunk moved). */
  async refreshProjectGit(ws: Workspace): Promise<void> {
    const same = this.workspaces().filter((w) => w.projectPath === ws.projectPath);
    await Promise.all(same.map((w) => this.git.set(w)));
    await this.git.refresh(same.map((w) => w.id));
  }

  /** Ends the periodic pass and every list subscription. */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.stopCoder?.();
    for (const q of this.listSubscribers) q.close();
  }

  /** The workspace named by `id`, or NOT_FOUND. */
  get(id: string): Workspace {
    const ws = this.workspaces().find((w) => w.id === id);
    if (!ws) throw new HubError("NOT_FOUND", `no workspace "${id}"`);
    return ws;
  }
}
