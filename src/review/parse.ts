/** Parsers of what the review's git commands print: raw records, unmerged paths and the patch text. */
import { createHash } from "node:crypto";
import type { ReviewFile, ReviewFileStatus, ReviewHunk } from "../api/review.js";

/** A file's entry as `git diff --raw -z` lists it. */
export interface RawChange {
  path: string;
  oldPath?: string;
  status: ReviewFileStatus;
}

const STATUS: Record<string, ReviewFileStatus> = { A: "added", D: "deleted", R: "renamed", C: "copied" };

/**
 * Reads `git diff -z --raw -p` output: raw records (`:modes shas X\0path\0[new\0]`), then a NUL
 * and the patch text, returned as `patch`. (Line counts come from the patch itself: asking git
 * for --numstat too would make it diff every file twice.)
 */
export function parseRaw(out: string): { changes: RawChange[]; patch: string } {
  let pos = 0;
  const next = () => {
    const end = out.indexOf("\0", pos);
    const token = out.slice(pos, end < 0 ? out.length : end);
    pos = end < 0 ? out.length : end + 1;
    return token;
  };
  const changes: RawChange[] = [];
  while (out.startsWith(":", pos)) {
    const letter = next().split(" ")[4]?.[0] ?? "M";
    const two = letter === "R" || letter === "C";
    const first = next();
    const change: RawChange = { path: two ? next() : first, status: STATUS[letter] ?? "modified" };
    if (two) change.oldPath = first;
    changes.push(change);
  }
  if (out.startsWith("\0", pos)) pos++;
  return { changes, patch: out.slice(pos) };
}

/** Paths of `git ls-files -z -u` records (`mode sha stage\tpath\0`, one per stage): the files left in conflict. */
export function parseUnmerged(out: string): Set<string> {
  const paths = new Set<string>();
  for (const record of out.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab >= 0) paths.add(record.slice(tab + 1));
  }
  return paths;
}

/** One file's section of a patch: its header lines and hunks. */
export interface PatchSection {
  header: string[];
  hunks: ReviewHunk[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** A combined diff's hunk (`diff --cc`, a merge in progress): `@@@ -a,b -c,d +e,f @@@`, one `-` range per parent. */
const COMBINED = /^(@{3,}) -(\d+)(?:,(\d+))? (?:-\d+(?:,\d+)? )*\+(\d+)(?:,(\d+))? @{3,}/;

/**
 * A combined diff's line as a line of a plain diff against the first parent (the branch's own
 * side, HEAD): its first column says how the line stands against that parent; a line that is
 * only in another parent (kept out of the result) is not part of that view.
 */
function firstParentLine(line: string, parents: number): string | null {
  const cols = line.slice(0, parents);
  const text = line.slice(parents);
  if (cols[0] === "+" || cols[0] === "-") return cols[0] + text;
  return cols.includes("-") ? null : ` ${text}`;
}

/**
 * A hunk's key for review marks: its path and content, not its position, so an edit elsewhere in
 * the file keeps the mark and any change to the hunk itself drops it.
 */
export function hunkHash(path: string, lines: string[]): string {
  return createHash("sha1").update(path).update("\0").update(lines.join("\n")).digest("hex").slice(0, 20);
}

/** Splits `git diff -p` output into one section per file, in git's order. */
export function parsePatch(out: string): PatchSection[] {
  const sections: PatchSection[] = [];
  let cur: PatchSection | null = null;
  let hunk: ReviewHunk | null = null;
  /** Parents of the current combined diff's hunks (0: a plain diff). */
  let parents = 0;
  const lines = out.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    if (line.startsWith("diff --git ") || line.startsWith("diff --cc ")) {
      cur = { header: [line], hunks: [] };
      hunk = null;
      parents = 0;
      sections.push(cur);
      continue;
    }
    if (!cur) continue;
    const c = line.startsWith("@@@") ? COMBINED.exec(line) : null;
    if (c) {
      parents = c[1].length - 1;
      hunk = {
        hash: "",
        header: line,
        oldStart: Number(c[2]),
        oldLines: c[3] === undefined ? 1 : Number(c[3]),
        newStart: Number(c[4]),
        newLines: c[5] === undefined ? 1 : Number(c[5]),
        lines: [],
      };
      cur.hunks.push(hunk);
      continue;
    }
    if (hunk && parents > 0) {
      const l = line.startsWith("\\") ? line : firstParentLine(line, parents);
      if (l !== null) hunk.lines.push(l);
      continue;
    }
    const h = HUNK.exec(line);
    if (h) {
      hunk = {
        hash: "",
        header: line,
        oldStart: Number(h[1]),
        oldLines: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newLines: h[4] === undefined ? 1 : Number(h[4]),
        lines: [],
      };
      cur.hunks.push(hunk);
    } else if (hunk) hunk.lines.push(line);
    else cur.header.push(line);
  }
  return sections;
}

/** The hunks a file shows: its patch hunks, or one made of its header when it has none (binary, rename, mode). */
export function fileHunks(path: string, section: PatchSection | undefined): ReviewHunk[] {
  if (section && section.hunks.length > 0) {
    for (const h of section.hunks) h.hash = hunkHash(path, h.lines);
    return section.hunks;
  }
  const meta = (section?.header ?? []).filter((l) => !l.startsWith("diff --git ") && !l.startsWith("--- ") && !l.startsWith("+++ "));
  return [{ hash: hunkHash(path, meta), header: "", oldStart: 0, oldLines: 0, newStart: 0, newLines: 0, lines: meta, meta: true }];
}

/** A file's version: what its entry and hunks show (each hunk's hash covers its path and lines). */
function fileVersion(file: ReviewFile, hunks: ReviewHunk[]): string {
  const h = createHash("sha1").update(JSON.stringify([file.path, file.oldPath, file.status, file.binary, file.untracked, file.conflicted]));
  for (const hunk of hunks) h.update("\0").update(hunk.header).update(hunk.hash);
  return h.digest("hex").slice(0, 16);
}

/** Files of a diff, numbered as git printed them, with their hunks. */
export function buildFiles(
  raw: RawChange[],
  patch: PatchSection[],
  untracked: Set<string>,
  unmerged: Set<string> = new Set(),
): { file: ReviewFile; hunks: ReviewHunk[] }[] {
  return raw.map((c, i) => {
    const hunks = fileHunks(c.path, patch[i]);
    const binary = (patch[i]?.header ?? []).some((l) => l.startsWith("Binary files ") || l === "GIT binary patch");
    let added = 0;
    let removed = 0;
    for (const h of hunks) {
      if (h.meta) continue;
      for (const l of h.lines) {
        if (l[0] === "+") added++;
        else if (l[0] === "-") removed++;
      }
    }
    const file: ReviewFile = {
      path: c.path,
      status: c.status,
      binary,
      untracked: untracked.has(c.path),
      added,
      removed,
      hunks: hunks.length,
      reviewed: 0,
    };
    if (c.oldPath !== undefined) file.oldPath = c.oldPath;
    if (unmerged.has(c.path)) file.conflicted = true;
    file.version = fileVersion(file, hunks);
    return { file, hunks };
  });
}
