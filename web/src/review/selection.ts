import type { LineComment } from "./commentText.js";
import type { DiffLine, Row } from "./rows.js";

/** The line a selectable row stands for (side by side: the new side, else the old). */
export function rowLine(row: Row): DiffLine | undefined {
  if (row.kind === "line") return row.line.kind === "note" ? undefined : row.line;
  if (row.kind === "split") return row.right ?? row.left;
  return undefined;
}

/** Indices of the rows between anchor and focus (inclusive) that are lines of the same file. */
export function selectedIndices(rows: Row[], anchor: number, focus: number): number[] {
  const path = (rows[focus] as { path?: string }).path;
  const out: number[] = [];
  for (let i = Math.min(anchor, focus); i <= Math.max(anchor, focus); i++) {
    const r = rows[i];
    if (rowLine(r) && (r as { path?: string }).path === path) out.push(i);
  }
  return out;
}

/** What a comment on these rows quotes: `path:range` (new-file lines; old ones when only removed lines). */
export function commentTarget(rows: Row[], indices: number[]): Omit<LineComment, "id" | "note"> | null {
  const lines = indices.map((i) => rowLine(rows[i])).filter((l): l is DiffLine => !!l);
  if (!lines.length) return null;
  const path = (rows[indices[0]] as { path: string }).path;
  const news = lines.map((l) => l.newNo).filter((n): n is number => n !== undefined);
  const nums = news.length ? news : lines.map((l) => l.oldNo).filter((n): n is number => n !== undefined);
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const range = `${lo === hi ? lo : `${lo}-${hi}`}${news.length ? "" : " (old)"}`;
  const sign = { add: "+", del: "-", ctx: " ", note: "" } as const;
  return { path, range, lines: lines.map((l) => `${sign[l.kind]}${l.text}`) };
}
