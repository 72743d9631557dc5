import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { tempDirs } from "../../test/helpers/mux.js";
import { LocalRuntime } from "../runtime/local.js";
import { loadInstructions } from "./systemPrompt.js";

describe("loadInstructions", () => {
  const dirs = tempDirs();
  afterAll(dirs.cleanup);
  afterEach(() => {
    for (const dir of [dirs.muxRoot, dirs.workspace]) for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
  });

  it("reads the user's file, then AGENTS.md (CLAUDE.md only without it), then AGENTS.local.md", async () => {
    fs.writeFileSync(path.join(dirs.muxRoot, "AGENTS.md"), "user\n");
    fs.writeFileSync(path.join(dirs.workspace, "AGENTS.md"), "project");
    fs.writeFileSync(path.join(dirs.workspace, "CLAUDE.md"), "claude");
    fs.writeFileSync(path.join(dirs.workspace, "AGENTS.local.md"), "local");
    const runtime = new LocalRuntime(dirs.workspace);
    expect((await loadInstructions(runtime, dirs.muxRoot)).map((f) => f.text)).toEqual(["user", "project", "local"]);
    fs.rmSync(path.join(dirs.workspace, "AGENTS.md"));
    const found = await loadInstructions(runtime, dirs.muxRoot);
    expect(found.map((f) => [path.basename(f.source), f.text])).toEqual([
      ["AGENTS.md", "user"],
      ["CLAUDE.md", "claude"],
      ["AGENTS.local.md", "local"],
    ]);
  });

  it("skips missing and blank files", async () => {
    fs.writeFileSync(path.join(dirs.workspace, "AGENTS.md"), "  \n");
    fs.writeFileSync(path.join(dirs.workspace, "CLAUDE.md"), "claude");
    expect(await loadInstructions(new LocalRuntime(dirs.workspace), dirs.muxRoot)).toEqual([
      { source: path.join(dirs.workspace, "CLAUDE.md"), text: "claude" },
    ]);
  });
});
