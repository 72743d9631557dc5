/** Where the review's keys move to, over the flat row list (pure: the pane scrolls and selects). */
import type { ReviewFile, ReviewHunk } from "../../../src/api/review.js";
import type { Row } from "./rows.js";
import { rowLine } from "./selection.js";

/** The next (dir 1) or previous (-1) hunk or file header from row `from`; "previous" leaves the current one. */
export function stepTarget(rows: Row[], from: number, kind: "hunk" | "file", dir: 1 | -1): number | null {
  let start = from;
  if (dir < 0) while (start > 0 && rows[start].kind !== kind) start--;
  for (let i = start + dir; i >= 0 && i < rows.length; i += dir) if (rows[i].kind === kind) return i;
  return null;
}

/** The first line row at or after `index`. */
export function firstLine(rows: Row[], index: number): number | null {
  for (let i = index; i < rows.length; i++) if (rowLine(rows[i])) return i;
  return null;
}

/** The next line row after `from` in direction `dir`. */
export function nextLine(rows: Row[], from: number, dir: 1 | -1): number | null {
  for (let i = from + dir; i >= 0 && i < rows.length; i += dir) if (rowLine(rows[i])) return i;
  return null;
}

/** The hunk row `from` is in (or the next one, from a file header). */
export function hunkAt(rows: Row[], from: number): { path: string; hunkIndex: number; hunk: ReviewHunk } | null {
  for (let i = from; i >= 0; i--) {
    const r = rows[i];
    if (r?.kind === "hunk") return r;
    if (r?.kind === "file") break;
  }
  const r = rows.find((r, i) => i >= from && r.kind === "hunk");
  return r?.kind === "hunk" ? r : null;
}

/** The file row `from` belongs to. */
export function fileAt(rows: Row[], from: number): ReviewFile | null {
  for (let i = from; i >= 0; i--) {
    const r = rows[i];
    if (r?.kind === "file") return r.file;
  }
  return null;
}
