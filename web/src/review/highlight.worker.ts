/// <reference lib="webworker" />
// The review's syntax highlighting, off the page's main thread: compiling a grammar and
// tokenizing a screenful of hunks take long enough to stall scrolling there.
import { tokenize } from "../chat/markdown/highlighter";
import type { HighlightReply, HighlightRequest, Tok } from "./highlightProtocol";

declare const self: DedicatedWorkerGlobalScope;

/** Each distinct set of colours (as CSS declarations) and its number; 0 is "no colour". */
const colours = new Map<string, number>();

function colourOf(style: Record<string, string> | undefined, fresh: [number, string][]): number {
  if (!style) return 0;
  // Only custom properties with plain values reach the page's stylesheet.
  const css = Object.entries(style)
    .filter(([k, v]) => /^--shiki-[\w-]+$/.test(k) && /^[#\w\s.,%()-]+$/.test(v))
    .map(([k, v]) => `${k}:${v}`)
    .join(";");
  if (!css) return 0;
  let n = colours.get(css);
  if (n === undefined) {
    n = colours.size + 1;
    colours.set(css, n);
    fresh.push([n, css]);
  }
  return n;
}

/** Neighbours of one colour as one token: fewer elements for the page to draw. */
function merged(line: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (const t of line) {
    const last = out[out.length - 1];
    if (last && last[1] === t[1]) last[0] += t[0];
    else out.push(t);
  }
  return out;
}

self.onmessage = async (e: MessageEvent<HighlightRequest>) => {
  const { id, lang, codes } = e.data;
  const reply: HighlightReply = { id, lines: [], colours: [] };
  try {
    for (const code of codes) {
      const tokens = code ? await tokenize(code, lang) : [];
      reply.lines.push(
        tokens
          ? tokens.map((line) => merged(line.map((t): Tok => [t.content, colourOf(t.htmlStyle as Record<string, string> | undefined, reply.colours)])))
          : null,
      );
    }
  } catch {
    reply.lines = codes.map(() => null);
  }
  self.postMessage(reply);
};
