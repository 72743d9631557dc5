import { useEffect, useState } from "react";
import type { ReviewHunk } from "../../../src/api/review";
import type { HighlightReply, HighlightRequest, Tok, TokLines } from "./highlightProtocol";

/** Tokens of a hunk's lines, by side and line number. */
export interface HunkTokens {
  old: Map<number, Tok[]>;
  new: Map<number, Tok[]>;
}

const cache = new Map<string, HunkTokens | null>();
/** Tokens of whole files shown with "show more" / "whole file", by path, with the lines they were made from. */
const files = new Map<string, { lines: string[]; tokens: TokLines | null }>();
/** How long the hunks in view must stay the same (the list not scrolling) before they are coloured. */
const SETTLE_MS = 40;
/** Longer files are not coloured as a whole (their context lines stay plain). */
const MAX_FILE_LINES = 20_000;

export const langOf = (path: string) => {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base === "dockerfile" || base === "makefile") return base;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1) : "";
};

// ── the worker ──────────────────────────────────────────────────────────────
let worker: Worker | null | undefined;
let nextId = 0;
const pending = new Map<number, (lines: (TokLines | null)[]) => void>();

/** Each of `codes` tokenized in `lang` by the highlighting worker (on the page itself where workers fail). */
function tokenizeAll(lang: string, codes: string[]): Promise<(TokLines | null)[]> {
  if (worker === undefined) {
    try {
      worker = new Worker(new URL("./highlight.worker.ts", import.meta.url), { type: "module" });
      worker.onmessage = (e: MessageEvent<HighlightReply>) => {
        addColours(e.data.colours);
        pending.get(e.data.id)?.(e.data.lines);
        pending.delete(e.data.id);
      };
      worker.onerror = () => {
        // No worker after all (a blocked script): what it was asked is answered plain.
        worker = null;
        for (const done of pending.values()) done([]);
        pending.clear();
      };
    } catch {
      worker = null;
    }
  }
  const w = worker;
  if (!w) return Promise.resolve(codes.map(() => null));
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, (lines) => resolve(codes.map((_, i) => lines[i] ?? null)));
    w.postMessage({ id, lang, codes } satisfies HighlightRequest);
  });
}

let sheet: CSSStyleSheet | null = null;
/** Colour classes `k1`, `k2`, … as the worker numbered them (see highlightProtocol.ts). */
function addColours(colours: [number, string][]) {
  if (!colours.length) return;
  if (!sheet) {
    const el = document.createElement("style");
    el.dataset.mux = "review-colours";
    document.head.append(el);
    sheet = el.sheet;
  }
  for (const [n, css] of colours) sheet?.insertRule(`.mux-review .k${n}{${css}}`, sheet.cssRules.length);
}

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

async function tokenizeHunk(path: string, h: ReviewHunk): Promise<HunkTokens | null> {
  const lang = langOf(path);
  if (!lang) return null;
  const sides = [side(h, "old"), side(h, "new")];
  const [old, neu] = await tokenizeAll(
    lang,
    sides.map((s) => s.code),
  );
  if (!old && !neu) return null;
  const out: HunkTokens = { old: new Map(), new: new Map() };
  old?.forEach((line, i) => out.old.set(sides[0].numbers[i], line));
  neu?.forEach((line, i) => out.new.set(sides[1].numbers[i], line));
  return out;
}

const keyOf = (path: string, h: ReviewHunk) => `${path}\0${h.hash}\0${h.oldStart}\0${h.newStart}`;

/**
 * Syntax colours for the hunks in view and for files opened with "show more", by the chat's
 * highlighter in a worker (so a long diff never blocks the page); until then lines show as plain
 * text. Returns a number that changes when more colours are ready (rows read them with lineTokens).
 */
export function useHighlight(visible: { path: string; hunk: ReviewHunk }[], expanded: Map<string, { lines: string[] }>, scrolling: boolean): number {
  const [version, setVersion] = useState(0);
  const wanted = visible.filter((v) => !v.hunk.meta && !cache.has(keyOf(v.path, v.hunk)));
  const wantedKey = wanted.map((v) => keyOf(v.path, v.hunk)).join("|");
  useEffect(() => {
    if (!wanted.length || scrolling) return;
    let live = true;
    // Once the view rests: while it scrolls, rows show plain text, and no frame of the scroll draws a screenful of
    // rows again in colour.
    const timer = setTimeout(async () => {
      if (cache.size > 5_000) cache.clear(); // bounded: hunks seen long ago are coloured again when seen
      const done = await Promise.all(
        wanted.map(async (v) => {
          const key = keyOf(v.path, v.hunk);
          if (!cache.has(key)) cache.set(key, await tokenizeHunk(v.path, v.hunk).catch(() => null));
        }),
      );
      if (live && done.length) setVersion((n) => n + 1);
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wantedKey, scrolling]);

  // Files with revealed context: the whole file is coloured (a grammar needs the lines before).
  useEffect(() => {
    let live = true;
    for (const [path, exp] of expanded) {
      const known = files.get(path);
      const lang = langOf(path);
      if (known?.lines === exp.lines || !lang || exp.lines.length > MAX_FILE_LINES) continue;
      files.set(path, { lines: exp.lines, tokens: null });
      tokenizeAll(lang, [exp.lines.join("\n")]).then(([tokens]) => {
        if (files.get(path)?.lines !== exp.lines) return;
        files.set(path, { lines: exp.lines, tokens });
        if (live) setVersion((n) => n + 1);
      });
    }
    return () => {
      live = false;
    };
  }, [expanded]);
  return version;
}

/**
 * Which colours a row of `path` (in `hunk`) can show now: it changes when they arrive, so only the
 * rows they are for draw again (1: its hunk's, 2: its file's).
 */
export function colourStamp(path: string, hunk: ReviewHunk | undefined): number {
  return (hunk && cache.get(keyOf(path, hunk)) ? 1 : 0) | (files.get(path)?.tokens ? 2 : 0);
}

/**
 * The colours of a line when ready: from its hunk, or (a context line revealed around the hunks)
 * from its file's, as long as they were made from the same text.
 */
export function lineTokens(path: string, hunk: ReviewHunk | undefined, which: "old" | "new", no: number, text: string): Tok[] | undefined {
  const fromHunk = hunk ? cache.get(keyOf(path, hunk))?.[which].get(no) : undefined;
  if (fromHunk) return fromHunk;
  if (which !== "new") return undefined;
  const line = files.get(path)?.tokens?.[no - 1];
  return line && line.map((t) => t[0]).join("") === text ? line : undefined;
}
