import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileWriteTool as tool } from "./fileWrite.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("file_write", () => {
  it("creates files with parent directories", async () => {
    const r = await ws.run(tool, { path: "deep/er/new.txt", content: "héllo\n" });
    expect(r).toEqual({ path: "deep/er/new.txt", bytes: 7, created: true });
    expect(await ws.read("deep/er/new.txt")).toBe("héllo\n");
  });

  it("overwrites and returns a diff", async () => {
    await ws.write("a.txt", "one\ntwo\n");
    const r = await ws.run(tool, { path: path.join(ws.root, "a.txt"), content: "one\n2\n" });
    expect(r).toMatchObject({ path: "a.txt", created: false, linesAdded: 1, linesRemoved: 1 });
    expect(r.diff).toContain("-two\n+2\n");
    expect(await ws.read("a.txt")).toBe("one\n2\n");
  });

  it("refuses directories and paths escaping the workspace", async () => {
    await fs.mkdir(path.join(ws.root, "d"));
    await expect(ws.run(tool, { path: "d", content: "x" })).rejects.toThrow(/is a directory/);
    await expect(ws.run(tool, { path: "../escape.txt", content: "x" })).rejects.toThrow(/outside the workspace root/);
    await fs.symlink(path.dirname(ws.root), path.join(ws.root, "up"));
    await expect(ws.run(tool, { path: "up/escape.txt", content: "x" })).rejects.toThrow(/outside the workspace root/);
    await expect(fs.access(path.join(path.dirname(ws.root), "escape.txt"))).rejects.toThrow();
  });

  it("reports a parent that is a file as a tool error", async () => {
    await ws.write("file", "x");
    await expect(ws.run(tool, { path: "file/child.txt", content: "x" })).rejects.toThrow(/could not write file\/child\.txt/);
  });
});
