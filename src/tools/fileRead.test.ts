import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileReadTool } from "./fileRead.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("file_read", () => {
  it("numbers lines like cat -n", async () => {
    await ws.write("a.txt", "first\nsecond\r\n\tthird\n");
    const r = await ws.run(fileReadTool, { path: "a.txt" });
    expect(r).toEqual({
      path: "a.txt",
      content: "     1\tfirst\n     2\tsecond\n     3\t\tthird",
      totalLines: 3,
      startLine: 1,
      endLine: 3,
      truncated: false,
    });
  });

  it("reads a window with offset and limit and says how to continue", async () => {
    await ws.write("n.txt", Array.from({ length: 10 }, (_, i) => `line${i + 1}`).join("\n"));
    const r = await ws.run(fileReadTool, { path: "n.txt", offset: 4, limit: 2 });
    expect(r).toMatchObject({ content: "     4\tline4\n     5\tline5", startLine: 4, endLine: 5, totalLines: 10, truncated: true });
    expect(r.note).toContain("use offset 6");
    const tail = await ws.run(fileReadTool, { path: "n.txt", offset: 9 });
    expect(tail).toMatchObject({ endLine: 10, truncated: false });
    await expect(ws.run(fileReadTool, { path: "n.txt", offset: 11 })).rejects.toThrow(/past the end.*10 lines/);
  });

  it("defaults to 2000 lines and cuts very long lines with a marker", async () => {
    await ws.write("big.txt", `${Array.from({ length: 2500 }, (_, i) => String(i + 1)).join("\n")}\n`);
    const r = await ws.run(fileReadTool, { path: "big.txt" });
    expect(r).toMatchObject({ endLine: 2000, totalLines: 2500, truncated: true });
    await ws.write("long.txt", `${"y".repeat(5000)}\nshort\n`);
    const l = await ws.run(fileReadTool, { path: "long.txt" });
    expect(l.content).toContain(`${"y".repeat(2000)}… [line truncated: 5000 characters]`);
    expect(l.content).not.toContain("y".repeat(2001));
    expect(l.truncated).toBe(true);
  });

  it("reads an empty file", async () => {
    await ws.write("empty.txt", "");
    expect(await ws.run(fileReadTool, { path: "empty.txt" })).toMatchObject({ content: "", totalLines: 0, truncated: false });
  });

  it("refuses binary files, directories and missing files with actionable errors", async () => {
    await ws.write("bin.dat", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    await expect(ws.run(fileReadTool, { path: "bin.dat" })).rejects.toThrow(/binary file/);
    await fs.mkdir(path.join(ws.root, "dir"));
    await expect(ws.run(fileReadTool, { path: "dir" })).rejects.toThrow(/is a directory; use glob/);
    await expect(ws.run(fileReadTool, { path: "nope.txt" })).rejects.toThrow(/file not found: nope.txt/);
  });

  it("refuses paths outside the workspace", async () => {
    await expect(ws.run(fileReadTool, { path: "../../etc/passwd" })).rejects.toThrow(/outside the workspace root/);
    await fs.symlink("/etc", path.join(ws.root, "etc-link"));
    await expect(ws.run(fileReadTool, { path: "etc-link/hostname" })).rejects.toThrow(/outside the workspace root/);
  });

  it("requires offset/limit for files over 10 MB and then streams just that range", async () => {
    const line = `${"z".repeat(99)}\n`;
    await ws.write("huge.log", `${line.repeat(110_000)}last line\n`);
    await expect(ws.run(fileReadTool, { path: "huge.log" })).rejects.toThrow(/over the 10\.0 MB limit.*offset and limit/);
    const r = await ws.run(fileReadTool, { path: "huge.log", offset: 110_000, limit: 5 });
    expect(r).toMatchObject({ startLine: 110_000, endLine: 110_001, totalLines: 110_001, truncated: false });
    expect(r.content).toBe(`110000\t${"z".repeat(99)}\n110001\tlast line`);
  });
});
