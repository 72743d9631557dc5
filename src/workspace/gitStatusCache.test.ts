import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../../test/helpers/git.js";
import { LocalRuntime } from "../runtime/local.js";
import { type GitStatus, gitStatus, gitStatusAll } from "./gitStatus.js";

// The numstat half of a status (a second git process) is reused while nothing it depends on
// changed; these tests change each of those things and expect fresh figures every time.

let tmp: string;
let repo: string;
let ws: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-gitcache-")));
  repo = makeRepo(path.join(tmp, "repo"), { "a.txt": "one\ntwo\nthree\n", "b.txt": "bee\n" });
  ws = path.join(tmp, "ws");
  gitIn(repo, "worktree", "add", "-q", "-b", "feature", ws, "main");
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const status = () => gitStatus({ id: "w", runtime: new LocalRuntime(ws), base: "main" });
const lines = (s: GitStatus) => [s.linesAdded, s.linesRemoved];
const cacheFile = () => path.resolve(ws, gitIn(ws, "rev-parse", "--git-path", "mux-status-cache"));
/** Leaves the cached figures wrong but their key intact: a later status showing them used the cache. */
function poisonCache() {
  const text = fs.readFileSync(cacheFile(), "utf8");
  fs.writeFileSync(cacheFile(), text.replace(/^\d+ \d+ /, "999 999 "));
}
/** Waits out the file system's timestamp granularity, so the next write is newer than the stamp. */
const tick = () => new Promise((r) => setTimeout(r, 20));

describe("git status numstat reuse", () => {
  it("reuses the figures while nothing changed, and leaves the workspace's files alone", async () => {
    commitFile(ws, "a.txt", "one\ntwo\nthree\nfour\n");
    fs.appendFileSync(path.join(ws, "b.txt"), "more\n");
    await tick(); // an edit in the same timestamp tick as the stamp counts as newer: not reused
    const first = await status();
    expect(lines(first)).toEqual([2, 0]);
    poisonCache();
    expect(lines(await status())).toEqual([999, 999]);
    // Kept in git's own directory for this worktree: nothing shows up in the worktree.
    expect(gitIn(ws, "status", "--porcelain")).toBe("M b.txt");
  });

  it("recounts when a file that was already modified is edited again", async () => {
    fs.appendFileSync(path.join(ws, "b.txt"), "more\n");
    expect(lines(await status())).toEqual([1, 0]);
    poisonCache();
    await tick();
    fs.appendFileSync(path.join(ws, "b.txt"), "and more\nand more\n"); // same status record
    expect(lines(await status())).toEqual([3, 0]);
  });

  it("recounts after a commit, a staged change, a new base commit and a changed base", async () => {
    fs.appendFileSync(path.join(ws, "b.txt"), "more\n");
    expect(lines(await status())).toEqual([1, 0]);

    poisonCache();
    gitIn(ws, "add", "b.txt"); // the index changed, the file did not
    expect(lines(await status())).toEqual([1, 0]);

    poisonCache();
    gitIn(ws, "commit", "-qm", "more"); // HEAD moved
    expect(lines(await status())).toEqual([1, 0]);

    poisonCache();
    commitFile(repo, "c.txt", "sea\n"); // base moved: behind 1, same merge-base diff
    const s = await status();
    expect([s.behind, ...lines(s)]).toEqual([1, 1, 0]);

    poisonCache();
    const other = await gitStatus({ id: "w", runtime: new LocalRuntime(ws), base: "feature~1" });
    expect(lines(other)).toEqual([1, 0]);
  });

  it("recounts a file deleted or renamed after the figures were cached", async () => {
    fs.appendFileSync(path.join(ws, "b.txt"), "more\n");
    await status();
    poisonCache();
    fs.rmSync(path.join(ws, "a.txt"));
    expect(lines(await status())).toEqual([1, 3]);
    poisonCache();
    gitIn(ws, "add", "-A");
    gitIn(ws, "mv", "b.txt", "renamed.txt");
    const s = await status();
    expect(s.error).toBeUndefined();
    expect(lines(s)).not.toEqual([999, 999]);
  });

  it("batched statuses use the same cache per workspace", async () => {
    const ws2 = path.join(tmp, "ws2");
    gitIn(repo, "worktree", "add", "-q", "-b", "second", ws2, "main");
    fs.appendFileSync(path.join(ws, "b.txt"), "x\n");
    fs.appendFileSync(path.join(ws2, "a.txt"), "y\ny\n");
    const targets = [ws, ws2].map((dir, i) => ({ id: `w${i}`, runtime: new LocalRuntime(dir), base: "main" }));
    const first = await gitStatusAll(targets);
    expect([...first.values()].map(lines)).toEqual([
      [1, 0],
      [2, 0],
    ]);
    await tick();
    fs.appendFileSync(path.join(ws2, "a.txt"), "z\n");
    const second = await gitStatusAll(targets);
    expect([...second.values()].map(lines)).toEqual([
      [1, 0],
      [3, 0],
    ]);
  });
});
