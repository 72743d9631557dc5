/** A small line diff (no dependency) so edit results show the model exactly what changed. */

export interface DiffResult {
  /** Unified diff, capped at maxChars; "" when nothing changed. */
  diff: string;
  linesAdded: number;
  linesRemoved: number;
}

type Op = { kind: " " | "-" | "+"; line: string };

/** Lines keep their terminator so a change to the final newline is a real change. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** LCS on the region between the common prefix and suffix (edits are usually local). */
function diffMiddle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const del = a.map((line): Op => ({ kind: "-", line }));
  const add = b.map((line): Op => ({ kind: "+", line }));
  if (n === 0 || m === 0 || n * m > 4_000_000) return [...del, ...add];
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i++] });
      j++;
    } else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) {
      ops.push({ kind: "-", line: a[i++] });
    } else {
      ops.push({ kind: "+", line: b[j++] });
    }
  }
  while (i < n) ops.push({ kind: "-", line: a[i++] });
  while (j < m) ops.push({ kind: "+", line: b[j++] });
  return ops;
}

function diffLines(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const same = (line: string): Op => ({ kind: " ", line });
  return [...a.slice(0, pre).map(same), ...diffMiddle(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)), ...a.slice(a.length - suf).map(same)];
}

function hunkRange(start: number, len: number): string {
  // An empty range names the line before it (unified diff convention).
  return `${len === 0 ? start - 1 : start},${len}`;
}

export function unifiedDiff(path: string, oldText: string, newText: string, options: { context?: number; maxChars?: number } = {}): DiffResult {
  const context = options.context ?? 3;
  const maxChars = options.maxChars ?? 10_000;
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const linesAdded = ops.filter((o) => o.kind === "+").length;
  const linesRemoved = ops.filter((o) => o.kind === "-").length;
  if (linesAdded === 0 && linesRemoved === 0) return { diff: "", linesAdded, linesRemoved };

  // Line numbers (1-based) of each op in the old and new file.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldNo.push(o);
    newNo.push(n);
    if (op.kind !== "+") o++;
    if (op.kind !== "-") n++;
  }
  const changes = ops.flatMap((op, i) => (op.kind === " " ? [] : [i]));
  const out: string[] = [`--- a/${path}`, `+++ b/${path}`];
  let k = 0;
  while (k < changes.length) {
    const firstChange = changes[k];
    let lastChange = firstChange;
    while (k + 1 < changes.length && changes[k + 1] - lastChange <= 2 * context + 1) lastChange = changes[++k];
    k++;
    const start = Math.max(0, firstChange - context);
    const end = Math.min(ops.length, lastChange + context + 1);
    const slice = ops.slice(start, end);
    const oldLen = slice.filter((x) => x.kind !== "+").length;
    const newLen = slice.filter((x) => x.kind !== "-").length;
    out.push(`@@ -${hunkRange(oldNo[start], oldLen)} +${hunkRange(newNo[start], newLen)} @@`);
    for (const op of slice) {
      const body = op.line.endsWith("\n") ? op.line.slice(0, -1) : op.line;
      out.push(op.kind + body);
      if (!op.line.endsWith("\n")) out.push("\\ No newline at end of file");
    }
  }
  let diff = `${out.join("\n")}\n`;
  if (diff.length > maxChars) {
    const kept = diff.slice(0, maxChars);
    const cut = kept.lastIndexOf("\n") + 1;
    const omitted = diff.slice(cut).split("\n").length - 1;
    diff = `${kept.slice(0, cut)}... (diff truncated: ${omitted} more lines)\n`;
  }
  return { diff, linesAdded, linesRemoved };
}
