import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../../test/helpers/git.js";
import { LocalRuntime } from "../runtime/local.js";
import {
  changedPaths,
  type DiffBase,
  type DiffResult,
  EMPTY_TREE,
  type Fingerprint,
  updateDiff,
  watchFingerprints,
  workspaceDiff,
  worktreeFingerprint,
} from "./gitDiff.js";
import { parsePatch } from "./parse.js";
import { revertChange } from "./revert.js";

let base: string;
let repo: string;
let rt: LocalRuntime;
const write = (name: string, content: string | Buffer) => {
  fs.mkdirSync(path.dirname(path.join(repo, name)), { recursive: true });
  fs.writeFileSync(path.join(repo, name), content);
};
const read = (name: string) => fs.readFileSync(path.join(repo, name), "utf8");
const numbered = (n: number, tag = "") => `${Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join("\n")}\n`;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-review-"));
  repo = makeRepo(path.join(base, "repo"), {
    "keep.txt": numbered(40),
    "gone.txt": "bye\n",
    "old-name.txt": numbered(12, " of a file that moves"),
    "logo.bin": Buffer.from([0, 1, 2, 3, 255, 0, 7]).toString("latin1"),
  });
  rt = new LocalRuntime(repo, "worktree");
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

const byPath = async (sha: DiffBase, untracked = true) => {
  const d = await workspaceDiff(rt, sha, { untracked });
  return new Map(d.files.map((f) => [f.file.path, f]));
};

describe("workspaceDiff against real git", () => {
  it("shows committed, uncommitted and untracked changes: modified, renamed, deleted, binary and new files", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "committed.txt", "from a commit\n");
    write("keep.txt", numbered(40).replace("line 3\n", "line three\n"));
    gitIn(repo, "mv", "old-name.txt", "new-name.txt");
    fs.rmSync(path.join(repo, "gone.txt"));
    write("logo.bin", Buffer.from([0, 9, 9, 9, 255, 0, 7]));
    write("notes/untracked.md", "# notes\nsecond\n");
    const sha: DiffBase = { mergeBaseOf: "main" };
    const files = await byPath(sha);

    expect(files.get("committed.txt")?.file).toMatchObject({ status: "added", added: 1, removed: 0, untracked: false, hunks: 1 });
    expect(files.get("keep.txt")?.file).toMatchObject({ status: "modified", added: 1, removed: 1 });
    expect(files.get("keep.txt")?.hunks[0].lines).toEqual([" line 1", " line 2", "-line 3", "+line three", " line 4", " line 5", " line 6"]);
    expect(files.get("new-name.txt")?.file).toMatchObject({ status: "renamed", oldPath: "old-name.txt", added: 0, removed: 0 });
    expect(files.get("new-name.txt")?.hunks[0]).toMatchObject({ meta: true, lines: expect.arrayContaining(["rename from old-name.txt"]) });
    expect(files.get("gone.txt")?.file).toMatchObject({ status: "deleted", removed: 1 });
    expect(files.get("logo.bin")?.file).toMatchObject({ status: "modified", binary: true, hunks: 1 });
    expect(files.get("logo.bin")?.hunks[0].lines.join("\n")).toMatch(/Binary files .* differ/);
    expect(files.get("notes/untracked.md")?.file).toMatchObject({ status: "added", untracked: true, added: 2 });
    // The real index is untouched: the untracked file is still untracked.
    expect(gitIn(repo, "status", "--porcelain", "notes")).toBe("?? notes/");
  });

  it("leaves untracked files out when asked", async () => {
    write("scratch.txt", "tmp\n");
    write("keep.txt", `${numbered(40)}more\n`);
    const files = await byPath({ head: true }, false);
    expect([...files.keys()]).toEqual(["keep.txt"]);
  });

  it("a base of HEAD shows uncommitted changes only; a branch's merge-base leaves out what that branch did since", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "feature.txt", "feature\n");
    gitIn(repo, "checkout", "-q", "main");
    commitFile(repo, "later-on-main.txt", "main moved on\n");
    gitIn(repo, "checkout", "-q", "feature");
    write("keep.txt", `${numbered(40)}dirty\n`);

    const vsMain = await byPath({ mergeBaseOf: "main" });
    expect([...vsMain.keys()].sort()).toEqual(["feature.txt", "keep.txt"]);
    const vsHead = await byPath({ head: true });
    expect([...vsHead.keys()]).toEqual(["keep.txt"]);
    await expect(workspaceDiff(rt, { mergeBaseOf: "no-such-branch" }, { untracked: true })).rejects.toThrow(/no common commit with no-such-branch/);
    await expect(workspaceDiff(rt, { mergeBaseOf: "--output=x" }, { untracked: true })).rejects.toThrow(/starts with "-"/);
  });

  it("a repository without commits diffs against the empty tree", async () => {
    const fresh = path.join(base, "fresh");
    fs.mkdirSync(fresh);
    gitIn(fresh, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(fresh, "a.txt"), "a\n");
    const r = new LocalRuntime(fresh);
    const d = await workspaceDiff(r, { head: true }, { untracked: true });
    expect(d.baseSha).toBe(EMPTY_TREE);
    expect(d.files.map((f) => [f.file.path, f.file.status])).toEqual([["a.txt", "added"]]);
  });

  it("sees a same-size edit made right after the index was written (git's racily clean entries)", async () => {
    commitFile(repo, "racy.txt", "value = 1\n");
    write("racy.txt", "value = 2\n");
    const files = await byPath({ head: true });
    expect(files.get("racy.txt")?.hunks[0].lines).toEqual(["-value = 1", "+value = 2"]);
  });

  it("its version changes exactly when the diff does", async () => {
    write("keep.txt", numbered(40, "!"));
    const sha: DiffBase = { head: true };
    const a = await workspaceDiff(rt, sha, { untracked: true });
    expect((await workspaceDiff(rt, sha, { untracked: true })).version).toBe(a.version);
    write("keep.txt", numbered(40, "?"));
    expect((await workspaceDiff(rt, sha, { untracked: true })).version).not.toBe(a.version);
  });

  it("its fingerprint (which lets a diff be reused) holds until a file or the commit compared with moves", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    const print = async () => (await worktreeFingerprint(rt, "main")).hash;
    const first = await print();
    expect(await print()).toBe(first);
    write("keep.txt", numbered(40, "!"));
    const edited = await print();
    expect(edited).not.toBe(first);
    // A deleted file moves it too (it has no size or time to read).
    fs.rmSync(path.join(repo, "gone.txt"));
    expect(await print()).not.toBe(edited);
    gitIn(repo, "checkout", "-q", "--", "gone.txt");
    gitIn(repo, "checkout", "-q", "main");
    commitFile(repo, "trunk.txt", "trunk moved\n");
    gitIn(repo, "checkout", "-q", "feature");
    const moved = await print();
    expect(moved).not.toBe(edited);
    // The diff takes the same fingerprint in its own run.
    expect((await workspaceDiff(rt, "main", { untracked: true, fingerprint: true })).print?.hash).toBe(moved);
  });

  it("a watch takes the same fingerprints from one long-lived script, naming the files that moved, until it is stopped", async () => {
    const prints: Fingerprint[] = [];
    const stop = new AbortController();
    const ended = watchFingerprints(rt, 50, stop.signal, (p) => prints.push(p));
    await expect.poll(() => prints.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const first = prints[prints.length - 1];
    expect(first.hash).toBe((await worktreeFingerprint(rt)).hash);
    fs.rmSync(path.join(repo, "gone.txt"));
    write("keep.txt", numbered(40, "!"));
    await expect.poll(() => prints[prints.length - 1].hash, { timeout: 20_000 }).not.toBe(first.hash);
    expect(changedPaths(first, prints[prints.length - 1])?.sort()).toEqual(["gone.txt", "keep.txt"]);
    stop.abort();
    await ended;
  });

  it("after an edit of a few files, diffing only those gives the whole tree's diff; deletions and renames need the whole diff", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "committed.txt", numbered(10), "on the branch");
    write("keep.txt", numbered(40).replace("line 3\n", "line three\n"));
    write("notes/untracked.md", "# notes\n");
    const base: DiffBase = { mergeBaseOf: "main" };
    const prev = await workspaceDiff(rt, base, { untracked: true, fingerprint: true });
    const update = async () => {
      const paths = changedPaths(prev.print!, await worktreeFingerprint(rt, base));
      return { paths, diff: paths && (await updateDiff(rt, base, true, prev, paths)) };
    };
    const same = async (diff: DiffResult | null | undefined) => {
      const full = await workspaceDiff(rt, base, { untracked: true });
      expect(diff?.files).toEqual(full.files);
      expect(diff?.version).toBe(full.version);
    };

    // An edit of a changed file, of a committed one, and a file edited back to the base.
    write("keep.txt", numbered(40).replace("line 30\n", "line thirty\n"));
    write("committed.txt", numbered(10).replace("line 5\n", "line five\n"));
    const edited = await update();
    expect(edited.paths?.sort()).toEqual(["committed.txt", "keep.txt"]);
    await same(edited.diff);
    write("keep.txt", numbered(40));
    const reverted = await update();
    expect(reverted.diff?.files.map((f) => f.file.path)).toEqual(["committed.txt", "notes/untracked.md"]);
    await same(reverted.diff);

    write("fresh.txt", numbered(12, " of a file that moves"));
    await same((await update()).diff);

    // A deletion (the new file may now be its rename): the whole diff.
    fs.rmSync(path.join(repo, "old-name.txt"));
    expect((await update()).diff).toBeNull();
  });

  it("mid-merge: files left in conflict are flagged, their hunks carry the conflict markers; git's combined diff reads as a diff against HEAD", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "keep.txt", numbered(40).replace("line 20\n", "line 20 on feature\n"), "feature edit");
    gitIn(repo, "checkout", "-q", "main");
    commitFile(repo, "keep.txt", numbered(40).replace("line 20\n", "line 20 on main\n"), "main edit");
    commitFile(repo, "gone.txt", "bye from main\n", "main clean edit");
    gitIn(repo, "checkout", "-q", "feature");
    expect(() => gitIn(repo, "merge", "-q", "main")).toThrow();
    const files = await byPath({ mergeBaseOf: "main" });
    expect(files.get("keep.txt")?.file.conflicted).toBe(true);
    expect(files.get("gone.txt")?.file.conflicted).toBeUndefined();
    expect(files.get("keep.txt")?.hunks[0].lines).toEqual(
      expect.arrayContaining(["+<<<<<<< HEAD", "+line 20 on feature", "+=======", "+line 20 on main", "+>>>>>>> main"]),
    );
    // `git diff` with no commit prints a combined diff (diff --cc) for the conflicted file.
    const cc = gitIn(repo, "diff", "--no-color", "--", "keep.txt");
    expect(cc).toMatch(/^diff --cc keep\.txt\n[\s\S]*\n@@@ /);
    const plain = gitIn(repo, "diff", "--no-color", "HEAD", "--", "keep.txt");
    const [combined] = parsePatch(`${cc}\n`);
    const [againstHead] = parsePatch(`${plain}\n`);
    expect(combined.hunks.map((h) => h.lines)).toEqual(againstHead.hunks.map((h) => h.lines));
    expect(combined.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual(
      againstHead.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]),
    );
  });

  it("a hunk's hash follows its content, not its position", async () => {
    write("keep.txt", numbered(40).replace("line 30\n", "line thirty\n"));
    const sha: DiffBase = { head: true };
    const before = (await byPath(sha)).get("keep.txt")!.hunks[0];
    write("keep.txt", `zero\n${numbered(40).replace("line 30\n", "line thirty\n")}`);
    const after = (await byPath(sha)).get("keep.txt")!.hunks;
    expect(after).toHaveLength(2);
    expect(after[1].hash).toBe(before.hash);
    expect(after[1].newStart).toBe(before.newStart + 1);
  });
});

describe("reverting", () => {
  it("one uncommitted hunk restores that part of the file and keeps the other", async () => {
    const edited = numbered(40).replace("line 2\n", "line two\n").replace("line 35\n", "line thirty-five\n");
    write("keep.txt", edited);
    const sha: DiffBase = { head: true };
    const hunks = (await byPath(sha)).get("keep.txt")!.hunks;
    expect(hunks).toHaveLength(2);
    await revertChange(rt, sha, { path: "keep.txt", hunk: hunks[1].hash, untracked: true });
    expect(read("keep.txt")).toBe(numbered(40).replace("line 2\n", "line two\n"));
    // A hunk that is no longer there is refused.
    await expect(revertChange(rt, sha, { path: "keep.txt", hunk: hunks[1].hash, untracked: true })).rejects.toThrow(/no longer there/);
  });

  it("a committed hunk becomes its inverse as an uncommitted edit; history is not rewritten", async () => {
    gitIn(repo, "checkout", "-q", "-b", "feature");
    commitFile(repo, "keep.txt", numbered(40).replace("line 20\n", "line twenty\n"), "edit line 20");
    const head = gitIn(repo, "rev-parse", "HEAD");
    const sha: DiffBase = { mergeBaseOf: "main" };
    const hunk = (await byPath(sha)).get("keep.txt")!.hunks[0];
    await revertChange(rt, sha, { path: "keep.txt", hunk: hunk.hash, untracked: true });
    expect(read("keep.txt")).toBe(numbered(40));
    expect(gitIn(repo, "rev-parse", "HEAD")).toBe(head);
    expect(gitIn(repo, "status", "--porcelain")).toBe("M keep.txt");
    expect(gitIn(repo, "diff", "--cached")).toBe("");
  });

  it("whole files: an untracked file is removed, a deleted one comes back, a binary and a renamed one are restored", async () => {
    const logo = fs.readFileSync(path.join(repo, "logo.bin"));
    write("scratch.txt", "tmp\n");
    fs.rmSync(path.join(repo, "gone.txt"));
    write("logo.bin", Buffer.from([9, 0, 9]));
    gitIn(repo, "mv", "old-name.txt", "new-name.txt");
    const sha: DiffBase = { head: true };
    for (const p of ["scratch.txt", "gone.txt", "logo.bin", "new-name.txt"]) await revertChange(rt, sha, { path: p, untracked: true });
    expect(fs.existsSync(path.join(repo, "scratch.txt"))).toBe(false);
    expect(read("gone.txt")).toBe("bye\n");
    expect(fs.readFileSync(path.join(repo, "logo.bin")).equals(logo)).toBe(true);
    expect(read("old-name.txt")).toBe(numbered(12, " of a file that moves"));
    expect(fs.existsSync(path.join(repo, "new-name.txt"))).toBe(false);
  });
});
