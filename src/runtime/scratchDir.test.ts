import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scratchDirFor, sweepOld } from "./scratchDir.js";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mux-scratch-test-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("scratchDirFor", () => {
  it("gives every run in a workspace the same private directory, and other workspaces another", async () => {
    const a1 = await scratchDirFor("/work/app", tmp);
    const a2 = await scratchDirFor("/work/app", tmp);
    const b = await scratchDirFor("/other/app", tmp);
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(path.basename(a1)).toMatch(/^app-[0-9a-f]{12}$/);
    expect(fs.statSync(path.dirname(a1)).mode & 0o777).toBe(0o700);
  });

  it("refuses a per-user directory that others can write to", async () => {
    const base = path.join(tmp, `mux-${process.getuid?.() ?? "user"}`);
    fs.mkdirSync(base, { mode: 0o777 });
    fs.chmodSync(base, 0o777);
    await expect(scratchDirFor("/work/app", tmp)).rejects.toThrow(/not a private directory/);
  });
});

describe("sweepOld", () => {
  it("removes saved output past the retention period and the directories it leaves empty", async () => {
    const keep = path.join(tmp, "ws-1");
    const gone = path.join(tmp, "ws-2");
    fs.mkdirSync(keep);
    fs.mkdirSync(gone);
    const old = Date.now() / 1000 - 30 * 24 * 3600;
    for (const f of [path.join(keep, "old.txt"), path.join(gone, "old.txt")]) {
      fs.writeFileSync(f, "x");
      fs.utimesSync(f, old, old);
    }
    fs.writeFileSync(path.join(keep, "new.txt"), "y");
    for (const d of [keep, gone]) fs.utimesSync(d, old, old);
    // A directory a run has just made holds nothing yet, and is in use.
    const fresh = path.join(tmp, "ws-3");
    fs.mkdirSync(fresh);
    await sweepOld(tmp, Date.now() - 7 * 24 * 3600 * 1000);
    expect(fs.readdirSync(keep)).toEqual(["new.txt"]);
    expect(fs.existsSync(gone)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });
});
