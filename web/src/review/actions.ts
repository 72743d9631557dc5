import type { Action } from "../app/actions";
import { togglePanel } from "../state/ui";

/** What the review pane does on a key or a palette command. */
export type ReviewCommand = "next-file" | "previous-file" | "next-hunk" | "previous-hunk" | "mark-hunk" | "mark-file" | "comment";

/** Tells the open review pane to do something (it listens on `window`). */
export function dispatchReview(command: ReviewCommand) {
  window.dispatchEvent(new CustomEvent("mux:review", { detail: { command } }));
}

/** The keys of the review pane, as shown in the palette and the pane's help. */
export const REVIEW_KEYS: Record<ReviewCommand, string> = {
  "next-hunk": "n",
  "previous-hunk": "p",
  "next-file": "Shift+N",
  "previous-file": "Shift+P",
  "mark-hunk": "r",
  "mark-file": "Shift+R",
  comment: "c",
};

const LABELS: Record<ReviewCommand, string> = {
  "next-file": "Review: next file",
  "previous-file": "Review: previous file",
  "next-hunk": "Review: next hunk",
  "previous-hunk": "Review: previous hunk",
  "mark-hunk": "Review: mark hunk reviewed",
  "mark-file": "Review: mark file reviewed",
  comment: "Review: comment on the selected lines",
};

/** The palette's review commands: open or hide the pane, and, while it is open, its keys. */
export function reviewActions(open: boolean): Action[] {
  const toggle: Action = { id: "toggle-review", label: open ? "Hide review panel" : "Review changes", run: () => togglePanel("review") };
  if (!open) return [toggle];
  return [
    toggle,
    ...(Object.keys(LABELS) as ReviewCommand[]).map((c) => ({ id: `review-${c}`, label: LABELS[c], hint: REVIEW_KEYS[c], run: () => dispatchReview(c) })),
  ];
}
