import type { ChatMessage } from "../../../src/agent/messages";
import { onlyLastTextGrew } from "./chatState";

/**
 * Streamed text that cannot change the Markdown around it is appended to the page directly,
 * without rendering the message again: most frames of a stream add a few plain words to the
 * paragraph, list item or code line being written, and rendering the message for them (parse its
 * open block, then React's render and commit) is script time on every frame. Anything else (a new
 * line, a character Markdown may give a meaning to, a part or metadata that changed) renders the
 * message as before.
 *
 * React is not told: before the message renders again, `restore` puts back the text React
 * wrote, so that its view of the page is right again (it only compares new text with what it
 * wrote last). A finished message is a new row, rendered from scratch.
 */

/**
 * Characters that may start or end Markdown syntax inside a line (emphasis, code, links,
 * autolinks, HTML, entities, escapes, tables, math, a heading's closing #), and line breaks.
 */
const INLINE_SYNTAX = /[*_~`[\]<>&\\:@|$#\n\r]|www\./i;
/** A line's block prefix: heading marker, list markers, quote markers. */
const BLOCK_PREFIX = /^(?:[ \t]*(?:#{1,6}[ \t]+|[-+*][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?))*/;
/** In a code block, only these change what the line is (a closing fence, a new line). */
const CODE_SYNTAX = /[`~\n\r]/;
/** Elements a paragraph-like line's text sits in (as the Markdown renderer builds them). */
const PROSE = new Set(["P", "LI", "UL", "OL", "BLOCKQUOTE", "H1", "H2", "H3", "H4", "H5", "H6"]);

/** The text node the end of the last line is in, and whether it is code; null when unsure. */
function target(live: Element): { node: Text; code: boolean } | null {
  const block = live.lastElementChild;
  if (!block) return null;
  if (block.matches("[data-testid=code-block]")) {
    const last = block.querySelector("pre > code")?.lastChild;
    return last instanceof Text ? { node: last, code: true } : null;
  }
  let el: Element = block;
  for (;;) {
    if (!PROSE.has(el.tagName)) return null;
    const last = el.lastChild;
    if (last instanceof Text) {
      // Whitespace between block elements (after a nested list) is not the line's text.
      return last.data.trim() || !last.previousSibling ? { node: last, code: false } : null;
    }
    if (!(last instanceof Element)) return null;
    el = last;
  }
}

export interface LiveAppender {
  /** React committed this message: the page shows it exactly. */
  committed(message: ChatMessage | null): void;
  /** Shows `next` by appending to the page, if it can; false: render it (after `restore`). */
  append(root: Element | null, next: ChatMessage): boolean;
  /** Puts back what React wrote; nothing is appended until the next commit. */
  restore(): void;
  /** The text appended to is no longer on the page (a part of the message rendered on its own, e.g. highlighted code): render it. */
  lost(): boolean;
}

export function createLiveAppender(): LiveAppender {
  /** The last part's text as React rendered it, and its last line (null: nothing to append to). */
  let rendered: { message: ChatMessage; text: string; line: string } | null = null;
  /** The last part's text as the page shows it (React's text plus what was appended). */
  let shown = "";
  let edited: { node: Text; original: string } | null = null;
  return {
    committed(message) {
      const last = message?.parts.at(-1);
      const text = last?.type === "text" ? last.text : "";
      rendered = message && { message, text, line: text.slice(text.lastIndexOf("\n") + 1) };
      shown = text;
      edited = null;
    },
    append(root, next) {
      if (!rendered || !root || !onlyLastTextGrew(rendered.message, next)) return false;
      const part = next.parts[next.parts.length - 1];
      if (part.type !== "text" || !part.text.startsWith(shown)) return false;
      if (part.text.length === shown.length) return true;
      const live = root.querySelector(".mux-live");
      const at = live && target(live);
      if (!at || (edited && edited.node !== at.node)) return false;
      const since = part.text.slice(rendered.text.length);
      const { line } = rendered;
      if (at.code) {
        // A blank last line is not on the page yet (a block's trailing blank lines are dropped);
        // the fence's own line (its info string) and a closing fence are not code.
        if (CODE_SYNTAX.test(since) || !line.trim() || /^[ \t]*[`~]/.test(line)) return false;
      } else {
        // A line with a letter in it cannot turn into a rule, a setext underline or a list marker.
        if (INLINE_SYNTAX.test((line + since).replace(BLOCK_PREFIX, "")) || !/\p{L}/u.test(line.replace(BLOCK_PREFIX, ""))) return false;
      }
      edited ??= { node: at.node, original: at.node.data };
      // Markdown drops a line's trailing spaces: those React's text ended with show once more text follows.
      const spaces = /[ \t]*$/.exec(rendered.text)![0];
      at.node.data = at.code ? edited.original + since : edited.original + (spaces + since).replace(/[ \t]+$/, "");
      shown = part.text;
      return true;
    },
    restore() {
      if (edited) edited.node.data = edited.original;
      edited = null;
      rendered = null;
    },
    lost: () => edited !== null && !edited.node.isConnected,
  };
}
