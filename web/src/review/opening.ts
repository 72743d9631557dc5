/**
 * What opening the Review tab needs before the pane's own code is in the page (this file is in the
 * main bundle): the pane's choices per workspace, and its first request, sent at the click rather
 * than once the pane's chunk has loaded and mounted.
 */
import type { ReviewBase, ReviewSummary } from "../../../src/api/review";
import { call } from "../api/client";
import { uiStore } from "../state/ui";

export interface ReviewChoices {
  base: ReviewBase;
  untracked: boolean;
}

/** Files whose hunks come with the summary (the first screenful). */
export const FIRST_FILES = 8;
/** A prefetched summary older than this is not used (the pane asks again). */
const FRESH_MS = 5_000;

/** The pane's choices per workspace, for this page's lifetime (closing the panel keeps them). */
const remembered = new Map<string, ReviewChoices>();
export const choicesOf = (workspaceId: string): ReviewChoices => remembered.get(workspaceId) ?? { base: { type: "trunk" }, untracked: true };
export const rememberChoices = (workspaceId: string, choices: ReviewChoices) => void remembered.set(workspaceId, choices);

/** The summary the opening pane asks for first: the server's last diff (no git run), then it checks. */
export const openingSummary = (workspaceId: string, c: ReviewChoices) =>
  call((api) => api.review.summary({ workspaceId, ...c, firstFiles: FIRST_FILES, cached: true }));

let prefetched: { key: string; at: number; summary: Promise<ReviewSummary> } | null = null;
const keyOf = (workspaceId: string, c: ReviewChoices) => JSON.stringify([workspaceId, c.base, c.untracked]);

/** Sends the opening summary request now, for the pane to take when it mounts. */
export function prefetchReview(workspaceId: string) {
  const c = choicesOf(workspaceId);
  const summary = openingSummary(workspaceId, c);
  summary.catch(() => {}); // the pane sees the error if it takes this one
  prefetched = { key: keyOf(workspaceId, c), at: Date.now(), summary };
}

/** The opening summary prefetched for this view, if any (once). */
export function takePrefetched(workspaceId: string, c: ReviewChoices): Promise<ReviewSummary> | null {
  const p = prefetched;
  prefetched = null;
  return p && p.key === keyOf(workspaceId, c) && Date.now() - p.at < FRESH_MS ? p.summary : null;
}

/** From now on, whatever opens the tab (its button, the palette, a key) or shows another workspace under it sends the pane's first request. */
export function prefetchReviewOnOpen() {
  let last = uiStore.get();
  uiStore.subscribe(() => {
    const s = uiStore.get();
    const prev = last;
    last = s;
    if (s.panel === "review" && s.selectedId && (prev.panel !== "review" || prev.selectedId !== s.selectedId)) prefetchReview(s.selectedId);
  });
}
