/** The review as a flat list of fixed-height rows, so a diff of any size renders only what shows. */
import type { ReviewFile, ReviewHunk } from "../../../src/api/review.js";

export type LineKind = "add" | "del" | "ctx" | "note";

export interface DiffLine {
  kind: LineKind;
  text: string;
  oldNo?: number;
  newNo?: number;
  /** A conflict marker (`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`) of a file left in conflict by a merge. */
  marker?: boolean;
}

const MARKER = /^(<{7}|>{7}|\|{7})( |$)|^={7}$/;

/** Context revealed around a file's hunks: lines above each hunk, and below the last one. */
export interface Expansion {
  /** The file as it is in the workspace, split into lines. */
  lines: string[];
  above: number[];
  below: number;
}

export type Row =
  | { kind: "file"; key: string; file: ReviewFile }
  | { kind: "loading"; key: string; path: string }
  | { kind: "hunk"; key: string; path: string; hunk: ReviewHunk; hunkIndex: number }
  | { kind: "expand"; key: string; path: string; hunkIndex: number; where: "above" | "below"; hidden: number }
  | { kind: "line"; key: string; path: string; hunkIndex: number; line: DiffLine }
  | { kind: "split"; key: string; path: string; hunkIndex: number; left?: DiffLine; right?: DiffLine };

export const ROW_HEIGHT = 20;
export const FILE_ROW_HEIGHT = 34;
export const HUNK_ROW_HEIGHT = 26;

export function rowHeight(row: Row): number {
  return row.kind === "file" ? FILE_ROW_HEIGHT : row.kind === "hunk" ? HUNK_ROW_HEIGHT : ROW_HEIGHT;
}

/** A hunk's lines with their line numbers; in a file left in conflict, its conflict markers marked. */
export function hunkLines(h: ReviewHunk, conflicted = false): DiffLine[] {
  if (h.meta) return h.lines.map((text) => ({ kind: "note", text }));
  let oldNo = h.oldStart;
  let newNo = h.newStart;
  return h.lines.map((l) => {
    const c = l[0];
    const text = l.slice(1);
    if (c === "+") return conflicted && MARKER.test(text) ? { kind: "add", text, newNo: newNo++, marker: true } : { kind: "add", text, newNo: newNo++ };
    if (c === "-") return { kind: "del", text, oldNo: oldNo++ };
    if (c === " ") return { kind: "ctx", text, oldNo: oldNo++, newNo: newNo++ };
    return { kind: "note", text: l };
  });
}

/** First and one-past-last line numbers a hunk covers, on each side (an empty side sits after its start line). */
function span(h: ReviewHunk) {
  const oldFirst = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
  const newFirst = h.newLines === 0 ? h.newStart + 1 : h.newStart;
  return { oldFirst, newFirst, oldEnd: oldFirst + h.oldLines, newEnd: newFirst + h.newLines };
}

/** Lines hidden above hunk `i` (between it and the previous one), in new-file numbering [from, to). */
export function gapAbove(hunks: ReviewHunk[], i: number): { from: number; to: number } {
  const to = span(hunks[i]).newFirst;
  const from = i === 0 ? 1 : span(hunks[i - 1]).newEnd;
  return { from, to: Math.max(from, to) };
}

/** Lines hidden below the last hunk, up to the end of the file. */
export function gapBelow(hunks: ReviewHunk[], total: number): { from: number; to: number } {
  const from = span(hunks[hunks.length - 1]).newEnd;
  return { from, to: Math.max(from, total + 1) };
}

/** Context lines [from, to) (new numbering) next to hunk `h`, numbered on both sides. */
function contextLines(exp: Expansion, h: ReviewHunk, from: number, to: number, after: boolean): DiffLine[] {
  const s = span(h);
  const delta = after ? s.oldEnd - s.newEnd : s.oldFirst - s.newFirst;
  const out: DiffLine[] = [];
  for (let n = from; n < to; n++) out.push({ kind: "ctx", text: exp.lines[n - 1] ?? "", newNo: n, oldNo: n + delta });
  return out;
}

/** Pairs removed and added lines side by side; context shows on both sides. */
export function splitPairs(lines: DiffLine[]): { left?: DiffLine; right?: DiffLine }[] {
  const out: { left?: DiffLine; right?: DiffLine }[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (l.kind === "ctx" || l.kind === "note") {
      out.push({ left: l, right: l });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i].kind === "del") dels.push(lines[i++]);
    while (i < lines.length && lines[i].kind === "add") adds.push(lines[i++]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) out.push({ left: dels[k], right: adds[k] });
  }
  return out;
}

export interface BuildInput {
  files: ReviewFile[];
  hunks: Map<string, ReviewHunk[]>;
  collapsed: Set<string>;
  expansions: Map<string, Expansion>;
  split: boolean;
  /** Rows of each file from the last build, reused while the file's inputs are the same objects. */
  cache?: Map<string, { deps: unknown[]; rows: Row[] }>;
}

/** The rows of the whole review: a header per file, then (unless collapsed) its hunks, or a placeholder until loaded. */
export function buildRows({ files, hunks, collapsed, expansions, split, cache }: BuildInput): Row[] {
  const rows: Row[] = [];
  for (const file of files) {
    const p = file.path;
    const deps = [file, hunks.get(p), expansions.get(p), collapsed.has(p), split];
    const known = cache?.get(p);
    if (known?.deps.every((d, i) => d === deps[i])) {
      for (const r of known.rows) rows.push(r);
      continue;
    }
    const start = rows.length;
    fileRows(rows, file, hunks.get(p), expansions.get(p), collapsed.has(p), split);
    cache?.set(p, { deps, rows: rows.slice(start) });
  }
  return rows;
}

/** A file's rows: its header, then (unless collapsed) its hunks, or a placeholder until they are loaded. */
function fileRows(rows: Row[], file: ReviewFile, list: ReviewHunk[] | undefined, exp: Expansion | undefined, collapsed: boolean, split: boolean) {
  const p = file.path;
  rows.push({ kind: "file", key: `f:${p}`, file });
  if (collapsed) return;
  if (!list) {
    rows.push({ kind: "loading", key: `l:${p}`, path: p });
    return;
  }
  const expandable = !file.binary && file.status !== "added" && file.status !== "deleted" && list.length > 0 && !list[0].meta;
  const push = (hunkIndex: number, lines: DiffLine[], tag: string) => {
    if (split) {
      splitPairs(lines).forEach((pair, k) => rows.push({ kind: "split", key: `${tag}:${k}`, path: p, hunkIndex, ...pair }));
    } else lines.forEach((line, k) => rows.push({ kind: "line", key: `${tag}:${k}`, path: p, hunkIndex, line }));
  };
  list.forEach((h, i) => {
    if (expandable) {
      const gap = gapAbove(list, i);
      const shown = Math.min(exp?.above[i] ?? 0, gap.to - gap.from);
      const hidden = gap.to - gap.from - shown;
      // Gaps above hunks are known from the hunks; the one below the last needs the file's length (read on expand).
      if (hidden > 0) rows.push({ kind: "expand", key: `e:${p}:${i}`, path: p, hunkIndex: i, where: "above", hidden });
      if (exp && shown > 0) push(i, contextLines(exp, h, gap.to - shown, gap.to, false), `x:${p}:${i}`);
    }
    rows.push({ kind: "hunk", key: `h:${p}:${i}`, path: p, hunk: h, hunkIndex: i });
    push(i, hunkLines(h, file.conflicted), `d:${p}:${i}`);
  });
  if (expandable) {
    const last = list.length - 1;
    if (!exp) rows.push({ kind: "expand", key: `e:${p}:end`, path: p, hunkIndex: last, where: "below", hidden: -1 });
    else {
      const gap = gapBelow(list, exp.lines.length);
      const shown = Math.min(exp.below, gap.to - gap.from);
      if (shown > 0) push(last, contextLines(exp, list[last], gap.from, gap.from + shown, true), `y:${p}`);
      if (gap.to - gap.from - shown > 0)
        rows.push({ kind: "expand", key: `e:${p}:end`, path: p, hunkIndex: last, where: "below", hidden: gap.to - gap.from - shown });
    }
  }
}

/** Line count of a text as an editor shows it (a final newline ends the last line, it does not start one). */
export function splitFileLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
