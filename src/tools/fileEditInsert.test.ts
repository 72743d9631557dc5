import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileEditInsertTool as tool } from "./fileEditInsert.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("file_edit_insert", () => {
  it("inserts at the top, in the middle and at the end", async () => {
    await ws.write("f.txt", "a\nb\nc\n");
    const top = await ws.run(tool, { path: "f.txt", insert_after_line: 0, content: "top" });
    expect(await ws.read("f.txt")).toBe("top\na\nb\nc\n");
    expect(top).toMatchObject({ path: "f.txt", created: false, linesAdded: 1, linesRemoved: 0 });
    expect(top.diff).toContain("@@ -1,3 +1,4 @@\n+top\n a\n");
    await ws.run(tool, { path: "f.txt", insert_after_line: 2, content: "mid1\nmid2\n" });
    expect(await ws.read("f.txt")).toBe("top\na\nmid1\nmid2\nb\nc\n");
    await ws.run(tool, { path: "f.txt", insert_after_line: 6, content: "end" });
    expect(await ws.read("f.txt")).toBe("top\na\nmid1\nmid2\nb\nc\nend\n");
  });

  it("appends to a file without a final newline and keeps it that way", async () => {
    await ws.write("g.txt", "a\nb");
    await ws.run(tool, { path: "g.txt", insert_after_line: 2, content: "c\n" });
    expect(await ws.read("g.txt")).toBe("a\nb\nc");
  });

  it("follows the file's CRLF line endings", async () => {
    await ws.write("w.txt", "a\r\nb\r\n");
    await ws.run(tool, { path: "w.txt", insert_after_line: 1, content: "x\ny" });
    expect(await ws.read("w.txt")).toBe("a\r\nx\r\ny\r\nb\r\n");
  });

  it("refuses a line past the end, saying how to append", async () => {
    await ws.write("f.txt", "a\nb\n");
    await expect(ws.run(tool, { path: "f.txt", insert_after_line: 3, content: "x" })).rejects.toThrow(/has 2 lines; use 2 to append/);
  });

  it("creates a missing file only when inserting at line 0", async () => {
    await expect(ws.run(tool, { path: "new/n.txt", insert_after_line: 1, content: "x" })).rejects.toThrow(/file not found/);
    const r = await ws.run(tool, { path: "new/n.txt", insert_after_line: 0, content: "hello\n" });
    expect(r.created).toBe(true);
    expect(await ws.read("new/n.txt")).toBe("hello\n");
  });
});
