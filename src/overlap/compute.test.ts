import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../../test/helpers/git.js";
import { isChecked, type OverlapInput, OverlapEngine, type WorkspaceOverlap } from "./compute.js";

const TEN = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
const lines = (edit: Record<number, string>) => `${TEN.map((l, i) => edit[i + 1] ?? l).join("\n")}\n`;

let tmp: string;
let repo: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-overlap-")));
  repo = makeRepo(path.join(tmp, "repo"), { "shared.txt": lines({}), "other.txt": "other\n", "README.md": "# r\n" });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A worktree on a new branch from main, with `files` committed. */
function worktree(name: string, files: Record<string, string> = {}): OverlapInput {
  const dir = path.join(tmp, name);
  gitIn(repo, "worktree", "add", "-q", "-b", name, dir, "main");
  for (const [f, content] of Object.entries(files)) commitFile(dir, f, content);
  return { id: name, name, dir, base: "main" };
}

/** The loose objects in the repository's own store. */
function looseObjects(dir: string): string[] {
  const objects = path.join(dir, ".git", "objects");
  return fs
    .readdirSync(objects)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => fs.readdirSync(path.join(objects, d)).map((f) => d + f))
    .sort();
}

function ok(o: WorkspaceOverlap | undefined) {
  if (!isChecked(o)) throw new Error(`not computed: ${JSON.stringify(o)}`);
  return o;
}

describe("OverlapEngine against real git", () => {
  it("two workspaces editing different lines of one file share it without conflict", async () => {
    const a = worktree("a", { "shared.txt": lines({ 1: "A was here" }) });
    const b = worktree("b", { "shared.txt": lines({ 10: "B was here" }) });
    const r = await new OverlapEngine().compute(repo, [a, b]);
    expect(ok(r.get("a")).others.get("b")).toEqual({ shared: ["shared.txt"], conflicting: [] });
    expect(ok(r.get("b")).others.get("a")).toEqual({ shared: ["shared.txt"], conflicting: [] });
    expect(ok(r.get("a")).trunk).toBeNull();
  });

  it("two workspaces editing the same line conflict, and the file is named", async () => {
    const a = worktree("a", { "shared.txt": lines({ 1: "A was here" }), "a-only.txt": "a\n" });
    const c = worktree("c", { "shared.txt": lines({ 1: "C was here" }), "c-only.txt": "c\n" });
    const r = await new OverlapEngine().compute(repo, [a, c]);
    expect(ok(r.get("a")).others.get("c")).toEqual({ shared: ["shared.txt"], conflicting: ["shared.txt"] });
    expect(ok(r.get("c")).changed.sort()).toEqual(["c-only.txt", "shared.txt"]);
  });

  it("a branch whose line the trunk changed meanwhile conflicts with the trunk", async () => {
    const a = worktree("a", { "shared.txt": lines({ 2: "A was here" }) });
    commitFile(repo, "shared.txt", lines({ 2: "main moved on" }));
    commitFile(repo, "other.txt", "main changed this too\n");
    const r = await new OverlapEngine().compute(repo, [a]);
    expect(ok(r.get("a")).trunk).toEqual({ base: "main", shared: ["shared.txt"], conflicting: ["shared.txt"] });
  });

  it("workspaces changing different files do not overlap; uncommitted and untracked files count", async () => {
    const a = worktree("a", { "a-only.txt": "a\n" });
    const d = worktree("d", { "other.txt": "d\n" });
    const e = worktree("e");
    let r = await new OverlapEngine().compute(repo, [a, d, e]);
    for (const id of ["a", "d", "e"]) expect(ok(r.get(id)).others.size).toBe(0);
    // Not committed: a changed tracked file and a new one, both seen.
    fs.writeFileSync(path.join(e.dir as string, "other.txt"), "e edits, not committed\n");
    fs.writeFileSync(path.join(e.dir as string, "a-only.txt"), "e adds the same new file\n");
    r = await new OverlapEngine().compute(repo, [a, d, e]);
    expect(ok(r.get("e")).others.get("d")).toEqual({ shared: ["other.txt"], conflicting: ["other.txt"] });
    expect(ok(r.get("e")).others.get("a")).toEqual({ shared: ["a-only.txt"], conflicting: ["a-only.txt"] });
    // The workspace's own index was not touched by the check.
    expect(gitIn(e.dir as string, "status", "--porcelain")).toBe("M other.txt\n?? a-only.txt".trim());
  });

  it("with a scratch directory, a check writes no object into the project: the same answer, the repository untouched", async () => {
    const a = worktree("a", { "shared.txt": lines({ 1: "A was here" }) });
    const c = worktree("c", { "shared.txt": lines({ 1: "C was here" }) });
    fs.writeFileSync(path.join(c.dir as string, "new.txt"), "not committed\n");
    const objectsBefore = looseObjects(repo);
    const scratch = path.join(tmp, "scratch");
    const r = await new OverlapEngine(scratch).compute(repo, [a, c]);
    expect(ok(r.get("a")).others.get("c")).toEqual({ shared: ["shared.txt"], conflicting: ["shared.txt"] });
    expect(ok(r.get("c")).changed.sort()).toEqual(["new.txt", "shared.txt"]);
    expect(looseObjects(repo)).toEqual(objectsBefore);
    // Without one, the snapshot of c and the merge's trees land in the project.
    await new OverlapEngine().compute(repo, [a, c]);
    expect(looseObjects(repo).length).toBeGreaterThan(objectsBefore.length);
  });

  it("answers from its cache until a branch moves, then redoes only what changed", async () => {
    const engine = new OverlapEngine();
    const a = worktree("a", { "shared.txt": lines({ 1: "A" }) });
    const b = worktree("b", { "shared.txt": lines({ 10: "B" }) });
    const c = worktree("c", { "other.txt": "c\n" });
    let r = await engine.compute(repo, [a, b, c]);
    expect(ok(r.get("a")).others.get("b")?.conflicting).toEqual([]);
    const first = { ...engine.stats };
    expect(first.merges).toBe(1);

    r = await engine.compute(repo, [a, b, c]);
    expect(engine.stats.merges).toBe(first.merges);
    expect(engine.stats.diffs).toBe(first.diffs);

    // b's branch moves onto a's line: a new answer, from one new diff and one new merge.
    commitFile(b.dir as string, "shared.txt", lines({ 1: "B took line 1", 10: "B" }));
    r = await engine.compute(repo, [a, b, c]);
    expect(ok(r.get("a")).others.get("b")).toEqual({ shared: ["shared.txt"], conflicting: ["shared.txt"] });
    expect(engine.stats.merges).toBe(first.merges + 1);
    expect(engine.stats.diffs).toBe(first.diffs + 1);
  });

  it("reuses an uncommitted snapshot while the git status figures stay the same, until a fresh check", async () => {
    const engine = new OverlapEngine();
    const a = worktree("a", { "shared.txt": lines({ 1: "A" }) });
    const b = { ...worktree("b"), statusKey: "head:1:1:1" };
    fs.writeFileSync(path.join(b.dir as string, "shared.txt"), lines({ 9: "B, not committed" }));
    let r = await engine.compute(repo, [a, b]);
    expect(ok(r.get("b")).others.get("a")?.conflicting).toEqual([]);
    expect(engine.stats.snapshots).toBe(2);

    // Another project checked meanwhile keeps nothing of this one from being reused.
    const other = makeRepo(path.join(tmp, "other"), { "x.txt": "x\n" });
    fs.writeFileSync(path.join(other, "x.txt"), "changed\n");
    await engine.compute(other, [{ id: "o", name: "o", dir: other, base: "main", statusKey: "o" }]);
    expect(engine.stats.snapshots).toBe(3);

    // The same figures (one line changed) on another line: taken as unchanged…
    fs.writeFileSync(path.join(b.dir as string, "shared.txt"), lines({ 1: "B, not committed" }));
    r = await engine.compute(repo, [a, b]);
    expect(engine.stats.snapshots).toBe(4); // a has no status key: always snapshotted
    expect(ok(r.get("b")).others.get("a")?.conflicting).toEqual([]);
    // …until the periodic fresh check looks again.
    r = await engine.compute(repo, [a, b], { fresh: true });
    expect(ok(r.get("b")).others.get("a")?.conflicting).toEqual(["shared.txt"]);
  });

  it("reports why a workspace is not checked instead of failing the others", async () => {
    const a = worktree("a", { "shared.txt": lines({ 1: "A" }) });
    const gone = { ...worktree("gone"), dir: path.join(tmp, "nowhere") };
    const ssh: OverlapInput = { id: "s", name: "s", dir: null, skipped: "an SSH workspace", base: "main" };
    const badBase = { ...worktree("x"), base: "no-such-branch" };
    const r = await new OverlapEngine().compute(repo, [a, gone, ssh, badBase]);
    expect(r.get("gone")).toEqual({ id: "gone", skipped: "the workspace directory is missing" });
    expect(r.get("s")).toEqual({ id: "s", skipped: "an SSH workspace" });
    expect(r.get("x")).toEqual({ id: "x", skipped: "its base no-such-branch does not exist" });
    expect(ok(r.get("a")).changed).toEqual(["shared.txt"]);
  });
});
