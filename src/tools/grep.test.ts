import { spawnSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { grepFallback, grepRipgrep, grepTool as tool, hasRipgrep, type GrepOptions } from "./grep.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";

const rgInstalled = spawnSync("sh", ["-c", "command -v rg"]).status === 0;

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
  await ws.write("src/a.ts", "const alpha = 1;\n// TODO fix alpha\nexport {}\n");
  await ws.write("src/sub/b.js", "let Alpha = 2;\r\nalphabet();\n");
  await ws.write("docs/notes.md", "alpha notes\n");
  await ws.write("node_modules/dep/index.js", "alpha in dependency\n");
  await ws.write(".git/config", "alpha in git\n");
  await ws.write("image.bin", Buffer.concat([Buffer.from("alpha"), Buffer.from([0, 1, 2])]));
  await ws.write("huge.txt", `alpha\n${"x".repeat(3 * 1024 * 1024)}\n`);
  await ws.write("file with spaces.txt", "alpha -e 'quoted'\n");
});
afterEach(async () => {
  await ws.cleanup();
});

const opts = (o: Partial<GrepOptions>): GrepOptions => ({ pattern: "alpha", target: ws.root, maxResults: 200, ...o });

// Both engines must agree on what the model sees.
const engines = [
  { name: "fallback", run: grepFallback, skip: false },
  { name: "ripgrep", run: grepRipgrep, skip: !rgInstalled },
];

describe.each(engines)("grep engine: $name", ({ run, skip }) => {
  it.skipIf(skip)("finds matches with root-relative paths, skipping .git, node_modules, binary and huge files", async () => {
    expect(await run(ws.runtime, opts({}))).toEqual({
      matches: [
        { file: "docs/notes.md", line: 1, text: "alpha notes" },
        { file: "file with spaces.txt", line: 1, text: "alpha -e 'quoted'" },
        { file: "src/a.ts", line: 1, text: "const alpha = 1;" },
        { file: "src/a.ts", line: 2, text: "// TODO fix alpha" },
        { file: "src/sub/b.js", line: 2, text: "alphabet();" },
      ],
      truncated: false,
    });
  });

  it.skipIf(skip)("supports ignore case, a glob filter, a sub path, a single file and regexes", async () => {
    const ci = await run(ws.runtime, opts({ ignoreCase: true, glob: "*.js" }));
    expect(ci.matches).toEqual([
      { file: "src/sub/b.js", line: 1, text: "let Alpha = 2;" },
      { file: "src/sub/b.js", line: 2, text: "alphabet();" },
    ]);
    const scoped = await run(ws.runtime, opts({ glob: "src/sub/*.js", target: path.join(ws.root, "src") }));
    expect(scoped.matches.map((m) => `${m.file}:${m.line}`)).toEqual(["src/sub/b.js:2"]);
    const sub = await run(ws.runtime, opts({ pattern: "^(const|let) \\w+", target: path.join(ws.root, "src") }));
    expect(sub.matches.map((m) => `${m.file}:${m.line}`)).toEqual(["src/a.ts:1", "src/sub/b.js:1"]);
    const one = await run(ws.runtime, opts({ pattern: "-e '", target: path.join(ws.root, "file with spaces.txt") }));
    expect(one.matches).toEqual([{ file: "file with spaces.txt", line: 1, text: "alpha -e 'quoted'" }]);
  });

  it.skipIf(skip)("stops at max results and reports truncation", async () => {
    expect(await run(ws.runtime, opts({ maxResults: 2 }))).toEqual({
      matches: [
        { file: "docs/notes.md", line: 1, text: "alpha notes" },
        { file: "file with spaces.txt", line: 1, text: "alpha -e 'quoted'" },
      ],
      truncated: true,
    });
  });

  it.skipIf(skip)("never reads outside the workspace through a symlinked file or directory", async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), "mux-grep-outside-"));
    try {
      await fs.writeFile(path.join(outside, "secret.txt"), "alpha OUTSIDE-SECRET\n");
      await fs.symlink(path.join(outside, "secret.txt"), path.join(ws.root, "link-to-file.txt"));
      await fs.symlink(outside, path.join(ws.root, "link-to-dir"));
      const r = await run(ws.runtime, opts({}));
      expect(JSON.stringify(r)).not.toContain("OUTSIDE-SECRET");
      expect(r.matches.map((m) => m.file)).not.toContain("link-to-file.txt");
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it.skipIf(skip)("reports an invalid regex as a tool error", async () => {
    await expect(run(ws.runtime, opts({ pattern: "(unclosed" }))).rejects.toThrow(/regex/);
  });
});

describe("grep tool", () => {
  it("uses ripgrep when the runtime has it and validates the path", async () => {
    expect(await hasRipgrep(ws.runtime)).toBe(rgInstalled);
    const r = await ws.run(tool, { pattern: "todo", ignore_case: true, path: "src" });
    expect(r).toEqual({ matches: [{ file: "src/a.ts", line: 2, text: "// TODO fix alpha" }], truncated: false });
    const capped = await ws.run(tool, { pattern: "alpha", max_results: 1 });
    expect(capped).toMatchObject({ truncated: true, note: expect.stringContaining("stopped after 1 matches") });
    await expect(ws.run(tool, { pattern: "x", path: "missing" })).rejects.toThrow(/path not found/);
    await expect(ws.run(tool, { pattern: "x", path: "../" })).rejects.toThrow(/outside the workspace root/);
  });
});
