import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { globTool as tool } from "./glob.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
  for (const f of ["src/b.ts", "src/a.ts", "src/deep/c.ts", "src/deep/d.js", "README.md", ".env", ".github/ci.yml"]) await ws.write(f, "x");
  for (const f of ["node_modules/zod/index.ts", ".git/HEAD", "src/node_modules/dep/e.ts"]) await ws.write(f, "x");
});
afterEach(async () => {
  await ws.cleanup();
});

describe("glob", () => {
  it("matches recursively, sorted, skipping .git and node_modules", async () => {
    expect(await ws.run(tool, { pattern: "**/*.ts" })).toEqual({
      files: ["src/a.ts", "src/b.ts", "src/deep/c.ts"],
      truncated: false,
    });
    expect((await ws.run(tool, { pattern: "**" })).files).toEqual([
      ".env",
      ".github/ci.yml",
      "README.md",
      "src/a.ts",
      "src/b.ts",
      "src/deep/c.ts",
      "src/deep/d.js",
    ]);
  });

  it("searches node_modules or .git when the pattern names them", async () => {
    expect((await ws.run(tool, { pattern: "node_modules/**/*.ts" })).files).toEqual(["node_modules/zod/index.ts"]);
    expect((await ws.run(tool, { pattern: "**/node_modules/**" })).files).toEqual(["node_modules/zod/index.ts", "src/node_modules/dep/e.ts"]);
    expect((await ws.run(tool, { pattern: ".git/*" })).files).toEqual([".git/HEAD"]);
  });

  it("is relative to path, supports braces, literals and ./", async () => {
    expect(await ws.run(tool, { pattern: "*.{ts,js}", path: "src/deep" })).toEqual({ files: ["c.ts", "d.js"], truncated: false });
    expect((await ws.run(tool, { pattern: "./src/*.ts" })).files).toEqual(["src/a.ts", "src/b.ts"]);
    expect((await ws.run(tool, { pattern: "README.md" })).files).toEqual(["README.md"]);
    expect((await ws.run(tool, { pattern: "*.md", path: path.join(ws.root, "src") })).files).toEqual([]);
  });

  it("caps results at 1000 and says so", async () => {
    await Promise.all(Array.from({ length: 1005 }, (_, i) => ws.write(`many/f${String(i).padStart(4, "0")}.txt`, "")));
    const r = await ws.run(tool, { pattern: "many/*.txt" });
    expect(r.files).toHaveLength(1000);
    expect(r.truncated).toBe(true);
    expect(r.note).toContain("more than 1000 files match");
  });

  it("refuses bad directories and escapes", async () => {
    await expect(ws.run(tool, { pattern: "*", path: "missing" })).rejects.toThrow(/directory not found/);
    await expect(ws.run(tool, { pattern: "*", path: "README.md" })).rejects.toThrow(/is a file/);
    await expect(ws.run(tool, { pattern: "../*" })).rejects.toThrow(/must not contain/);
    await expect(ws.run(tool, { pattern: "*", path: os.tmpdir() })).rejects.toThrow(/outside the workspace root/);
  });

  it("lists symlinks without descending them, unless the pattern names one inside the workspace", async () => {
    await fs.symlink(path.join(ws.root, "src/deep"), path.join(ws.root, "deep-link"));
    await fs.symlink(os.tmpdir(), path.join(ws.root, "tmp-link"));
    expect((await ws.run(tool, { pattern: "**/*.ts" })).files).toEqual(["src/a.ts", "src/b.ts", "src/deep/c.ts"]);
    expect((await ws.run(tool, { pattern: "*-link" })).files).toEqual(["deep-link", "tmp-link"]);
    expect((await ws.run(tool, { pattern: "deep-link/*.ts" })).files).toEqual(["deep-link/c.ts"]);
    await expect(ws.run(tool, { pattern: "tmp-link/**" })).rejects.toThrow(/outside the workspace root/);
  });
});
