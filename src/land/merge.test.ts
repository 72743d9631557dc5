import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../../test/helpers/git.js";
import type { Workspace } from "../workspace/config.js";
import { WorkspaceService } from "../workspace/service.js";
import { LandService } from "./service.js";

let tmp: string;
let repo: string;
let service: WorkspaceService;
let land: LandService;
const saved = { ...process.env };
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-land-")));
  Object.assign(process.env, { GIT_AUTHOR_NAME: "Lander", GIT_AUTHOR_EMAIL: "l@x", GIT_COMMITTER_NAME: "Lander", GIT_COMMITTER_EMAIL: "l@x" });
  repo = makeRepo(path.join(tmp, "app"), { "README.md": "# app\n", "a.txt": "one\ntwo\nthree\n", "old.txt": "to be renamed\n", "gone.txt": "bye\n" });
  service = new WorkspaceService(path.join(tmp, "mux"));
  land = new LandService(service);
});
afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(tmp, { recursive: true, force: true });
});

const dirOf = (ws: Workspace) => (ws.runtime as { path: string }).path;
const log = (ref = "main") => gitIn(repo, "log", "--format=%s|%an|%P", ref).split("\n");
const head = (ref = "main") => gitIn(repo, "rev-parse", ref);

/** A worktree workspace with two commits: an edit of a.txt, then a new file. */
async function workspaceWithWork(name = "feat"): Promise<Workspace> {
  const ws = await service.create({ projectPath: repo, name });
  commitFile(dirOf(ws), "a.txt", "one\nTWO\nthree\n", "shout two");
  commitFile(dirOf(ws), "b.txt", "bee\n", "add b");
  return ws;
}

describe("commit", () => {
  it("commits every change (edits, new and deleted files) with the user's message; a clean workspace has nothing to commit", async () => {
    const ws = await service.create({ projectPath: repo, name: "c" });
    fs.writeFileSync(path.join(dirOf(ws), "a.txt"), "changed\n");
    fs.writeFileSync(path.join(dirOf(ws), "new.txt"), "new\n");
    fs.rmSync(path.join(dirOf(ws), "gone.txt"));
    const r = await land.commit(ws.id, "my message\n\nwith a body");
    expect(r).toMatchObject({ status: "committed", files: 3 });
    expect(gitIn(dirOf(ws), "log", "-1", "--format=%B")).toBe("my message\n\nwith a body");
    expect(gitIn(dirOf(ws), "status", "--porcelain")).toBe("");
    expect(await land.commit(ws.id, "again")).toEqual({ status: "clean" });
    await expect(land.commit(ws.id, "  ")).rejects.toThrow("needs a message");
  });
});

describe("merge", { timeout: 60_000 }, () => {
  it("squash: one new commit on the trunk with the branch's changes; the project checkout follows; the safe delete sees it merged", async () => {
    const ws = await workspaceWithWork();
    const before = head();
    const r = await land.merge(ws.id);
    expect(r).toMatchObject({ status: "merged", mode: "squash", trunk: "main", previous: before, commits: 2, checkout: repo, uncommitted: [] });
    expect(log()).toEqual([`feat|Lander|${before}`, expect.stringMatching(/^initial\|T\|$/)]);
    expect(gitIn(repo, "log", "-1", "--format=%b")).toBe("* shout two\n* add b");
    expect(gitIn(repo, "rev-parse", "main^{tree}")).toBe(gitIn(repo, "rev-parse", "feat^{tree}"));
    expect(fs.readFileSync(path.join(repo, "b.txt"), "utf8")).toBe("bee\n");
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
    // Merging again has nothing left to land.
    expect(await land.merge(ws.id)).toMatchObject({ status: "up-to-date" });
    await service.delete(ws.id);
    expect(fs.existsSync(dirOf(ws))).toBe(false);
    expect(gitIn(repo, "for-each-ref", "refs/mux/")).toBe("");
  });

  it("a branch squash-merged outside Mux (its changes all in the trunk) deletes safely; one with a change the trunk lacks does not", async () => {
    const ws = await workspaceWithWork();
    const partial = await service.create({ projectPath: repo, name: "partial" });
    commitFile(dirOf(partial), "x.txt", "x\n", "add x");
    commitFile(dirOf(partial), "y.txt", "y\n", "add y");
    gitIn(repo, "merge", "-q", "--squash", "feat");
    gitIn(repo, "commit", "-q", "-m", "squashed by hand");
    commitFile(repo, "later.txt", "l\n", "trunk moves on");
    gitIn(repo, "cherry-pick", "partial~1");
    await expect(service.delete(partial.id)).rejects.toThrow("commit(s) on no other branch");
    await service.delete(ws.id);
    expect(fs.existsSync(dirOf(ws))).toBe(false);
  });

  it("a renamed workspace keeps its landed record", async () => {
    const ws = await workspaceWithWork();
    await land.merge(ws.id);
    commitFile(repo, "a.txt", "one\ntwo, changed again\nthree\n", "trunk changes the landed lines");
    const renamed = await service.rename(ws.id, "renamed");
    expect(gitIn(repo, "for-each-ref", "--format=%(refname)", "refs/mux/")).toBe("refs/mux/landed/renamed");
    await service.delete(renamed.id);
  });

  it("squash keeps a single commit's message; --message replaces it", async () => {
    const ws = await service.create({ projectPath: repo, name: "one" });
    commitFile(dirOf(ws), "c.txt", "c\n", "add c\n\nbecause");
    await land.merge(ws.id);
    expect(gitIn(repo, "log", "-1", "--format=%B")).toBe("add c\n\nbecause");
    commitFile(dirOf(ws), "d.txt", "d\n", "add d");
    await land.merge(ws.id, { message: "Land d" });
    expect(gitIn(repo, "log", "-1", "--format=%B")).toBe("Land d");
  });

  it("merge commit: the trunk's new head has the old trunk and the branch as parents", async () => {
    const ws = await workspaceWithWork();
    commitFile(repo, "trunk.txt", "t\n", "trunk moves on");
    const before = head();
    const r = await land.merge(ws.id, { mode: "merge" });
    expect(r).toMatchObject({ status: "merged", mode: "merge" });
    expect(gitIn(repo, "log", "-1", "--format=%P%n%s")).toBe(`${before} ${head("feat")}\nMerge branch 'feat'`);
    expect(fs.existsSync(path.join(repo, "trunk.txt")) && fs.existsSync(path.join(repo, "b.txt"))).toBe(true);
    await service.delete(ws.id);
  });

  it("rebase: each commit replayed on the moved trunk with its author and message; fast-forward when the trunk has not moved", async () => {
    const ws = await workspaceWithWork();
    commitFile(repo, "trunk.txt", "t\n", "trunk moves on");
    const before = head();
    expect(await land.merge(ws.id, { mode: "rebase" })).toMatchObject({ status: "merged", mode: "rebase", commits: 2 });
    expect(
      log()
        .slice(0, 3)
        .map((l) => l.split("|").slice(0, 2).join("|")),
    ).toEqual(["add b|T", "shout two|T", "trunk moves on|T"]);
    expect(gitIn(repo, "rev-parse", "main~2")).toBe(before);
    expect(fs.readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("one\nTWO\nthree\n");
    await service.delete(ws.id);

    const ff = await service.create({ projectPath: repo, name: "ff" });
    commitFile(dirOf(ff), "f1.txt", "1\n");
    commitFile(dirOf(ff), "f2.txt", "2\n");
    await land.merge(ff.id, { mode: "rebase" });
    expect(head()).toBe(head("ff"));
  });

  it("rename, binary and deleted files land as they are", async () => {
    const ws = await service.create({ projectPath: repo, name: "files" });
    const dir = dirOf(ws);
    const binary = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]);
    gitIn(dir, "mv", "old.txt", "new-name.txt");
    gitIn(dir, "rm", "-q", "gone.txt");
    fs.writeFileSync(path.join(dir, "blob.bin"), binary);
    gitIn(dir, "add", "blob.bin");
    gitIn(dir, "commit", "-q", "-m", "rename, delete, binary");
    commitFile(repo, "trunk.txt", "t\n", "trunk moves on");
    for (const mode of ["squash", "merge", "rebase"] as const) {
      gitIn(repo, "reset", "-q", "--hard", "main");
      const start = head();
      expect(await land.merge(ws.id, { mode })).toMatchObject({ status: "merged" });
      expect(fs.readFileSync(path.join(repo, "blob.bin"))).toEqual(binary);
      expect(fs.readFileSync(path.join(repo, "new-name.txt"), "utf8")).toBe("to be renamed\n");
      expect(fs.existsSync(path.join(repo, "old.txt")) || fs.existsSync(path.join(repo, "gone.txt"))).toBe(false);
      expect(gitIn(repo, "status", "--porcelain")).toBe("");
      gitIn(repo, "reset", "-q", "--hard", start);
    }
  });

  it("a conflict lists the files and changes nothing, in every mode", async () => {
    const ws = await workspaceWithWork();
    commitFile(repo, "a.txt", "one\ntwo!\nthree\n", "trunk edits two");
    const before = head();
    for (const mode of ["squash", "merge", "rebase"] as const) {
      expect(await land.merge(ws.id, { mode })).toEqual({ status: "conflict", mode, trunk: "main", files: ["a.txt"], rebaseOnto: "main" });
      expect(head()).toBe(before);
      expect(gitIn(repo, "status", "--porcelain")).toBe("");
      expect(fs.readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("one\ntwo!\nthree\n");
    }
    // Nothing was recorded as landed: the safe delete still refuses.
    await expect(service.delete(ws.id)).rejects.toThrow("commit(s) on no other branch");
  });

  it("a checked-out trunk with uncommitted changes is refused, naming them; nothing changes", async () => {
    const ws = await workspaceWithWork();
    fs.writeFileSync(path.join(repo, "README.md"), "# edited, not committed\n");
    const before = head();
    expect(await land.merge(ws.id)).toEqual({ status: "dirty-trunk", trunk: "main", checkout: repo, files: ["README.md"] });
    expect(head()).toBe(before);
    expect(fs.readFileSync(path.join(repo, "README.md"), "utf8")).toBe("# edited, not committed\n");
    expect(fs.existsSync(path.join(repo, "b.txt"))).toBe(false);
    // A staged change counts too.
    gitIn(repo, "add", "README.md");
    expect(await land.merge(ws.id, { mode: "rebase" })).toMatchObject({ status: "dirty-trunk", files: ["README.md"] });
    expect(head()).toBe(before);
  });

  it("an untracked file the merge would overwrite is refused; other untracked files stay", async () => {
    const ws = await workspaceWithWork();
    fs.writeFileSync(path.join(repo, "b.txt"), "mine\n");
    fs.writeFileSync(path.join(repo, "notes.txt"), "keep\n");
    const before = head();
    expect(await land.merge(ws.id)).toEqual({ status: "dirty-trunk", trunk: "main", checkout: repo, files: ["b.txt"] });
    expect(head()).toBe(before);
    fs.rmSync(path.join(repo, "b.txt"));
    expect(await land.merge(ws.id)).toMatchObject({ status: "merged" });
    expect(fs.readFileSync(path.join(repo, "notes.txt"), "utf8")).toBe("keep\n");
    expect(fs.readFileSync(path.join(repo, "b.txt"), "utf8")).toBe("bee\n");
  });

  it("the trunk checked out in another worktree: that one is brought up to date, the project directory is left alone", async () => {
    const ws = await workspaceWithWork();
    gitIn(repo, "checkout", "-q", "-b", "elsewhere");
    const other = path.join(tmp, "trunk-wt");
    gitIn(repo, "worktree", "add", "-q", other, "main");
    expect(await land.merge(ws.id)).toMatchObject({ status: "merged", checkout: fs.realpathSync(other) });
    expect(fs.readFileSync(path.join(other, "b.txt"), "utf8")).toBe("bee\n");
    expect(gitIn(other, "status", "--porcelain")).toBe("");
    expect(fs.existsSync(path.join(repo, "b.txt"))).toBe(false);
    expect(gitIn(repo, "branch", "--show-current")).toBe("elsewhere");
    // Dirty there: refused, naming that checkout.
    commitFile(dirOf(ws), "c.txt", "c\n", "add c");
    fs.writeFileSync(path.join(other, "a.txt"), "dirty\n");
    expect(await land.merge(ws.id)).toMatchObject({ status: "dirty-trunk", checkout: fs.realpathSync(other), files: ["a.txt"] });
  });

  it("the trunk checked out nowhere: only its ref moves", async () => {
    const ws = await workspaceWithWork();
    gitIn(repo, "checkout", "-q", "--detach");
    fs.writeFileSync(path.join(repo, "README.md"), "# dirty here does not matter\n");
    expect(await land.merge(ws.id, { mode: "merge" })).toMatchObject({ status: "merged", checkout: null });
    expect(gitIn(repo, "show", "main:b.txt")).toBe("bee");
    expect(fs.existsSync(path.join(repo, "b.txt"))).toBe(false);
  });

  /**
   * Another writer moves main right before Mux's compare-and-swap of it: `git` on PATH is a
   * wrapper that, while RACE_FILE exists, commits other-N.txt to main ahead of each
   * `update-ref refs/heads/main` (RACE_FILE saying "once": only the first time).
   */
  function raceTrunk(times: "once" | "always"): string {
    const bin = path.join(tmp, "bin");
    const race = path.join(tmp, "race");
    const real = path.join(gitIn(tmp, "--exec-path"), "git");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, "git"),
      `#!/bin/bash
if [ "$1" = update-ref ] && [[ " $* " == *" refs/heads/main "* ]] && [ -e ${race} ]; then
  [ "$(cat ${race})" = once ] && rm -f ${race}
  n=$(( $(cat ${race}.n 2>/dev/null || echo 0) + 1 )); echo $n > ${race}.n
  idx=$(mktemp); trap 'rm -f "$idx"' EXIT
  export GIT_INDEX_FILE=$idx
  ${real} read-tree refs/heads/main
  blob=$(echo "other $n" | ${real} hash-object -w --stdin)
  ${real} update-index --add --cacheinfo "100644,$blob,other-$n.txt"
  c=$(${real} commit-tree "$(${real} write-tree)" -p refs/heads/main -m "other writer $n")
  ${real} update-ref refs/heads/main "$c"
  unset GIT_INDEX_FILE
fi
exec ${real} "$@"
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(race, times);
    process.env.PATH = `${bin}:${process.env.PATH}`;
    return race;
  }

  it("the trunk moving between computing the merge and moving the ref: the merge is made again on the new trunk", async () => {
    const ws = await workspaceWithWork();
    gitIn(repo, "checkout", "-q", "--detach");
    raceTrunk("once");
    const r = await land.merge(ws.id);
    expect(r).toMatchObject({ status: "merged", mode: "squash" });
    // On top of the other writer's commit, which is kept.
    expect(
      log()
        .slice(0, 2)
        .map((l) => l.split("|")[0]),
    ).toEqual(["feat", "other writer 1"]);
    expect(gitIn(repo, "show", "main:other-1.txt")).toBe("other 1");
    expect(gitIn(repo, "show", "main:b.txt")).toBe("bee");
    expect((r as { previous: string }).previous).toBe(head("main~1"));
  });

  it("a trunk that keeps moving is refused with the reason after a few tries; none of the branch lands", async () => {
    const ws = await workspaceWithWork();
    gitIn(repo, "checkout", "-q", "--detach");
    raceTrunk("always");
    await expect(land.merge(ws.id)).rejects.toThrow("main kept moving while the merge was being made (3 tries); nothing was changed, try again");
    expect(log().map((l) => l.split("|")[0])).toEqual(["other writer 3", "other writer 2", "other writer 1", "initial"]);
  });

  it("reports changes left uncommitted in the workspace (they do not land)", async () => {
    const ws = await workspaceWithWork();
    fs.writeFileSync(path.join(dirOf(ws), "draft.txt"), "wip\n");
    expect(await land.merge(ws.id)).toMatchObject({ status: "merged", uncommitted: ["draft.txt"] });
    expect(gitIn(repo, "ls-files", "draft.txt")).toBe("");
  });

  it("merges into the local branch of a remote-tracking base, or --into", async () => {
    const origin = path.join(tmp, "origin.git");
    gitIn(tmp, "clone", "-q", "--bare", repo, origin);
    gitIn(repo, "remote", "add", "origin", origin);
    gitIn(repo, "fetch", "-q", "origin");
    gitIn(repo, "remote", "set-head", "origin", "main");
    const ws = await workspaceWithWork();
    expect(ws.base).toBe("origin/main");
    expect(await land.merge(ws.id)).toMatchObject({ status: "merged", trunk: "main" });
    gitIn(repo, "branch", "release", "main~1");
    commitFile(dirOf(ws), "c.txt", "c\n", "add c");
    expect(await land.merge(ws.id, { into: "release" })).toMatchObject({ status: "merged", trunk: "release", checkout: null });
    await expect(land.merge(ws.id, { into: "nope" })).rejects.toThrow("no local branch nope");
  });
});
