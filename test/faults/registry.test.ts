import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";

/**
 * Many `mux` processes writing the registry (config.json) at the same moment: every write is
 * kept, and the file is whole JSON afterwards.
 */

const WRITERS = 16;
let dirs: ReturnType<typeof tempDirs>;
beforeEach(() => {
  dirs = tempDirs();
});
afterEach(() => dirs.cleanup());

it(`${WRITERS} processes creating workspaces at once: every one is registered`, async () => {
  const repo = makeRepo(path.join(dirs.base, "app"));
  const env = { MUX_ROOT: dirs.muxRoot };
  const results = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) => runMux(["workspace", "create", `w${i}`, "--runtime", "local", "--project", repo, "--json"], { env })),
  );
  for (const r of results) expect(r.code, r.stderr).toBe(0);
  const registry = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));
  const names = JSON.stringify(registry);
  const kept = Array.from({ length: WRITERS }, (_, i) => `w${i}`).filter((n) => names.includes(`"${n}"`));
  console.log(`registry writers: ${kept.length} of ${WRITERS} writes kept`);
  expect(kept.length).toBe(WRITERS);
  const list = await runMux(["workspace", "list", "--json", "--project", repo], { env });
  expect(JSON.parse(list.stdout)).toHaveLength(WRITERS);
}, 120_000);
