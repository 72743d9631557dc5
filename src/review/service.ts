import * as path from "node:path";
import type { ReviewBase, ReviewFileDiff, ReviewHunk, ReviewSummary } from "../api/review.js";
import type { Runtime } from "../runtime/types.js";
import { AsyncQueue } from "../session/asyncQueue.js";
import { HubError } from "../session/errors.js";
import type { Workspace } from "../workspace/config.js";
import { git } from "../workspace/git.js";
import { detectTrunk } from "../workspace/projects.js";
import type { WorkspaceService } from "../workspace/service.js";
import { resolveReviewBase } from "./base.js";
import { changedPaths, type DiffResult, type Fingerprint, ReviewError, updateDiff, watchFingerprints, workspaceDiff, worktreeFingerprint } from "./gitDiff.js";
import { ReviewMarks } from "./marks.js";
import { revertChange } from "./revert.js";

/** What the review needs of the server: its workspaces and their runtimes. */
export interface ReviewHost {
  readonly service: WorkspaceService;
  workspace(id: string): Workspace | undefined;
}

export interface Target {
  workspaceId: string;
  base: ReviewBase;
  untracked: boolean;
}

/** How often an open review checks the working tree for changes (a cheap fingerprint, by one long-lived script). */
const WATCH_MS = 400;
/** "Whole file" reads at most this much of a file. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;
const TRUNK_TTL_MS = 60_000;
/** Diffs kept for workspaces nobody watches now (reopening one whose files did not change costs no diff). */
const KEPT_DIFFS = 4;
/** Up to this many changed files, a refresh diffs only them (an agent's edit touches a few). */
const PARTIAL_MAX = 50;

interface Cached {
  key: string;
  /** The base as the summary names it. */
  label: string;
  /** With the working tree's fingerprint taken just before it (diff.print): while that holds, so does the diff. */
  diff: DiffResult;
  hunks: Map<string, ReviewHunk[]>;
}

interface Watcher {
  queues: Set<AsyncQueue<{ type: "changed"; at: number }>>;
  /** Ends the fingerprint loop. */
  stop: AbortController;
  /** The working tree's fingerprint at the last look. */
  print?: Fingerprint;
}

/**
 * The review of each workspace: its diff (computed by git in the workspace's runtime, cached by
 * version so file pages come from the same diff as the summary), marks, reverts and change
 * notices. Independent of any transport.
 */
export class ReviewService {
  private readonly cache = new Map<string, Cached>();
  private readonly marks = new Map<string, ReviewMarks>();
  private readonly watchers = new Map<string, Watcher>();
  private readonly trunks = new Map<string, { at: number; value: Promise<string> }>();

  constructor(private readonly host: ReviewHost) {}

  private get(id: string): Workspace {
    const ws = this.host.workspace(id);
    if (!ws) throw new HubError("NOT_FOUND", `no workspace "${id}"`);
    return ws;
  }

  private runtime(ws: Workspace): Promise<Runtime> {
    return this.host.service.preparedRuntime(ws);
  }

  marksOf(id: string): ReviewMarks {
    let m = this.marks.get(id);
    if (!m) {
      m = new ReviewMarks(this.host.service.sessionDir(id));
      this.marks.set(id, m);
    }
    return m;
  }

  /** The project's trunk, asked once a minute at most (it costs git processes every refresh otherwise). */
  private trunk(projectPath: string): Promise<string> {
    const known = this.trunks.get(projectPath);
    if (known && Date.now() - known.at < TRUNK_TTL_MS) return known.value;
    const value = detectTrunk(projectPath);
    this.trunks.set(projectPath, { at: Date.now(), value });
    value.catch(() => this.trunks.delete(projectPath));
    return value;
  }

  private async base(ws: Workspace, base: ReviewBase) {
    return resolveReviewBase(this.host.service, ws, base, (p) => this.trunk(p)).catch(badRequest);
  }

  private async compute(t: Target): Promise<Cached & { sha: string }> {
    const ws = this.get(t.workspaceId);
    const [runtime, { base, label }] = await Promise.all([this.runtime(ws), this.base(ws, t.base)]);
    const key = JSON.stringify([t.base, t.untracked]);
    // A fingerprint costs a fraction of a diff: an unchanged tree (a reopened pane, a second tab) reuses the last diff,
    // and a tree where only some files moved (an agent's edit) diffs only those.
    const known = this.cache.get(t.workspaceId);
    let diff: DiffResult | null = null;
    const prev = known?.key === key ? known.diff.print : undefined;
    if (known && prev) {
      // The watcher's last look names the files an edit touched: diffing them first saves a fingerprint (the
      // partial diff checks in its own run that nothing else moved).
      const seen = this.watchers.get(t.workspaceId)?.print;
      const guess = seen && prev.head.endsWith(seen.head) ? changedPaths(prev, { ...seen, head: prev.head }) : null;
      if (guess?.length && guess.length <= PARTIAL_MAX) diff = await updateDiff(runtime, base, t.untracked, known.diff, guess);
      if (!diff) {
        const now = await worktreeFingerprint(runtime, base).catch(() => null);
        if (now?.hash === prev.hash) return { ...known, label, sha: known.diff.baseSha };
        const paths = now && changedPaths(prev, now);
        if (paths && paths.length <= PARTIAL_MAX) diff = await updateDiff(runtime, base, t.untracked, known.diff, paths);
      }
    }
    diff ??= await workspaceDiff(runtime, base, { untracked: t.untracked, fingerprint: true }).catch(badRequest);
    const cached = { key, label, diff, hunks: new Map(diff.files.map((f) => [f.file.path, f.hunks])) };
    this.cache.delete(t.workspaceId);
    this.cache.set(t.workspaceId, cached);
    this.trimCache();
    return { ...cached, sha: diff.baseSha };
  }

  async summary(t: Target & { firstFiles?: number; cached?: boolean }): Promise<ReviewSummary> {
    const known = this.cache.get(t.workspaceId);
    const last = t.cached && known?.key === JSON.stringify([t.base, t.untracked]) ? known : null;
    if (last) this.get(t.workspaceId); // a workspace deleted since is still an error
    const { diff, label, sha } = last ? { ...last, sha: last.diff.baseSha } : await this.compute(t);
    const marks = this.marksOf(t.workspaceId);
    // Marks of hunks that are gone are dropped, against the default view only (another base shows other hunks).
    if (!last && t.base.type === "trunk" && t.untracked) await marks.prune(new Set(diff.files.flatMap((f) => f.hunks.map((h) => h.hash))));
    const files = diff.files.map(({ file, hunks }) => ({ ...file, reviewed: hunks.filter((h) => marks.has(h.hash)).length }));
    const summary: ReviewSummary = { version: diff.version, base: { label, sha }, files, ...(last ? { cached: true } : {}) };
    if (t.firstFiles) summary.first = diff.files.slice(0, t.firstFiles).map((f) => ({ path: f.file.path, hunks: this.withMarks(t.workspaceId, f.hunks) }));
    return summary;
  }

  /** Hunks of `paths` from the diff the summary `version` describes, or from a fresh one. */
  async files(t: Target & { paths: string[]; version?: string }): Promise<{ version: string; files: ReviewFileDiff[] }> {
    let cached = this.cache.get(t.workspaceId);
    if (!cached || cached.key !== JSON.stringify([t.base, t.untracked]) || (t.version && cached.diff.version !== t.version)) cached = await this.compute(t);
    const files = t.paths.map((p) => ({ path: p, hunks: this.withMarks(t.workspaceId, cached.hunks.get(p) ?? []) }));
    return { version: cached.diff.version, files };
  }

  private withMarks(id: string, hunks: ReviewHunk[]): ReviewHunk[] {
    const marks = this.marksOf(id);
    return hunks.map((h) => ({ ...h, reviewed: marks.has(h.hash) }));
  }

  async fileText(id: string, file: string): Promise<{ text: string; truncated: boolean }> {
    const ws = this.get(id);
    const runtime = await this.runtime(ws);
    const outside = new HubError("BAD_REQUEST", `${file} is outside the workspace`);
    const full = path.posix.normalize(path.posix.join(runtime.root, file));
    if (path.posix.isAbsolute(file) || !full.startsWith(`${runtime.root}/`)) throw outside;
    // A link inside the workspace may point anywhere: what it reaches must be inside too.
    const [root, real] = await Promise.all([runtime.realpath(runtime.root), runtime.realpath(full)]).catch(() => {
      throw new HubError("NOT_FOUND", `${file} is not in the workspace`);
    });
    if (!real.startsWith(`${root}/`)) throw outside;
    const data = await runtime.readFile(real);
    const truncated = data.length > MAX_TEXT_BYTES;
    return { text: data.subarray(0, MAX_TEXT_BYTES).toString("utf8"), truncated };
  }

  async mark(id: string, hashes: string[], reviewed: boolean): Promise<void> {
    this.get(id);
    await this.marksOf(id).set(hashes, reviewed);
  }

  async revert(t: Target & { path: string; hunk?: string }): Promise<void> {
    const ws = this.get(t.workspaceId);
    const [runtime, { base }] = await Promise.all([this.runtime(ws), this.base(ws, t.base)]);
    await revertChange(runtime, base, { path: t.path, hunk: t.hunk, untracked: t.untracked }).catch(badRequest);
    this.notify(t.workspaceId);
  }

  async branches(id: string): Promise<{ trunk: string | null; branches: string[] }> {
    const ws = this.get(id);
    const out = await git(ws.projectPath, ["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes"]).catch(() => "");
    const trunk = ws.base ?? (await this.trunk(ws.projectPath).catch(() => null));
    return { trunk, branches: out.split("\n").filter((b) => b && !b.endsWith("/HEAD")) };
  }

  /** A notice whenever the workspace's working tree changes, while someone watches. */
  watch(id: string, signal?: AbortSignal): AsyncQueue<{ type: "changed"; at: number }> {
    const ws = this.get(id);
    const queue = new AsyncQueue<{ type: "changed"; at: number }>(100).bind(signal);
    let w = this.watchers.get(id);
    if (!w) {
      const watcher: Watcher = { queues: new Set(), stop: new AbortController() };
      this.watchers.set(id, watcher);
      const onPrint = (print: Fingerprint) => {
        const changed = watcher.print !== undefined && print.hash !== watcher.print.hash;
        watcher.print = print;
        if (changed) this.notify(id);
      };
      const { signal } = watcher.stop;
      void (async () => {
        while (!signal.aborted) {
          // One script takes a look every WATCH_MS for as long as someone watches; started again if it ends.
          await this.runtime(ws)
            .then((rt) => watchFingerprints(rt, WATCH_MS, signal, onPrint))
            .catch(() => {}); // the runtime is unreachable for now: try again in a moment
          if (!signal.aborted) await new Promise((r) => setTimeout(r, WATCH_MS));
        }
      })();
      w = watcher;
    }
    w.queues.add(queue);
    queue.onClosed(() => {
      w.queues.delete(queue);
      if (w.queues.size === 0) {
        w.stop.abort();
        this.watchers.delete(id);
        this.trimCache();
      }
    });
    return queue;
  }

  /** Keeps the diffs of watched workspaces and of the last few others (Map order: oldest computed first). */
  private trimCache(): void {
    let spare = [...this.cache.keys()].filter((id) => !this.watchers.has(id)).length - KEPT_DIFFS;
    for (const id of this.cache.keys()) {
      if (spare <= 0) break;
      if (this.watchers.has(id)) continue;
      this.cache.delete(id);
      spare--;
    }
  }

  /** Tells the workspace's watchers its files changed (an agent's edit, a revert). */
  notify(id: string): void {
    for (const q of this.watchers.get(id)?.queues ?? []) q.push({ type: "changed", at: Date.now() });
  }

  dispose(): void {
    for (const w of this.watchers.values()) {
      w.stop.abort();
      for (const q of w.queues) q.close();
    }
    this.watchers.clear();
  }
}

function badRequest(err: unknown): never {
  if (err instanceof ReviewError) throw new HubError("BAD_REQUEST", err.message);
  throw err;
}
