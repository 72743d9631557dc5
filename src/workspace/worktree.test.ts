import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitIn, makeRepo } from "../../test/helpers/git.js";
import { RACY_GIT_WINDOW_MS, addWorktree, settleIndex, worktreeAddLock, worktreeHealth, worktreeHealthAll } from "./worktree.js";

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-worktree-")));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Index entries git must re-read on every status: "racily clean" ones, whose file mtime is not
 * older than the index file itself (git compares whole seconds here).
 */
function racyEntries(worktree: string): string[] {
  const indexFile = path.resolve(worktree, gitIn(worktree, "rev-parse", "--git-path", "index"));
  const indexSec = Math.floor(fs.statSync(indexFile).mtimeMs / 1000);
  const racy: string[] = [];
  let name = "";
  for (const line of gitIn(worktree, "ls-files", "--debug").split("\n")) {
    const mtime = /^\s+mtime: (\d+):/.exec(line);
    if (!line.startsWith(" ")) name = line;
    else if (mtime && Number(mtime[1]) >= indexSec) racy.push(name);
  }
  return racy;
}

describe("addWorktree", () => {
  it("waits while another process is adding a worktree to the same repository", async () => {
    const repo = makeRepo(path.join(tmp, "repo"), { "a.txt": "a\n" });
    const lock = await worktreeAddLock(repo);
    expect(path.dirname(lock)).toBe(path.join(repo, ".git"));
    // Another live process holds the lock (the harness's parent stands in for it).
    fs.writeFileSync(lock, String(process.ppid));
    const wt = path.join(tmp, "wt");
    let done = false;
    const adding = addWorktree(repo, wt, "feature", "main").then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(fs.existsSync(wt)).toBe(false);
    fs.rmSync(lock);
    await adding;
    expect(gitIn(wt, "branch", "--show-current")).toBe("feature");
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe("settleIndex", () => {
  it("leaves a fresh worktree's index with real stat data, so status stops re-reading every file", async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`src/f${i}.ts`, `export const x${i} = ${i};\n`]));
    const repo = makeRepo(path.join(tmp, "repo"), files);
    const wt = path.join(tmp, "wt");
    await addWorktree(repo, wt, "feature", "main");
    // Its index was written in the same second as its files (unless the second rolled over):
    // every status compares their contents until the index is written again.
    await new Promise((r) => setTimeout(r, RACY_GIT_WINDOW_MS));
    fs.appendFileSync(path.join(wt, "src/f1.ts"), "// edited\n");
    await settleIndex(wt);
    expect(racyEntries(wt)).toEqual([]);
    // The edit is still an edit: refreshing stat data does not stage anything.
    expect(gitIn(wt, "status", "--porcelain")).toBe("M src/f1.ts");
  });

  it("does nothing (and does not throw) when the index is locked or the worktree is gone", async () => {
    const repo = makeRepo(path.join(tmp, "repo"));
    const wt = path.join(tmp, "wt");
    await addWorktree(repo, wt, "feature", "main");
    const gitDir = gitIn(wt, "rev-parse", "--git-dir");
    fs.writeFileSync(path.join(gitDir, "index.lock"), "");
    await expect(settleIndex(wt)).resolves.toBeUndefined();
    expect(fs.existsSync(path.join(gitDir, "index.lock"))).toBe(true); // someone else's lock: untouched
    fs.rmSync(wt, { recursive: true, force: true });
    await expect(settleIndex(wt)).resolves.toBeUndefined();
  });
});

describe("worktreeHealthAll", () => {
  it("tells apart healthy worktrees and ones deleted, replaced or left without their branch by hand", async () => {
    const repo = makeRepo(path.join(tmp, "repo"));
    const wt = (name: string) => path.join(tmp, "wt", name);
    for (const name of ["ok", "deleted", "replaced", "nobranch", "unregistered"]) await addWorktree(repo, wt(name), name, "main");
    fs.rmSync(wt("deleted"), { recursive: true, force: true });
    fs.rmSync(wt("replaced"), { recursive: true, force: true });
    makeRepo(wt("replaced"));
    gitIn(repo, "update-ref", "-d", "refs/heads/nobranch");
    gitIn(repo, "worktree", "remove", "--force", wt("unregistered"));
    fs.mkdirSync(wt("unregistered"));
    const names = ["ok", "deleted", "replaced", "nobranch", "unregistered"];
    const health = await worktreeHealthAll(
      repo,
      names.map((name) => ({ worktreePath: wt(name), branch: name })),
    );
    expect(Object.fromEntries(names.map((n, i) => [n, health[i]]))).toEqual({
      ok: "ok",
      deleted: "missing-worktree",
      replaced: "missing-worktree",
      nobranch: "missing-branch",
      unregistered: "missing-worktree",
    });
    // The same answers as checking each one alone.
    const alone = await Promise.all(names.map((n) => worktreeHealth(repo, wt(n), n)));
    expect(alone).toEqual(health);
  });
});
