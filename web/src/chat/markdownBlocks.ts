/**
 * Splits Markdown into top-level blocks at blank lines, so a streaming message re-parses only
 * its last block and every finished block stays memoized. A blank line splits only outside
 * fenced code and `$$` math, and not when the next line continues the block (indented, or a
 * list item following a list).
 */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}([*+-]|\d{1,9}[.)])[ \t]/;

export function splitBlocks(text: string): string[] {
  return splitFrom(text, 0).blocks;
}

interface Split {
  blocks: string[];
  /** Where each block starts in the text. */
  starts: number[];
}

/** Splits text[from…] (from: the start of a line outside any block). */
function splitFrom(text: string, from: number): Split {
  const blocks: string[] = [];
  const starts: number[] = [];
  let current: string[] = [];
  let currentStart = from;
  let fence: string | null = null;
  let math = false;
  let listBlock = false;
  let pendingBlank = false;

  const flush = () => {
    if (current.length) {
      blocks.push(current.join("\n"));
      starts.push(currentStart);
    }
    current = [];
    listBlock = false;
  };

  let pos = from;
  while (pos <= text.length) {
    const lineEnd = text.indexOf("\n", pos);
    const next = lineEnd < 0 ? text.length + 1 : lineEnd + 1;
    const line = text.slice(pos, lineEnd < 0 ? text.length : lineEnd);
    const at = pos;
    pos = next;
    if (fence) {
      current.push(line);
      const m = FENCE.exec(line);
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (math) {
      current.push(line);
      if (line.trim().endsWith("$$")) math = false;
      continue;
    }
    if (line.trim() === "") {
      pendingBlank = current.length > 0;
      if (current.length) current.push(line);
      continue;
    }
    if (pendingBlank) {
      const continues = /^[ \t]/.test(line) || (listBlock && LIST_ITEM.test(line));
      if (!continues) {
        // Drop the trailing blank lines of the finished block.
        while (current.length && current[current.length - 1].trim() === "") current.pop();
        flush();
      }
      pendingBlank = false;
    }
    if (current.length === 0) {
      listBlock = LIST_ITEM.test(line);
      currentStart = at;
    }
    current.push(line);
    const f = FENCE.exec(line);
    if (f) fence = f[1];
    else if (line.trim().startsWith("$$") && !(line.trim().length > 2 && line.trim().endsWith("$$"))) math = true;
  }
  while (current.length && current[current.length - 1].trim() === "") current.pop();
  flush();
  return { blocks, starts };
}

/**
 * splitBlocks for one message whose text grows at the end (a stream): only its last two blocks
 * are split again (the last block's first line, still arriving, can join it to the one before);
 * the blocks before them cannot change. Any other change splits the whole text. Returns what
 * splitBlocks would, with unchanged blocks as the same strings.
 */
export function createBlockSplitter(): (text: string) => string[] {
  let last: (Split & { text: string }) | null = null;
  return (text) => {
    if (last?.text === text) return last.blocks;
    let split: Split;
    if (last && last.blocks.length > 2 && text.startsWith(last.text)) {
      const keep = last.blocks.length - 2;
      const tail = splitFrom(text, last.starts[keep]);
      split = { blocks: last.blocks.slice(0, keep).concat(tail.blocks), starts: last.starts.slice(0, keep).concat(tail.starts) };
    } else {
      split = splitFrom(text, 0);
    }
    last = { text, ...split };
    return split.blocks;
  };
}

const CURRENCY = /(^|[^\\$])\$(?=\d[\d,]*(?:\.\d+)?(?:[\s.,;:!?)\]]|$))/g;

/**
 * With math enabled, "$5 and $10" would become inline math. Escapes a `$` that starts an
 * amount (digits followed by a space, punctuation or the end), outside code spans and fences.
 */
export function protectCurrency(block: string): string {
  if (!block.includes("$") || FENCE.test(block)) return block;
  return block
    .split(/(`+[^`]*`+)/)
    .map((seg, i) => (i % 2 === 1 ? seg : seg.replace(CURRENCY, "$1\\$")))
    .join("");
}
