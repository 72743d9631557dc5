/** Parses the unified diff the file_edit_* / file_write tools return (see src/tools/diff.ts). */

export interface DiffLine {
  kind: "add" | "del" | "ctx" | "hunk" | "file" | "note";
  text: string;
  /** Line numbers in the old / new file (add/del/ctx only). */
  oldNo?: number;
  newNo?: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  const lines = diff.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    if (line.startsWith("--- ") || line.startsWith("+++ ")) {
      out.push({ kind: "file", text: line });
      continue;
    }
    const h = HUNK.exec(line);
    if (h) {
      // An empty range names the line before it: the next line is that + 1.
      oldNo = Number(h[1]) + (h[2] === "0" ? 1 : 0);
      newNo = Number(h[3]) + (h[4] === "0" ? 1 : 0);
      out.push({ kind: "hunk", text: line });
      continue;
    }
    const c = line[0];
    if (c === "+") out.push({ kind: "add", text: line.slice(1), newNo: newNo++ });
    else if (c === "-") out.push({ kind: "del", text: line.slice(1), oldNo: oldNo++ });
    else if (c === " ") out.push({ kind: "ctx", text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
    else out.push({ kind: "note", text: line });
  }
  return out;
}

/** Counts for a diff string when the tool did not report them. */
export function diffCounts(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "add") added++;
    else if (l.kind === "del") removed++;
  }
  return { added, removed };
}
