import * as fs from "node:fs";
import type { OverlapBadge, WorkspaceOverlapView } from "../api/overlap.js";
import type { Workspace } from "../workspace/config.js";
import type { GitStatus } from "../workspace/gitStatus.js";
import { isChecked, type OverlapInput, OverlapEngine, type WorkspaceOverlap } from "./compute.js";

export interface OverlapTrackerDeps {
  workspaces(): Workspace[];
  /** The workspace's latest git status, if known (a clean one saves the snapshot's git runs). */
  status(id: string): GitStatus | null;
  /** The project's trunk (what a workspace without a base of its own is measured against). */
  trunk(projectPath: string): Promise<string | null>;
  /** These workspaces' badges changed. */
  onChange(ids: string[]): void;
  warn(message: string): void;
  /** Delay before a requested check starts, so a burst of status changes shares one (default 300 ms). */
  debounceMs?: number;
  /** Where checks write their git objects instead of the projects' own stores (see ObjectStore). */
  scratchDir?: string;
}

export const SSH_SKIPPED = "SSH workspace: its branch and files live in the host's copy of the repository, which is not compared from this machine";
export const DOCKER_SKIPPED = "Docker workspace: its branch and files live in its container, which is not compared from this machine";

/** Where a workspace's files are read on this machine, or why they cannot be. */
export function workspaceLocation(ws: Workspace): { dir: string } | { skipped: string } {
  switch (ws.runtime.type) {
    case "local":
      return { dir: ws.projectPath };
    case "worktree":
    case "devcontainer":
      return { dir: ws.runtime.path };
    case "ssh":
      return { skipped: SSH_SKIPPED };
    case "docker":
      return { skipped: DOCKER_SKIPPED };
    case "unsupported":
      return { skipped: `needs the ${ws.runtime.kind} runtime` };
  }
}

/**
 * Keeps every project's overlap answer fresh for the sidebar and the API: a project is checked
 * again shortly after any of its workspaces' git status changes (and on the periodic pass, which
 * catches an edit that left the status figures as they were). One check per project at a time.
 */
export class OverlapTracker {
  readonly engine: OverlapEngine;
  private readonly results = new Map<string, { overlap: WorkspaceOverlap; at: number }>();
  private readonly badges = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The last failure of each project's check, until one succeeds. */
  private readonly failures = new Map<string, string>();
  /** Projects whose next check takes every snapshot afresh. */
  private readonly fresh = new Set<string>();
  private disposed = false;

  constructor(private readonly deps: OverlapTrackerDeps) {
    this.engine = new OverlapEngine(deps.scratchDir);
  }

  /** A workspace's git status changed: its project is checked again soon. */
  statusChanged(id: string): void {
    const ws = this.deps.workspaces().find((w) => w.id === id);
    if (ws) this.schedule(ws.projectPath);
  }

  /** Checks a project soon; `fresh`: snapshots every uncommitted change again (not from the status figures). */
  schedule(projectPath: string, fresh = false): void {
    if (fresh) this.fresh.add(projectPath);
    if (this.disposed || this.timers.has(projectPath)) return;
    const timer = setTimeout(() => {
      this.timers.delete(projectPath);
      void this.refresh(projectPath);
    }, this.deps.debounceMs ?? 300);
    timer.unref();
    this.timers.set(projectPath, timer);
  }

  /** Every project with workspaces, soon, afresh (the periodic pass). */
  scheduleAll(): void {
    for (const p of new Set(this.deps.workspaces().map((w) => w.projectPath))) this.schedule(p, true);
  }

  /** A workspace is gone: its answer goes, and its project's others are checked without it. */
  forget(id: string, projectPath: string): void {
    this.forgetResult(id);
    this.schedule(projectPath);
  }

  private forgetResult(id: string): void {
    this.results.delete(id);
    this.badges.delete(id);
    this.engine.forget(id);
  }

  /** Checks a project now; a call during a check gets one more check after it. */
  refresh(projectPath: string): Promise<void> {
    const queued = this.queued.get(projectPath);
    if (queued) return queued;
    const current = this.inFlight.get(projectPath);
    if (current) {
      const next = current.then(() => {
        this.queued.delete(projectPath);
        return this.refresh(projectPath);
      });
      this.queued.set(projectPath, next);
      return next;
    }
    const run = this.check(projectPath)
      .then(
        () => {
          this.failures.delete(projectPath);
        },
        (err) => {
          // Said once while the same problem lasts, not at every status change.
          const message = `overlap check of ${projectPath}: ${(err as Error).message}`;
          if (this.failures.get(projectPath) !== message) this.deps.warn(message);
          this.failures.set(projectPath, message);
        },
      )
      .finally(() => this.inFlight.delete(projectPath));
    this.inFlight.set(projectPath, run);
    return run;
  }

  private async check(projectPath: string): Promise<void> {
    if (this.disposed) return;
    const fresh = this.fresh.delete(projectPath);
    const all = this.deps.workspaces().filter((w) => w.projectPath === projectPath);
    // A project deleted by hand: its workspaces show as missing already; nothing to check.
    if (!fs.existsSync(projectPath)) return;
    const trunk = await this.deps.trunk(projectPath);
    const inputs: OverlapInput[] = all.map((ws) => {
      const where = workspaceLocation(ws);
      const status = this.deps.status(ws.id);
      const known = status && !status.error && !status.missing && status.headSha ? status : null;
      return {
        id: ws.id,
        name: ws.name,
        base: ws.base ?? trunk ?? "HEAD",
        cleanHead: known?.dirtyFiles === 0 ? (known.headSha ?? undefined) : undefined,
        statusKey: known ? `${known.headSha}:${known.dirtyFiles}:${known.linesAdded}:${known.linesRemoved}` : undefined,
        ...("dir" in where ? { dir: where.dir } : { dir: null, skipped: where.skipped }),
      };
    });
    const computed = await this.engine.compute(projectPath, inputs, { fresh });
    if (this.disposed) return;
    const at = Date.now();
    const names = new Map(all.map((w) => [w.id, w.name]));
    // Workspaces deleted elsewhere (the CLI) since the last check: forgotten.
    const ids = new Set(this.deps.workspaces().map((w) => w.id));
    for (const id of this.results.keys()) if (!ids.has(id)) this.forgetResult(id);
    const changed: string[] = [];
    for (const [id, overlap] of computed) {
      this.results.set(id, { overlap, at });
      const badge = JSON.stringify(toBadge(overlap, names));
      if (this.badges.get(id) !== badge) changed.push(id);
      this.badges.set(id, badge);
    }
    if (changed.length) this.deps.onChange(changed);
  }

  /** The sidebar's summary of a workspace's overlaps; null when nothing overlaps (or not checked yet). */
  badge(id: string): OverlapBadge | null {
    const r = this.results.get(id);
    if (!r) return null;
    return toBadge(r.overlap, this.names());
  }

  /** The full answer for one workspace; checks its project first when asked to or never done. */
  async view(ws: Workspace, refresh = false): Promise<WorkspaceOverlapView> {
    if (refresh) this.fresh.add(ws.projectPath);
    if (refresh || !this.results.has(ws.id)) await this.refresh(ws.projectPath);
    const r = this.results.get(ws.id);
    const none = { workspaceId: ws.id, changedFiles: [], trunk: null, others: [] };
    if (!r) return { ...none, skipped: "not checked yet", computedAt: null };
    const o = r.overlap;
    if (!isChecked(o)) return { ...none, skipped: o.skipped ?? "not checked", computedAt: r.at };
    const names = this.names();
    return {
      workspaceId: ws.id,
      skipped: null,
      changedFiles: o.changed,
      trunk: o.trunk,
      others: [...o.others].filter(([id]) => names.has(id)).map(([id, p]) => ({ workspaceId: id, name: names.get(id) ?? id, ...p })),
      computedAt: r.at,
    };
  }

  private names(): Map<string, string> {
    return new Map(this.deps.workspaces().map((w) => [w.id, w.name]));
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

function toBadge(o: WorkspaceOverlap, names: Map<string, string>): OverlapBadge | null {
  if (!isChecked(o)) return null;
  const others = [...o.others]
    .filter(([id]) => names.has(id))
    .map(([id, p]) => ({ workspaceId: id, name: names.get(id) ?? id, files: p.shared.length, conflict: p.conflicting.length > 0 }));
  const trunkConflict = (o.trunk?.conflicting.length ?? 0) > 0;
  if (!others.length && !trunkConflict) return null;
  return { others, trunkConflict, base: o.trunk?.base ?? "" };
}
