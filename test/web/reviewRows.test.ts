import { describe, expect, it } from "vitest";
import type { ReviewFile, ReviewHunk } from "../../src/api/review.js";
import { withComments } from "../../web/src/review/commentText.js";
import { buildRows, type Expansion, type Row, splitPairs } from "../../web/src/review/rows.js";
import { fileAt, hunkAt, stepTarget } from "../../web/src/review/navigation.js";
import { commentTarget, selectedIndices } from "../../web/src/review/selection.js";
import { RowSlots } from "../../web/src/review/slots.js";

const file: ReviewFile = { path: "a.ts", status: "modified", binary: false, untracked: false, added: 2, removed: 1, hunks: 2, reviewed: 0 };
const hunks: ReviewHunk[] = [
  { hash: "h1", header: "@@ -4,3 +4,3 @@", oldStart: 4, oldLines: 3, newStart: 4, newLines: 3, lines: [" l4", "-l5", "+L5", " l6"] },
  { hash: "h2", header: "@@ -20,2 +20,3 @@", oldStart: 20, oldLines: 2, newStart: 20, newLines: 3, lines: [" l20", "+new", " l21"] },
];
const fileLines = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
fileLines.splice(4, 1, "L5");
fileLines.splice(20, 0, "new");
const build = (expansions = new Map<string, Expansion>(), split = false) =>
  buildRows({ files: [file], hunks: new Map([["a.ts", hunks]]), collapsed: new Set(), expansions, split });
const lineTexts = (rows: Row[]) => rows.flatMap((r) => (r.kind === "line" ? [`${r.line.oldNo ?? "-"}/${r.line.newNo ?? "-"} ${r.line.text}`] : []));

describe("review rows", () => {
  it("numbers hunk lines on both sides, with expanders for the hidden context", () => {
    const rows = build();
    expect(rows.map((r) => r.kind)).toEqual(["file", "expand", "hunk", "line", "line", "line", "line", "expand", "hunk", "line", "line", "line", "expand"]);
    expect(rows.filter((r) => r.kind === "expand").map((r) => (r as { hidden: number }).hidden)).toEqual([3, 13, -1]);
    expect(lineTexts(rows).slice(0, 4)).toEqual(["4/4 l4", "5/- l5", "-/5 L5", "6/6 l6"]);
  });

  it("expanded context comes from the file, numbered for the old side too", () => {
    const rows = build(new Map([["a.ts", { lines: fileLines, above: [Number.POSITIVE_INFINITY, 2], below: 3 }]]));
    const texts = lineTexts(rows);
    expect(texts.slice(0, 3)).toEqual(["1/1 l1", "2/2 l2", "3/3 l3"]);
    expect(texts).toContain("18/18 l18");
    expect(texts).not.toContain("17/17 l17");
    // Below the last hunk (which added a line) the old numbers lag by one.
    expect(texts.slice(-3)).toEqual(["22/23 l22", "23/24 l23", "24/25 l24"]);
    expect(rows.at(-1)).toMatchObject({ kind: "expand", where: "below", hidden: 6 });
  });

  it("side by side pairs removed with added lines", () => {
    const pairs = splitPairs([
      { kind: "ctx", text: "a", oldNo: 1, newNo: 1 },
      { kind: "del", text: "b", oldNo: 2 },
      { kind: "del", text: "c", oldNo: 3 },
      { kind: "add", text: "B", newNo: 2 },
    ]);
    expect(pairs.map((p) => [p.left?.text, p.right?.text])).toEqual([
      ["a", "a"],
      ["b", "B"],
      ["c", undefined],
    ]);
  });

  it("a comment quotes the selected lines as path:range", () => {
    const rows = build();
    const from = rows.findIndex((r) => r.kind === "line" && r.line.text === "l5");
    const to = rows.findIndex((r) => r.kind === "line" && r.line.text === "l6");
    const target = commentTarget(rows, selectedIndices(rows, to, from));
    expect(target).toEqual({ path: "a.ts", range: "5-6", lines: ["-l5", "+L5", " l6"] });
    expect(commentTarget(rows, [from])?.range).toBe("5 (old)");
    expect(withComments("Fix these.", [{ id: "1", ...target!, note: "Why?" }])).toBe(
      "Fix these.\n\nReview comment on the changes:\n\na.ts:5-6\n> -l5\n> +L5\n>  l6\nWhy?",
    );
  });

  it("keys step from hunk to hunk, and back from inside a hunk to the one before", () => {
    const rows = build();
    const headers = rows.flatMap((r, i) => (r.kind === "hunk" ? [i] : []));
    const inSecond = headers[1] + 2;
    expect(stepTarget(rows, 0, "hunk", 1)).toBe(headers[0]);
    expect(stepTarget(rows, headers[0] + 1, "hunk", 1)).toBe(headers[1]);
    expect(stepTarget(rows, inSecond, "hunk", -1)).toBe(headers[0]);
    expect(stepTarget(rows, inSecond, "hunk", 1)).toBeNull();
    expect(hunkAt(rows, inSecond)?.hunk.hash).toBe("h2");
    expect(hunkAt(rows, 0)?.hunk.hash).toBe("h1");
    expect(fileAt(rows, inSecond)?.path).toBe("a.ts");
  });
});

describe("recycled row slots", () => {
  const view = (from: number, to: number, header?: number) =>
    Array.from({ length: to - from }, (_, i) => ({ key: `r${from + i}`, recycle: from + i !== header }));

  it("keeps a row's slot while it stays in view and hands the slots of rows gone to rows come in", () => {
    const slots = new RowSlots();
    const first = slots.keys(view(0, 10));
    expect(new Set(first).size).toBe(10);
    // Scrolled by 4 rows: the 6 rows still in view keep their keys, the 4 new ones take the 4 freed.
    const second = slots.keys(view(4, 14));
    expect(second.slice(0, 6)).toEqual(first.slice(4));
    expect(new Set(second.slice(6))).toEqual(new Set(first.slice(0, 4)));
  });

  it("gives rows that are not recycled (headers) their own key, and never one key to two rows", () => {
    const slots = new RowSlots();
    slots.keys(view(0, 10));
    const keys = slots.keys(view(5, 20, 12));
    expect(keys[7]).toBe("r12");
    expect(new Set(keys).size).toBe(keys.length);
  });
});
