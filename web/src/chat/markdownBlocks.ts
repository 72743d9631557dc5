/**
 * Splits Markdown into top-level blocks at blank lines, so a streaming message re-parses only
 * its last block and every finished block stays memoized. A blank line splits only outside
 * fenced code and `$$` math, and not when the next line continues the block (indented, or a
 * list item following a list).
 */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^ {0,3}([*+-]|\d{1,9}[.)])[ \t]/;

export function splitBlocks(text: string): string[] {
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  let math = false;
  let listBlock = false;
  let pendingBlank = false;

  const flush = () => {
    if (current.length) blocks.push(current.join("\n"));
    current = [];
    listBlock = false;
  };

  for (const line of lines) {
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
    if (current.length === 0) listBlock = LIST_ITEM.test(line);
    current.push(line);
    const f = FENCE.exec(line);
    if (f) fence = f[1];
    else if (line.trim().startsWith("$$") && !(line.trim().length > 2 && line.trim().endsWith("$$"))) math = true;
  }
  while (current.length && current[current.length - 1].trim() === "") current.pop();
  flush();
  return blocks;
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
