import { useEffect, useState } from "react";
import type { ReviewHunk } from "../../../src/api/review";
import type { Tokens } from "../chat/markdown/highlighter";

/** Tokens of a hunk's lines, by side and line number. */
export interface HunkTokens {
  old: Map<number, Tokens[number]>;
  new: Map<number, Tokens[number]>;
}

type Highlighter = typeof import("../chat/markdown/highlighter");
let module: Promise<Highlighter> | undefined;
const cache = new Map<string, HunkTokens | null>();
/** How long the hunks in view must stay the same before they are coloured. */
const SETTLE_MS = 120;

export const langOf = (path: string) => {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base === "dockerfile" || base === "makefile") return base;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1) : "";
};

/** One side of a hunk as code: context plus its removed (old) or added (new) lines, with their numbers. */
function side(h: ReviewHunk, which: "old" | "new"): { code: string; numbers: number[] } {
  const skip = which === "old" ? "+" : "-";
  let n = which === "old" ? h.oldStart : h.newStart;
  const lines: string[] = [];
  const numbers: number[] = [];
  for (const l of h.lines) {
    if (l[0] === skip || l[0] === "\\") continue;
    lines.push(l.slice(1));
    numbers.push(n++);
  }
  return { code: lines.join("\n"), numbers };
}

async function tokenizeHunk(hl: Highlighter, path: string, h: ReviewHunk): Promise<HunkTokens | null> {
  const lang = langOf(path);
  if (!lang || !hl.resolveLang(lang)) return null;
  const out: HunkTokens = { old: new Map(), new: new Map() };
  for (const which of ["old", "new"] as const) {
    const s = side(h, which);
    if (!s.code) continue;
    const tokens = await hl.tokenize(s.code, lang);
    if (!tokens) return null;
    tokens.forEach((line, i) => out[which].set(s.numbers[i], line));
  }
  return out;
}

const keyOf = (path: string, h: ReviewHunk) => `${path}\0${h.hash}\0${h.oldStart}\0${h.newStart}`;

/**
 * Syntax colours for the hunks in view, with the chat's highlighter (loaded on first use), one
 * hunk at a time so a long diff never blocks the page; until then lines show as plain text.
 * Returns a number that changes when more colours are ready (rows read them with hunkTokens).
 */
export function useHighlight(visible: { path: string; hunk: ReviewHunk }[]): number {
  const [version, setVersion] = useState(0);
  const wanted = visible.filter((v) => !v.hunk.meta && !cache.has(keyOf(v.path, v.hunk)));
  const wantedKey = wanted.map((v) => keyOf(v.path, v.hunk)).join("|");
  useEffect(() => {
    if (!wanted.length) return;
    let live = true;
    // Once the view rests: while it scrolls, rows show plain text and no frame waits for colours.
    const timer = setTimeout(async () => {
      module ??= import("../chat/markdown/highlighter");
      if (cache.size > 5_000) cache.clear(); // bounded: hunks seen long ago are coloured again when seen
      const hl = await module;
      for (const v of wanted) {
        if (!live) return;
        const key = keyOf(v.path, v.hunk);
        if (cache.has(key)) continue;
        cache.set(key, await tokenizeHunk(hl, v.path, v.hunk).catch(() => null));
        // Yield between hunks: input and scrolling stay responsive.
        await new Promise((r) => setTimeout(r, 0));
      }
      if (live) setVersion((n) => n + 1);
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wantedKey]);
  return version;
}

/** The colours of a hunk's lines, when ready (the cache is shared: a hunk seen before is coloured at once). */
export const hunkTokens = (path: string, h: ReviewHunk) => cache.get(keyOf(path, h)) ?? null;
