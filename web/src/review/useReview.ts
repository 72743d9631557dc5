import { useCallback, useEffect, useRef, useState } from "react";
import type { ReviewBase, ReviewHunk, ReviewSummary } from "../../../src/api/review";
import { call, subscribe } from "../api/client";
import { errorMessage } from "../state/errors";
import { FIRST_FILES, openingSummary, takePrefetched } from "./opening";

/** Files asked for per request (the server allows 200). */
const PAGE = 40;

export interface ReviewData {
  summary: ReviewSummary | null;
  hunks: Map<string, ReviewHunk[]>;
  error: string | null;
  /** Asks for the hunks of these files (those not loaded for the current version). */
  load(paths: string[]): void;
  refresh(): void;
  /** Updates the view at once after marking (the server is told separately). */
  setReviewed(path: string, hashes: Set<string>, reviewed: boolean): void;
}

/**
 * The review of a workspace: the summary, then file pages as they come into view; refreshed
 * whenever the server says the files changed, keeping what is shown until the new data is in.
 */
export function useReview(workspaceId: string, base: ReviewBase, untracked: boolean): ReviewData {
  const [summary, setSummary] = useState<ReviewSummary | null>(null);
  const [hunks, setHunks] = useState<Map<string, ReviewHunk[]>>(() => new Map());
  const [error, setError] = useState<string | null>(null);
  const target = useRef({ workspaceId, base, untracked });
  target.current = { workspaceId, base, untracked };
  const version = useRef<string | null>(null);
  /** Each file's version in the latest summary. */
  const current = useRef(new Map<string, string>());
  /** The file version each loaded file's hunks come from. */
  const loaded = useRef(new Map<string, string>());
  const inflight = useRef(new Set<string>());
  const running = useRef(false);
  const again = useRef(false);
  const generation = useRef(0);

  const fetchFiles = useCallback(async (paths: string[], gen: number) => {
    for (let i = 0; i < paths.length; i += PAGE) {
      const page = paths.slice(i, i + PAGE);
      for (const p of page) inflight.current.add(p);
      try {
        const res = await call((api) => api.review.files({ ...target.current, paths: page, version: version.current ?? undefined }));
        if (gen !== generation.current) return;
        performance.mark("mux:review-files");
        setHunks((prev) => {
          const next = new Map(prev);
          for (const f of res.files) {
            next.set(f.path, f.hunks);
            loaded.current.set(f.path, current.current.get(f.path) ?? res.version);
          }
          return next;
        });
      } finally {
        for (const p of page) inflight.current.delete(p);
      }
    }
  }, []);

  /** `cached`: the server's last diff first (no git run, so the pane opens at once), then a checked one. */
  const refresh = useCallback(
    (cached = false) => {
      if (running.current) {
        again.current = true;
        return;
      }
      running.current = true;
      const gen = generation.current;
      (async () => {
        try {
          const t = target.current;
          // Opening: the request the click sent (see opening.ts), when it asked for this view.
          const s = await (cached
            ? (takePrefetched(t.workspaceId, t) ?? openingSummary(t.workspaceId, t))
            : call((api) => api.review.summary({ ...t, firstFiles: FIRST_FILES })));
          if (s.cached) again.current = true;
          if (gen !== generation.current) return;
          performance.mark("mux:review-summary"); // for bench/review.ts: when the file tree's data arrived
          version.current = s.version;
          current.current = new Map(s.files.map((f) => [f.path, f.version ?? s.version]));
          // The same diff and counts (the check after opening, a notice about a file edited back): the rows stay as they are.
          setSummary((prev) => (prev && sameSummary(prev, s) ? prev : s));
          setError(null);
          // Only files whose version moved are asked for again (an edit touches a few); files gone are dropped.
          const fresh = (s.first ?? []).filter((f) => loaded.current.get(f.path) !== current.current.get(f.path));
          for (const f of fresh) loaded.current.set(f.path, current.current.get(f.path)!);
          const stale: string[] = [];
          for (const [p, v] of loaded.current) {
            if (!current.current.has(p)) loaded.current.delete(p);
            else if (v !== current.current.get(p)) stale.push(p);
          }
          setHunks((prev) => {
            if (!fresh.length && [...prev.keys()].every((p) => current.current.has(p))) return prev;
            const next = new Map([...prev].filter(([p]) => current.current.has(p)));
            for (const f of fresh) next.set(f.path, f.hunks);
            return next;
          });
          if (fresh.length) performance.mark("mux:review-files"); // the first hunks came with the summary
          await fetchFiles(stale, gen);
        } catch (e) {
          if (gen === generation.current) setError(errorMessage(e));
        } finally {
          running.current = false;
          if (again.current) {
            again.current = false;
            refresh();
          }
        }
      })();
    },
    [fetchFiles],
  );

  // A new base or untracked choice starts over.
  const baseKey = JSON.stringify([workspaceId, base, untracked]);
  useEffect(() => {
    generation.current++;
    version.current = null;
    current.current = new Map();
    loaded.current.clear();
    inflight.current.clear();
    running.current = false;
    again.current = false;
    setSummary(null);
    setHunks(new Map());
    refresh(true);
  }, [baseKey, refresh]);

  useEffect(
    () =>
      subscribe(
        (api, signal) => api.review.watch({ workspaceId }, { signal }),
        () => refresh(),
      ),
    [workspaceId, refresh],
  );

  const load = useCallback(
    (paths: string[]) => {
      const want = paths.filter((p) => !inflight.current.has(p) && loaded.current.get(p) !== current.current.get(p));
      if (want.length) fetchFiles(want, generation.current).catch((e) => setError(errorMessage(e)));
    },
    [fetchFiles],
  );

  const shown = useRef(hunks);
  shown.current = hunks;
  const setReviewed = useCallback((path: string, hashes: Set<string>, reviewed: boolean) => {
    const list = shown.current.get(path);
    if (!list) return;
    let delta = 0;
    const updated = list.map((h) => {
      if (!hashes.has(h.hash) || !!h.reviewed === reviewed) return h;
      delta += reviewed ? 1 : -1;
      return { ...h, reviewed };
    });
    shown.current = new Map(shown.current).set(path, updated);
    setHunks(shown.current);
    setSummary((s) => s && { ...s, files: s.files.map((f) => (f.path === path ? { ...f, reviewed: Math.max(0, Math.min(f.hunks, f.reviewed + delta)) } : f)) });
  }, []);

  return { summary, hunks, error, load, refresh, setReviewed };
}

function sameSummary(a: ReviewSummary, b: ReviewSummary): boolean {
  return (
    a.version === b.version &&
    a.base.label === b.base.label &&
    a.base.sha === b.base.sha &&
    a.files.length === b.files.length &&
    a.files.every((f, i) => f.path === b.files[i].path && f.reviewed === b.files[i].reviewed)
  );
}
