import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileEditReplaceStringTool as tool } from "./fileEditReplaceString.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

const SRC = "function a() {\n  return 1;\n}\n\nfunction b() {\n  return 1;\n}\n";

describe("file_edit_replace_string", () => {
  it("replaces a unique match and returns a diff", async () => {
    await ws.write("src/x.ts", SRC);
    const r = await ws.run(tool, { path: "src/x.ts", old_string: "function b() {\n  return 1;", new_string: "function b() {\n  return 2;" });
    expect(await ws.read("src/x.ts")).toBe(SRC.replace("return 1;\n}\n\n", "return 1;\n}\n\n").replace(/return 1;\n}\n$/, "return 2;\n}\n"));
    expect(r).toMatchObject({ path: "src/x.ts", replacements: 1, linesAdded: 1, linesRemoved: 1 });
    expect(r.diff).toContain("--- a/src/x.ts\n+++ b/src/x.ts\n@@ -3,5 +3,5 @@");
    expect(r.diff).toContain("-  return 1;\n+  return 2;\n }");
  });

  it("errors on zero matches, hinting at a whitespace-only difference", async () => {
    await ws.write("x.ts", SRC);
    await expect(ws.run(tool, { path: "x.ts", old_string: "function a() {\n    return 1;", new_string: "z" })).rejects.toThrow(
      /not found in x\.ts\. Text that differs only in whitespace .* at line 1/s,
    );
    await expect(ws.run(tool, { path: "x.ts", old_string: "nothing like it", new_string: "z" })).rejects.toThrow(/Re-read the file/);
    await expect(ws.run(tool, { path: "x.ts", old_string: "     2\t  return 1;", new_string: "z" })).rejects.toThrow(/line-number prefixes/);
    expect(await ws.read("x.ts")).toBe(SRC);
  });

  it("errors on several matches unless replace_count equals their number (or is -1)", async () => {
    await ws.write("x.ts", SRC);
    await expect(ws.run(tool, { path: "x.ts", old_string: "return 1;", new_string: "return 3;" })).rejects.toThrow(
      /occurs 2 times in x\.ts \(lines 2, 6\).*set replace_count to 2/,
    );
    await expect(ws.run(tool, { path: "x.ts", old_string: "return 1;", new_string: "return 3;", replace_count: 3 })).rejects.toThrow(
      /replace_count is 3 but old_string occurs 2 times/,
    );
    expect(await ws.read("x.ts")).toBe(SRC);
    const r = await ws.run(tool, { path: "x.ts", old_string: "return 1;", new_string: "return 3;", replace_count: 2 });
    expect(r).toMatchObject({ replacements: 2, linesAdded: 2, linesRemoved: 2 });
    expect(await ws.read("x.ts")).toBe(SRC.replaceAll("return 1;", "return 3;"));
    await ws.run(tool, { path: "x.ts", old_string: "return 3;", new_string: "return 4;", replace_count: -1 });
    expect(await ws.read("x.ts")).toBe(SRC.replaceAll("return 1;", "return 4;"));
  });

  it("matches LF old_string in a CRLF file and keeps CRLF", async () => {
    await ws.write("w.txt", "one\r\ntwo\r\nthree\r\n");
    await ws.run(tool, { path: "w.txt", old_string: "one\ntwo", new_string: "uno\ndos" });
    expect(await ws.read("w.txt")).toBe("uno\r\ndos\r\nthree\r\n");
  });

  it("edits a symlinked file in place, keeping the link", async () => {
    await ws.write("real.txt", "hello\n");
    await fs.symlink("real.txt", path.join(ws.root, "link.txt"));
    await ws.run(tool, { path: "link.txt", old_string: "hello", new_string: "bye" });
    expect((await fs.lstat(path.join(ws.root, "link.txt"))).isSymbolicLink()).toBe(true);
    expect(await ws.read("real.txt")).toBe("bye\n");
  });

  it("refuses missing files, binary files, no-op edits and paths outside the workspace", async () => {
    await expect(ws.run(tool, { path: "nope.ts", old_string: "a", new_string: "b" })).rejects.toThrow(/file not found.*file_write/);
    await ws.write("b.bin", Buffer.from([1, 0, 2]));
    await expect(ws.run(tool, { path: "b.bin", old_string: "a", new_string: "b" })).rejects.toThrow(/binary/);
    await ws.write("s.txt", "same");
    await expect(ws.run(tool, { path: "s.txt", old_string: "same", new_string: "same" })).rejects.toThrow(/identical/);
    await expect(ws.run(tool, { path: "../s.txt", old_string: "a", new_string: "b" })).rejects.toThrow(/outside the workspace/);
  });
});
