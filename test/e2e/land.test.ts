import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeGh } from "../helpers/fakeGh.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";

let dirs: ReturnType<typeof tempDirs>;
let repo: string;
beforeEach(() => {
  dirs = tempDirs();
  repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n", "a.txt": "one\ntwo\n" });
});
afterEach(() => dirs.cleanup());

const identity = { GIT_AUTHOR_NAME: "U", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "U", GIT_COMMITTER_EMAIL: "u@x" };
const mux = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runMux(args, { cwd: repo, env: { MUX_ROOT: dirs.muxRoot, ...identity, ...env } });
  return { ...r, json: () => JSON.parse(r.stdout) };
};
const wsDir = (name: string) => path.join(dirs.muxRoot, "src", "app", name);
const head = (ref = "main") => gitIn(repo, "rev-parse", ref);

describe("mux workspace commit / merge", { timeout: 90_000 }, () => {
  it("commit -m, then merge (squash by default) with --delete: the trunk has the commit and the workspace is gone", async () => {
    expect((await mux(["workspace", "create", "feat"])).code).toBe(0);
    fs.writeFileSync(path.join(wsDir("feat"), "new.txt"), "hello\n");
    const commit = await mux(["workspace", "commit", "feat", "-m", "Add a greeting", "--json"]);
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.json()).toMatchObject({ status: "committed", files: 1 });
    expect((await mux(["workspace", "commit", "feat", "-m", "again"])).stdout).toBe("nothing to commit in feat\n");

    const before = head();
    const merge = await mux(["workspace", "merge", "feat", "--delete", "--json"]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.json()).toMatchObject({ status: "merged", mode: "squash", trunk: "main", previous: before, commits: 1, checkout: repo, deleted: true });
    expect(gitIn(repo, "log", "-1", "--format=%s|%P")).toBe(`Add a greeting|${before}`);
    expect(fs.readFileSync(path.join(repo, "new.txt"), "utf8")).toBe("hello\n");
    expect(fs.existsSync(wsDir("feat"))).toBe(false);
    expect(gitIn(repo, "branch", "--list", "feat")).toBe("");
  });

  it("--merge and --rebase pick the mode; two of them is refused", async () => {
    await mux(["workspace", "create", "m"]);
    commitFile(wsDir("m"), "m.txt", "m\n", "add m");
    commitFile(repo, "t.txt", "t\n", "trunk moves");
    const merged = await mux(["workspace", "merge", "m", "--merge"]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/^merged m into main \(merge, 1 commit\)/);
    expect(gitIn(repo, "log", "-1", "--format=%s")).toBe("Merge branch 'm'");

    await mux(["workspace", "create", "r"]);
    commitFile(wsDir("r"), "r1.txt", "1\n", "r one");
    commitFile(wsDir("r"), "r2.txt", "2\n", "r two");
    const rebased = await mux(["workspace", "merge", "r", "--rebase", "--json"]);
    expect(rebased.json()).toMatchObject({ status: "merged", mode: "rebase", commits: 2 });
    expect(gitIn(repo, "log", "-2", "--format=%s")).toBe("r two\nr one");

    const both = await mux(["workspace", "merge", "r", "--merge", "--rebase"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("choose one of");
    const message = await mux(["workspace", "merge", "r", "--rebase", "--message", "x"]);
    expect(message.code).toBe(1);
    expect(message.stderr).toContain("--message is for --squash and --merge");
  });

  it("a conflict exits 1 naming the files, with --json too, and changes nothing", async () => {
    await mux(["workspace", "create", "c"]);
    commitFile(wsDir("c"), "a.txt", "one\nTWO\n", "edit a");
    commitFile(repo, "a.txt", "one\n2\n", "trunk edits a");
    const before = head();
    const r = await mux(["workspace", "merge", "c"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("conflicts in a.txt; nothing was changed");
    expect(r.stderr).toContain("Ask the agent to rebase onto main");
    const j = await mux(["workspace", "merge", "c", "--json", "--delete"]);
    expect(j.code).toBe(1);
    expect(j.json()).toEqual({ status: "conflict", mode: "squash", trunk: "main", files: ["a.txt"], rebaseOnto: "main", deleted: false });
    expect(head()).toBe(before);
    expect(fs.existsSync(wsDir("c"))).toBe(true);
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
  });

  it("a dirty trunk checkout exits 1 naming the files and changes nothing; uncommitted work in the workspace is named", async () => {
    await mux(["workspace", "create", "d"]);
    commitFile(wsDir("d"), "d.txt", "d\n", "add d");
    fs.writeFileSync(path.join(wsDir("d"), "wip.txt"), "not yet\n");
    fs.writeFileSync(path.join(repo, "a.txt"), "local edit\n");
    const before = head();
    const r = await mux(["workspace", "merge", "d", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json()).toEqual({ status: "dirty-trunk", trunk: "main", checkout: repo, files: ["a.txt"], deleted: false });
    expect(head()).toBe(before);
    expect(fs.readFileSync(path.join(repo, "a.txt"), "utf8")).toBe("local edit\n");

    gitIn(repo, "checkout", "-q", "--", "a.txt");
    const ok = await mux(["workspace", "merge", "d", "--delete"]);
    expect(ok.code).toBe(1);
    expect(ok.stdout).toContain("merged d into main (squash, 1 commit)");
    expect(ok.stderr).toContain("not merged: 1 uncommitted change(s) in d (wip.txt)");
    expect(ok.stderr).toContain("not deleted:");
    expect(fs.existsSync(wsDir("d"))).toBe(true);
  });
});

describe("mux workspace push", { timeout: 90_000 }, () => {
  /** A bare repository as origin; its fetch URL looks like GitHub's (the compare link is derived from it). */
  function addOrigin(): string {
    const origin = path.join(dirs.base, "origin.git");
    gitIn(dirs.base, "init", "-q", "--bare", origin);
    gitIn(repo, "remote", "add", "origin", "git@github.com:acme/app.git");
    gitIn(repo, "remote", "set-url", "--push", "origin", origin);
    return origin;
  }

  it("pushes the branch with the user's git and sets its upstream; without gh, --pr gives the compare link", async () => {
    const origin = addOrigin();
    await mux(["workspace", "create", "feat"]);
    commitFile(wsDir("feat"), "f.txt", "f\n", "add f");
    const r = await mux(["workspace", "push", "feat", "--pr", "--json"], { PATH: `${path.join(dirs.base, "no-gh")}:/usr/bin:/bin` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({
      remote: "origin",
      branch: "feat",
      pr: null,
      prNote: "gh is not installed",
      compareUrl: "https://github.com/acme/app/compare/main...feat?expand=1",
    });
    expect(gitIn(origin, "rev-parse", "refs/heads/feat")).toBe(gitIn(repo, "rev-parse", "feat"));
    expect(gitIn(repo, "config", "branch.feat.remote")).toBe("origin");
    const plain = await mux(["workspace", "push", "feat", "--pr"], { PATH: "/usr/bin:/bin" });
    expect(plain.stdout).toBe("pushed feat to origin\nopen a pull request: https://github.com/acme/app/compare/main...feat?expand=1\n");
    expect(plain.stderr).toContain("no pull request opened: gh is not installed");
  });

  it("opens a pull request with gh, once; a signed-out gh is named", async () => {
    addOrigin();
    const gh = installFakeGh(path.join(dirs.base, "gh"));
    await mux(["workspace", "create", "feat"]);
    commitFile(wsDir("feat"), "f.txt", "f\n", "add f");
    const r = await mux(["workspace", "push", "feat", "--pr", "--json"], { PATH: gh.path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      pr: { number: 1, url: "https://github.com/acme/app/pull/1", state: "open", draft: false, checks: null },
      compareUrl: null,
      prNote: null,
    });
    expect(gh.calls()).toContainEqual(["pr", "create", "--head", "feat", "--base", "main", "--fill"]);
    const again = await mux(["workspace", "push", "feat", "--pr"], { PATH: gh.path });
    expect(again.stdout).toBe("pushed feat to origin\npull request #1 (open): https://github.com/acme/app/pull/1\n");
    expect(gh.state().prs).toHaveLength(1);

    gh.update((s) => {
      s.signedIn = false;
    });
    await mux(["workspace", "create", "other"]);
    const out = await mux(["workspace", "push", "other", "--pr", "--json"], { PATH: gh.path });
    expect(out.json()).toMatchObject({ pr: null, prNote: "gh is not signed in (run `gh auth login`)" });
  });

  it("a rejected push exits 1 with git's reason", async () => {
    const origin = addOrigin();
    await mux(["workspace", "create", "feat"]);
    commitFile(wsDir("feat"), "f.txt", "f\n", "add f");
    expect((await mux(["workspace", "push", "feat"])).code).toBe(0);
    // Someone else pushed to the branch meanwhile.
    const other = path.join(dirs.base, "other");
    gitIn(dirs.base, "clone", "-q", "-b", "feat", origin, other);
    commitFile(other, "g.txt", "g\n", "theirs");
    gitIn(other, "push", "-q", "origin", "feat");
    commitFile(wsDir("feat"), "h.txt", "h\n", "ours");
    const r = await mux(["workspace", "push", "feat"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("[rejected]");
    expect(r.stderr).toContain("feat -> feat (fetch first)");
  });
});
