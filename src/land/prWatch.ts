import type { PrLookup } from "./gh.js";
import type { PullRequest } from "./schemas.js";

/** First re-check of a workspace's pull request; doubled while nothing changes, up to MAX. */
export const PR_MIN_MS = 30_000;
export const PR_MAX_MS = 15 * 60_000;
/** gh missing: asked again this much later (it may be installed meanwhile). */
const GH_MISSING_MS = 10 * 60_000;
/** gh processes at once: each may call GitHub. */
const CONCURRENCY = 2;

interface Entry {
  pr: PullRequest | null;
  /** JSON of the last answer, to tell a change. */
  key: string;
  intervalMs: number;
  nextAt: number;
}

export interface PrTarget {
  id: string;
  branch: string;
}

/**
 * The pull request of each workspace, for the sidebar's badge, from gh with back-off: a workspace
 * is asked again after 30 s, then ever less often while its answer stays the same (a merged or
 * closed one at the longest), and at once after a push. Without gh (or signed out) there are
 * simply no badges: nothing is reported as an error.
 */
export class PrWatch {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private ghMissingUntil = 0;

  constructor(
    private readonly lookup: (target: PrTarget) => Promise<PrLookup>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Each workspace's known pull request, refreshing first those whose time has come. */
  async statuses(targets: PrTarget[]): Promise<Record<string, PullRequest>> {
    const due = this.now() >= this.ghMissingUntil ? targets.filter((t) => (this.entries.get(t.id)?.nextAt ?? 0) <= this.now()) : [];
    for (let i = 0; i < due.length; i += CONCURRENCY) await Promise.all(due.slice(i, i + CONCURRENCY).map((t) => this.refresh(t)));
    const out: Record<string, PullRequest> = {};
    for (const t of targets) {
      const pr = this.entries.get(t.id)?.pr;
      if (pr) out[t.id] = pr;
    }
    return out;
  }

  /** Something changed (a push, a pull request opened): ask at the next look. */
  poke(id: string, pr?: PullRequest): void {
    const e = this.entries.get(id);
    if (pr) this.entries.set(id, { pr, key: JSON.stringify(pr), intervalMs: PR_MIN_MS, nextAt: this.now() + PR_MIN_MS });
    else if (e) e.nextAt = 0;
    this.ghMissingUntil = 0;
  }

  private refresh(t: PrTarget): Promise<void> {
    let p = this.inflight.get(t.id);
    if (!p) {
      p = this.ask(t).finally(() => this.inflight.delete(t.id));
      this.inflight.set(t.id, p);
    }
    return p;
  }

  private async ask(t: PrTarget): Promise<void> {
    const r = await this.lookup(t).catch((): PrLookup => ({ kind: "unavailable", why: "gh failed" }));
    if (r.kind === "unavailable" && /not installed/.test(r.why)) {
      this.ghMissingUntil = this.now() + GH_MISSING_MS;
      return;
    }
    const before = this.entries.get(t.id);
    // Not answered (signed out, offline): keep what was known, and back off all the same.
    const pr = r.kind === "found" ? r.pr : r.kind === "none" ? null : (before?.pr ?? null);
    const key = JSON.stringify(pr);
    const settled = pr !== null && pr.state !== "open";
    const intervalMs = settled ? PR_MAX_MS : before && before.key === key ? Math.min(before.intervalMs * 2, PR_MAX_MS) : PR_MIN_MS;
    this.entries.set(t.id, { pr, key, intervalMs, nextAt: this.now() + intervalMs });
  }
}
