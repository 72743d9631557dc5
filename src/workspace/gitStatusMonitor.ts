/** Keeps every workspace's git status fresh: coalesced refreshes, change events, fetch backoff. */
import { shq } from "../tools/shellQuote.js";
import { type Runtime, execCapture } from "../runtime/types.js";
import {
  defaultBatchKey,
  firstLine,
  type GitStatus,
  type GitStatusAllOptions,
  type GitStatusOptions,
  Limiter,
  runStatuses,
  type StatusTarget,
  statusChanged,
} from "./gitStatus.js";
import { DEFAULT_STATUS_CONCURRENCY, GIT_ENV_TO_CLEAR } from "./gitStatusScript.js";

export const DEFAULT_FETCH_INTERVAL_MS = 60_000;
export const DEFAULT_FETCH_MAX_BACKOFF_MS = 30 * 60_000;
export const DEFAULT_FETCH_TIMEOUT_MS = 120_000;

/**
 * How long to wait before the next fetch after `failures` consecutive failures (0 = after a
 * success): the interval, then doubling per further failure — 60 s → 120 s → 240 s … — capped.
 */
export function fetchBackoffDelay(failures: number, intervalMs = DEFAULT_FETCH_INTERVAL_MS, maxMs = DEFAULT_FETCH_MAX_BACKOFF_MS): number {
  if (failures <= 1) return Math.min(intervalMs, maxMs);
  return Math.min(intervalMs * 2 ** Math.min(failures - 1, 30), maxMs);
}

export interface FetchState {
  /** Consecutive failures (0 after a success). */
  failures: number;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: string;
  /** No fetch starts before this (unless forced). */
  nextAllowedAt: number;
}

export interface FetchResult {
  /** Whether `git fetch` ran for this call (false when throttled). */
  ran: boolean;
  ok: boolean;
  /** Why it did not run. */
  skipped?: "interval" | "backoff";
  error?: string;
  /** The project has no remote: nothing to fetch (counts as success). */
  noRemote?: boolean;
  nextAllowedAt: number;
}

export interface GitStatusMonitorOptions {
  /** Status scripts in flight at once, across all workspaces (default DEFAULT_STATUS_CONCURRENCY). */
  concurrency?: number;
  /** Delay before a requested refresh starts, so a burst of requests shares one run (default 0). */
  debounceMs?: number;
  /** Per-status timeout (default 30 s). */
  timeoutMs?: number;
  /** Clock (tests inject one); default Date.now. */
  now?: () => number;
  fetchIntervalMs?: number;
  fetchMaxBackoffMs?: number;
  fetchTimeoutMs?: number;
  /** As for gitStatusAll: which workspaces may share an exec (default defaultBatchKey). */
  batchKey?: GitStatusAllOptions["batchKey"];
  /** Replaces gitStatus, one workspace at a time (tests). */
  statusFn?: (target: StatusTarget, opts: GitStatusOptions) => Promise<GitStatus>;
}

export type GitStatusListener = (id: string, status: GitStatus, previous: GitStatus | undefined) => void;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

interface Slot {
  /** The run in progress, if any. */
  running?: Promise<void>;
  /** The run requested but not started yet: every request until it starts joins it. */
  queued?: Deferred;
  /** Only background passes asked for the queued run (nobody waits on it: see refresh). */
  background?: boolean;
}

/**
 * Holds the latest status of every registered workspace and refreshes it on request:
 * concurrent requests for one workspace share one run, and a request made while a run is in
 * progress schedules exactly one more (so the result reflects changes made before the request).
 */
export class GitStatusMonitor {
  private readonly targets = new Map<string, StatusTarget>();
  private readonly statuses = new Map<string, GitStatus>();
  private readonly slots = new Map<string, Slot>();
  private readonly listeners = new Set<GitStatusListener>();
  private readonly fetches = new Map<string, FetchState & { inFlight?: Promise<FetchResult> }>();
  private readonly limiter: Limiter;
  private readonly now: () => number;
  /** Workspaces whose queued run may start at the next flush. */
  private readonly ready = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly opts: GitStatusMonitorOptions = {}) {
    this.limiter = new Limiter(Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_STATUS_CONCURRENCY)));
    this.now = opts.now ?? Date.now;
  }

  /** Registers or updates a workspace (does not refresh it, except to redo a run in flight). */
  setTarget(target: StatusTarget): void {
    const prev = this.targets.get(target.id);
    this.targets.set(target.id, target);
    if (prev && (prev.base !== target.base || prev.runtime !== target.runtime) && this.slots.get(target.id)?.running) {
      void this.request(target.id, false);
    }
  }

  /** Forgets a workspace and its status. */
  removeTarget(id: string): void {
    this.targets.delete(id);
    this.statuses.delete(id);
  }

  get(id: string): GitStatus | undefined {
    return this.statuses.get(id);
  }

  getAll(): Map<string, GitStatus> {
    return new Map(this.statuses);
  }

  /** Listens to status changes (not to refreshes that found nothing new); returns the unsubscriber. */
  onChange(listener: GitStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Refreshes the given workspaces (default: all registered); resolves, with their statuses,
   * once a run that started after this call has finished for each. Unknown ids are ignored.
   * Workspaces whose runs start together are computed together (batched, as in gitStatusAll).
   * `background` (the periodic pass): runs that only such passes asked for use as few execs as
   * batching allows, not one per free slot; nobody waits on them, and each exec costs the server
   * a fork of its whole process (the largest share of its idle CPU).
   */
  async refresh(ids?: string[], opts: { background?: boolean } = {}): Promise<Map<string, GitStatus>> {
    const wanted = (ids ?? [...this.targets.keys()]).filter((id) => this.targets.has(id));
    await Promise.all(wanted.map((id) => this.request(id, opts.background === true)));
    const out = new Map<string, GitStatus>();
    for (const id of wanted) {
      const s = this.statuses.get(id);
      if (s) out.set(id, s);
    }
    return out;
  }

  private request(id: string, background: boolean): Promise<void> {
    if (this.disposed) return Promise.resolve();
    let slot = this.slots.get(id);
    if (!slot) {
      slot = {};
      this.slots.set(id, slot);
    }
    if (slot.queued) {
      slot.background &&= background;
      return slot.queued.promise;
    }
    slot.queued = deferred();
    slot.background = background;
    // While a run is in progress, its end makes the queued one ready.
    if (!slot.running) this.markReady(id);
    return slot.queued.promise;
  }

  private markReady(id: string): void {
    this.ready.add(id);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.opts.debounceMs ?? 0);
  }

  /** Starts the queued run of every ready workspace, together. */
  private flush(): void {
    if (this.disposed) return;
    const batch: { id: string; slot: Slot; queued: Deferred; target: StatusTarget; background: boolean }[] = [];
    for (const id of this.ready) {
      const slot = this.slots.get(id);
      if (!slot?.queued || slot.running) continue;
      const queued = slot.queued;
      const background = slot.background === true;
      slot.queued = undefined;
      slot.background = undefined;
      const target = this.targets.get(id);
      if (!target) {
        this.slots.delete(id);
        queued.resolve();
        continue;
      }
      batch.push({ id, slot, queued, target, background });
    }
    this.ready.clear();
    if (!batch.length) return;
    const finished = new Set<number>();
    const finish = (k: number) => {
      if (finished.has(k)) return;
      finished.add(k);
      const { id, slot, queued } = batch[k];
      slot.running = undefined;
      queued.resolve();
      if (slot.queued && !this.disposed) this.markReady(id);
      else if (slot.queued) slot.queued.resolve();
      else if (this.slots.get(id) === slot) this.slots.delete(id);
    };
    const run = runStatuses(
      batch.map((b) => b.target),
      {
        timeoutMs: this.opts.timeoutMs,
        now: this.now,
        limiter: this.limiter,
        batchKey: this.opts.batchKey ?? defaultBatchKey,
        fewestExecs: batch.every((b) => b.background),
        statusFn: this.opts.statusFn,
      },
      (k, status) => {
        this.apply(batch[k].id, batch[k].target, status);
        finish(k);
      },
    )
      .catch(() => {})
      .finally(() => batch.forEach((_, k) => finish(k)));
    for (const b of batch) b.slot.running = run;
  }

  private apply(id: string, target: StatusTarget, status: GitStatus): void {
    if (this.disposed || this.targets.get(id) === undefined) return;
    // A target replaced during the run (new base): its queued run will report the new one.
    if (this.targets.get(id) !== target && this.slots.get(id)?.queued) return;
    const prev = this.statuses.get(id);
    this.statuses.set(id, status);
    if (!statusChanged(prev, status)) return;
    for (const l of [...this.listeners]) {
      try {
        l(id, status, prev);
      } catch {
        // a failing listener must not break the others or the monitor
      }
    }
  }

  /** Throttle state of a project's fetches (see fetchRemote). */
  fetchState(key: string): FetchState | undefined {
    const s = this.fetches.get(key);
    if (!s) return undefined;
    const { inFlight: _inFlight, ...rest } = s;
    return { ...rest };
  }

  /**
   * `git fetch --quiet` for a project, at most once per interval (default 60 s) and with
   * exponential backoff after failures (60 s → 120 s → … → 30 min). Throttled calls return at
   * once; a call during a fetch shares it. Runs outside the status limiter, so it never delays
   * a status refresh. After a successful fetch, `refresh` ids (if given) are refreshed in the
   * background, as remote-tracking bases (origin/main) may have moved.
   */
  fetchRemote(projectRuntime: Runtime, opts: { key?: string; force?: boolean; refresh?: string[] } = {}): Promise<FetchResult> {
    const key = opts.key ?? `${projectRuntime.type}:${projectRuntime.root}`;
    let state = this.fetches.get(key);
    if (!state) {
      state = { failures: 0, nextAllowedAt: 0 };
      this.fetches.set(key, state);
    }
    if (state.inFlight) return state.inFlight;
    if (!opts.force && this.now() < state.nextAllowedAt) {
      return Promise.resolve({
        ran: false,
        ok: state.failures === 0,
        skipped: state.failures > 0 ? "backoff" : "interval",
        error: state.lastError,
        nextAllowedAt: state.nextAllowedAt,
      });
    }
    const s = state;
    const interval = this.opts.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS;
    const maxBackoff = this.opts.fetchMaxBackoffMs ?? DEFAULT_FETCH_MAX_BACKOFF_MS;
    s.lastAttemptAt = this.now();
    s.inFlight = (async (): Promise<FetchResult> => {
      let ok = false;
      let noRemote = false;
      let error: string | undefined;
      try {
        const r = await execCapture(projectRuntime, fetchScript(projectRuntime.root), {
          cwd: "/",
          timeoutMs: this.opts.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
        });
        ok = r.exitCode === 0 && !r.timedOut;
        noRemote = ok && r.stdout.includes("@@mux:no-remote");
        if (!ok) {
          error = r.timedOut ? "git fetch timed out" : firstLine(r.stderr) || `git fetch exited with ${r.exitCode ?? r.signal}`;
        }
      } catch (err) {
        error = `git fetch failed to run: ${(err as Error).message}`;
      }
      const end = this.now();
      if (ok) {
        s.failures = 0;
        s.lastSuccessAt = end;
        s.lastError = undefined;
      } else {
        s.failures++;
        s.lastError = error;
      }
      s.nextAllowedAt = end + fetchBackoffDelay(s.failures, interval, maxBackoff);
      s.inFlight = undefined;
      if (ok && !noRemote && opts.refresh?.length) void this.refresh(opts.refresh).catch(() => {});
      return { ran: true, ok, error, noRemote: noRemote || undefined, nextAllowedAt: s.nextAllowedAt };
    })();
    return s.inFlight;
  }

  /** Stops scheduling; pending refresh promises resolve; listeners are dropped. */
  dispose(): void {
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.ready.clear();
    for (const slot of this.slots.values()) slot.queued?.resolve();
    this.listeners.clear();
  }
}

/** The script behind fetchRemote. */
export function fetchScript(root: string): string {
  return `unset ${GIT_ENV_TO_CLEAR}
export GIT_TERMINAL_PROMPT=0 LC_ALL=C
cd -- ${shq(root)} || exit 3
[ -n "$(git remote)" ] || { printf '@@mux:no-remote'; exit 0; }
git fetch --quiet
`;
}
