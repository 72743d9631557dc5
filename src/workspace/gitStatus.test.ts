import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import { type GitStatus, type StatusTarget, gitStatus, gitStatusAll } from "./gitStatus.js";
import { addWorkspace, commitFile, git, instrument, repo, target, tmp, useRepo } from "./gitStatus.testkit.js";

describe("gitStatus", () => {
  useRepo();

  it("reports zeros for a clean workspace, in one exec", async () => {
    const dir = addWorkspace("clean");
    const inst = instrument(new LocalRuntime(dir));
    const s = await gitStatus({ id: "clean", runtime: inst.runtime, base: "main" });
    expect(inst.calls).toHaveLength(1);
    const mainSha = git(repo, "rev-parse", "main");
    expect(s).toMatchObject({
      branch: "clean",
      detached: false,
      headSha: mainSha,
      ahead: 0,
      behind: 0,
      dirtyFiles: 0,
      linesAdded: 0,
      linesRemoved: 0,
      base: "main",
    });
    expect(s.missing).toBeUndefined();
    expect(s.error).toBeUndefined();
    expect(typeof s.updatedAt).toBe("number");
  });

  it("counts commits on the workspace branch as ahead and new base commits as behind", async () => {
    const dir = addWorkspace("feature");
    commitFile(dir, "c.txt", "c\n");
    commitFile(dir, "d.txt", "d\n");
    let s = await gitStatus(target(dir));
    expect(s).toMatchObject({ ahead: 2, behind: 0, dirtyFiles: 0 });

    commitFile(repo, "main-only.txt", "m\n");
    s = await gitStatus(target(dir));
    expect(s).toMatchObject({ ahead: 2, behind: 1 });
    // The diff is against the merge-base, so the base's own new commit does not count.
    expect(s).toMatchObject({ linesAdded: 2, linesRemoved: 0 });
  });

  it("gets ahead/behind right whatever the base looks like or the branch's own upstream says", async () => {
    const dir = addWorkspace("feat/x.y");
    commitFile(dir, "c.txt", "c\n");
    commitFile(repo, "m.txt", "m\n");
    git(repo, "update-ref", "refs/remotes/origin/main", "main");
    git(repo, "branch", "other", "main~1");
    commitFile(repo, "m2.txt", "m2\n"); // main is now 2 ahead of the workspace's fork point
    const mainSha = git(repo, "rev-parse", "main");
    const expectFor = async (base: string, behind: number) => {
      const s = await gitStatus(target(dir, base));
      expect(s.error, base).toBeUndefined();
      expect({ base, ahead: s.ahead, behind: s.behind, linesAdded: s.linesAdded }).toEqual({
        base,
        ahead: 1,
        behind,
        linesAdded: 1,
      });
    };
    await expectFor("main", 2);
    await expectFor("refs/heads/main", 2);
    await expectFor("origin/main", 1);
    await expectFor("refs/remotes/origin/main", 1);
    await expectFor(mainSha, 2);
    await expectFor(`${mainSha.slice(0, 10)}`, 2);
    await expectFor("main~1", 1);
    // The branch tracks "other" in its own config: its upstream must not be mistaken for the base.
    git(dir, "branch", "--set-upstream-to=other");
    await expectFor("main", 2);
    git(dir, "config", "branch.feat/x.y.remote", "origin");
    git(dir, "config", "branch.feat/x.y.merge", "refs/heads/main");
    await expectFor("main", 2);
    await expectFor("origin/main", 1);
  });

  it("counts modified, staged and untracked files as dirty", async () => {
    const dir = addWorkspace("dirty");
    fs.appendFileSync(path.join(dir, "a.txt"), "four\n"); // unstaged
    fs.writeFileSync(path.join(dir, "b.txt"), "bee\nbuzz\n");
    git(dir, "add", "b.txt"); // staged
    fs.writeFileSync(path.join(dir, "new.txt"), "x\n");
    git(dir, "add", "new.txt"); // staged new file
    fs.mkdirSync(path.join(dir, "sub/deeper"), { recursive: true });
    fs.writeFileSync(path.join(dir, "sub/deeper/u1.txt"), "u\n"); // untracked, in a new directory
    fs.writeFileSync(path.join(dir, "u2.txt"), "u\n"); // untracked
    fs.rmSync(path.join(dir, "b.txt"), { force: false }); // staged-modified then deleted: still one entry
    const s = await gitStatus(target(dir));
    expect(s.dirtyFiles).toBe(5);
    expect(s.error).toBeUndefined();
  });

  it("counts lines added and removed since the merge-base, including uncommitted and untracked", async () => {
    const dir = addWorkspace("lines");
    // Committed: +2 -1 on a.txt
    commitFile(dir, "a.txt", "one\nTWO\nthree\nfour\n");
    // Uncommitted, unstaged: -1 on b.txt (emptied) ; staged new file: +2
    fs.writeFileSync(path.join(dir, "b.txt"), "");
    fs.writeFileSync(path.join(dir, "staged.txt"), "s1\ns2\n");
    git(dir, "add", "staged.txt");
    // Untracked text: 3 lines (the last without a newline counts, like numstat); binary: 0
    fs.writeFileSync(path.join(dir, "untracked.txt"), "u1\nu2\nu3");
    fs.writeFileSync(path.join(dir, "blob.bin"), Buffer.from([0, 1, 2, 10, 0, 10]));
    const s = await gitStatus(target(dir));
    expect(s).toMatchObject({ linesAdded: 2 + 2 + 3, linesRemoved: 1 + 1, ahead: 1 });
    expect(s.dirtyFiles).toBe(4);
  });

  it("counts the lines of many untracked files, small ones in bash and large ones with grep", async () => {
    const dir = addWorkspace("many");
    fs.mkdirSync(path.join(dir, "gen"));
    for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(dir, "gen", `-f ${i}.txt`), "l1\nl2\n");
    // Over the 32 KiB builtin limit: 2 000 lines of text, and a binary with a NUL after 40 KB.
    fs.writeFileSync(path.join(dir, "big.log"), "0123456789012345678901234567890123456789\n".repeat(2_000));
    fs.writeFileSync(path.join(dir, "big.bin"), Buffer.concat([Buffer.alloc(40_000, 65), Buffer.from([0, 10, 10])]));
    const s = await gitStatus(target(dir));
    expect(s).toMatchObject({ dirtyFiles: 252, linesAdded: 500 + 2_000, linesRemoved: 0 });
  });

  it("handles file names with spaces, unicode, tabs, newlines and marker look-alikes", async () => {
    const dir = addWorkspace("names");
    const weird = ["with space.txt", "ünïcödé 日本.txt", "tab\there.txt", "new\nline.txt", "@@mux:end 0", "? q.txt"];
    for (const name of weird) commitFile(dir, name, "a\nb\n");
    // A staged rename whose original path looks like an untracked record and a marker.
    git(dir, "mv", "--", "@@mux:end 0", "renamed ✓.txt");
    git(dir, "mv", "--", "? q.txt", "moved.txt");
    // A rename of a file that exists in the base: numstat reports it as a rename with 0/0.
    git(dir, "mv", "--", "b.txt", "b → renamed.txt");
    fs.appendFileSync(path.join(dir, "ünïcödé 日本.txt"), "c\n");
    fs.writeFileSync(path.join(dir, "untracked ñ\nx.txt"), "1\n2\n");
    const s = await gitStatus(target(dir));
    expect(s.error).toBeUndefined();
    // 3 renames + 1 modified + 1 untracked
    expect(s.dirtyFiles).toBe(5);
    // 6 files new since the base × 2 lines, +1 modified line, +2 untracked lines; b.txt's rename: 0.
    expect(s.linesAdded).toBe(12 + 1 + 2);
    expect(s.linesRemoved).toBe(0);
    expect(s.ahead).toBe(6);
  });

  it("reports the short sha for a detached HEAD", async () => {
    const dir = addWorkspace("detached");
    commitFile(dir, "c.txt", "c\n");
    const sha = git(dir, "rev-parse", "HEAD");
    git(dir, "checkout", "-q", "--detach", "HEAD");
    const s = await gitStatus(target(dir));
    expect(s).toMatchObject({ detached: true, headSha: sha, branch: sha.slice(0, 7), ahead: 1, behind: 0 });
  });

  it("sets error for a base that does not exist, keeping the rest best-effort", async () => {
    const dir = addWorkspace("nobase");
    fs.appendFileSync(path.join(dir, "a.txt"), "more\n");
    const s = await gitStatus(target(dir, "origin/does-not-exist"));
    expect(s.error).toMatch(/does-not-exist/);
    expect(s.missing).toBeUndefined();
    expect(s).toMatchObject({ branch: "nobase", dirtyFiles: 1, ahead: 0, behind: 0 });
    // Without a merge-base, lines fall back to the uncommitted changes.
    expect(s).toMatchObject({ linesAdded: 1, linesRemoved: 0 });
    // A base that git would parse as an option is refused, not run.
    const opt = await gitStatus(target(dir, "--output=/tmp/x"));
    expect(opt.error).toMatch(/starts with "-"/);
    expect(opt.dirtyFiles).toBe(1);
  });

  it("reports a base with no common ancestor, diffing against HEAD instead", async () => {
    const dir = addWorkspace("unrelated");
    commitFile(dir, "c.txt", "c\n");
    git(repo, "checkout", "-q", "--orphan", "other");
    git(repo, "rm", "-rq", "--cached", ".");
    commitFile(repo, "o.txt", "o\n");
    fs.appendFileSync(path.join(dir, "a.txt"), "x\ny\n");
    const s = await gitStatus(target(dir, "other"));
    expect(s.error).toMatch(/no common ancestor/);
    expect(s).toMatchObject({ ahead: 2, behind: 1, dirtyFiles: 1, linesAdded: 2, linesRemoved: 0 });
  });

  it("reports a deleted or broken worktree as missing, never throwing", async () => {
    const gone = addWorkspace("gone");
    fs.rmSync(gone, { recursive: true, force: true });
    const s = await gitStatus(target(gone));
    expect(s).toMatchObject({ missing: true, branch: null, dirtyFiles: 0 });

    const plain = path.join(tmp, "plain");
    fs.mkdirSync(plain);
    expect((await gitStatus(target(plain))).missing).toBe(true);

    // The directory survived but its administrative files were pruned.
    const pruned = addWorkspace("pruned");
    fs.rmSync(path.join(repo, ".git/worktrees/pruned"), { recursive: true, force: true });
    const p = await gitStatus(target(pruned));
    expect(p.missing).toBe(true);
    expect(p.error).toMatch(/not a git repository/);

    // A worktree directory that lost its .git inside the main repository is not the main repository.
    const nested = path.join(repo, "nested-ws");
    fs.mkdirSync(nested);
    expect((await gitStatus(target(nested))).missing).toBe(true);
  });

  it("gitStatusAll reports every workspace even when some are broken", async () => {
    const targets: StatusTarget[] = [];
    for (let i = 0; i < 5; i++) {
      const dir = addWorkspace(`all${i}`);
      for (let j = 0; j < i; j++) commitFile(dir, `f${j}.txt`, `${j}\n`);
      targets.push(target(dir));
    }
    targets.push(target(path.join(tmp, "nowhere"), "main", "nowhere"));
    const all = await gitStatusAll(targets, { concurrency: 2 });
    expect([...all.keys()]).toEqual(targets.map((t) => t.id));
    for (let i = 0; i < 5; i++) expect(all.get(`all${i}`)).toMatchObject({ ahead: i, linesAdded: i });
    expect(all.get("nowhere")?.missing).toBe(true);
  });

  it("batches local workspaces: fewer execs, the same statuses as one exec each", async () => {
    const targets: StatusTarget[] = [];
    const insts: ReturnType<typeof instrument>[] = [];
    for (let i = 0; i < 7; i++) {
      const dir = addWorkspace(`b${i}`);
      for (let j = 0; j < i % 3; j++) commitFile(dir, `f${j}.txt`, `${j}\n`);
      if (i % 2) fs.writeFileSync(path.join(dir, `u ${i}.txt`), "a\nb\n");
      const inst = instrument(new LocalRuntime(dir));
      insts.push(inst);
      targets.push({ id: `b${i}`, runtime: inst.runtime, base: i === 5 ? "no-such-base" : "main" });
    }
    targets.push(target(path.join(tmp, "nowhere"), "main", "nowhere"));
    const execs = () => insts.reduce((n, inst) => n + inst.calls.length, 0);
    const batched = await gitStatusAll(targets, { concurrency: 2 });
    expect(execs()).toBeLessThanOrEqual(2); // (the 8th, missing, target is not instrumented)
    const before = execs();
    const single = await gitStatusAll(targets, { concurrency: 2, batchKey: false });
    expect(execs() - before).toBe(7);
    const strip = (m: Map<string, GitStatus>) => [...m].map(([id, st]) => [id, { ...st, updatedAt: 0 }]);
    expect(strip(batched)).toEqual(strip(single));
    expect(batched.get("b5")?.error).toMatch(/no-such-base/);
    expect(batched.get("b4")).toMatchObject({ ahead: 1, dirtyFiles: 0, linesAdded: 1 });
    expect(batched.get("b3")).toMatchObject({ ahead: 0, dirtyFiles: 1, linesAdded: 2 });
    expect(batched.get("nowhere")?.missing).toBe(true);
  });

  it("recomputes alone the workspaces whose part of a batch output was lost", async () => {
    const dirs = [0, 1, 2].map((i) => addWorkspace(`lost${i}`));
    for (const d of dirs) commitFile(d, "c.txt", "c\n");
    const calls: string[] = [];
    const rt = new LocalRuntime(dirs[0]);
    const lossy = Object.create(rt) as Runtime;
    lossy.exec = async (script, o) => {
      calls.push(script);
      // The batched exec loses everything after the first workspace's output.
      let all = "";
      const r = await rt.exec(script, { ...o, onStdout: (c) => (all += c) });
      const cut = all.indexOf("@@mux:ws 1");
      o?.onStdout?.(cut >= 0 ? all.slice(0, cut) : all);
      return r;
    };
    const targets = dirs.map((d, i) => ({ id: `l${i}`, runtime: i === 0 ? lossy : new LocalRuntime(d), base: "main" }));
    const all = await gitStatusAll(targets, { concurrency: 1 });
    for (const id of ["l0", "l1", "l2"]) expect(all.get(id), id).toMatchObject({ ahead: 1, linesAdded: 1 });
    expect(calls).toHaveLength(1);
    for (const s of all.values()) expect(s.error).toBeUndefined();
  });
});
