import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./diff.js";

describe("unifiedDiff", () => {
  it("produces a hunk with context and counts", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\nh\n";
    const after = "a\nb\nc\nD\ne\nf\ng\nh\n";
    const d = unifiedDiff("x.txt", before, after);
    expect(d).toEqual({
      diff: "--- a/x.txt\n+++ b/x.txt\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n",
      linesAdded: 1,
      linesRemoved: 1,
    });
  });

  it("splits distant changes into separate hunks and handles pure insertions", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i + 1}`);
    const after = [...lines.slice(0, 2), "new", ...lines.slice(2, 25), ...lines.slice(26)];
    const d = unifiedDiff("f", `${lines.join("\n")}\n`, `${after.join("\n")}\n`);
    expect(d.diff).toContain("@@ -1,5 +1,6 @@\n l1\n l2\n+new\n l3\n");
    expect(d.diff).toContain("@@ -23,7 +24,6 @@");
    expect(d).toMatchObject({ linesAdded: 1, linesRemoved: 1 });
  });

  it("marks a missing final newline and reports no diff for identical text", () => {
    expect(unifiedDiff("f", "a\n", "a").diff).toBe("--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n+a\n\\ No newline at end of file\n");
    expect(unifiedDiff("f", "same", "same")).toEqual({ diff: "", linesAdded: 0, linesRemoved: 0 });
    expect(unifiedDiff("f", "", "x\n").diff).toContain("@@ -0,0 +1,1 @@\n+x\n");
  });
});
