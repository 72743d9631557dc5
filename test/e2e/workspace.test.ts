import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";

let dirs: ReturnType<typeof tempDirs>;
let repo: string;
beforeEach(() => {
  dirs = tempDirs();
  repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n", ".gitignore": ".env\nnode_modules/\n" });
  fs.writeFileSync(path.join(repo, ".env"), "SECRET=1\n");
});
afterEach(() => dirs.cleanup());

const mux = async (args: string[], opts: { cwd?: string } = {}) => {
  const r = await runMux(args, { cwd: opts.cwd ?? repo, env: { MUX_ROOT: dirs.muxRoot } });
  return { ...r, json: () => JSON.parse(r.stdout) };
};
const wsDir = (name: string) => path.join(dirs.muxRoot, "src", "app", name);

describe("projects", () => {
  it("add, list and remove; a non-repository is refused clearly", async () => {
    const added = await mux(["project", "add", repo, "--json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.json()).toMatchObject({ path: repo, name: "app" });
    expect((await mux(["project", "list", "--json"])).json()).toHaveLength(1);
    const bad = await mux(["project", "add", dirs.workspace]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not a git repository");
    expect((await mux(["project", "remove", repo])).code).toBe(0);
    expect((await mux(["project", "list", "--json"])).json()).toEqual([]);
  });
});

describe("worktree workspaces", () => {
  it("create makes a branch and worktree from trunk, copies .muxignore'd files, and lists it", async () => {
    fs.writeFileSync(path.join(repo, ".muxignore"), "# files git ignores but agents need\n.env\n");
    const r = await mux(["workspace", "create", "My Feature!", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const ws = r.json();
    expect(ws).toMatchObject({ name: "My-Feature", branch: "My-Feature", base: "main", runtime: { type: "worktree", path: wsDir("My-Feature") } });
    expect(fs.readFileSync(path.join(wsDir("My-Feature"), "README.md"), "utf8")).toBe("# app\n");
    expect(fs.readFileSync(path.join(wsDir("My-Feature"), ".env"), "utf8")).toBe("SECRET=1\n");
    expect(gitIn(wsDir("My-Feature"), "branch", "--show-current")).toBe("My-Feature");
    const list = (await mux(["workspace", "list", "--json"])).json();
    expect(list).toEqual([expect.objectContaining({ id: ws.id, health: "ok" })]);
    const dup = await mux(["workspace", "create", "My-Feature"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already exists");
  });

  it("starts from origin's default branch when there is a remote, or from --base", async () => {
    const origin = path.join(dirs.base, "origin.git");
    gitIn(dirs.base, "clone", "-q", "--bare", repo, origin);
    const clone = path.join(dirs.base, "clone");
    gitIn(dirs.base, "clone", "-q", origin, clone);
    gitIn(clone, "checkout", "-q", "-b", "local-only");
    const r = await mux(["workspace", "create", "a", "--json"], { cwd: clone });
    expect(r.json().base).toBe("origin/main");
    gitIn(clone, "branch", "release");
    const b = await mux(["workspace", "create", "b", "--base", "release", "--json"], { cwd: clone });
    expect(b.json().base).toBe("release");
  });

  it("rename moves the worktree and the branch, keeping the id", async () => {
    const ws = (await mux(["workspace", "create", "old", "--json"])).json();
    const r = await mux(["workspace", "rename", "old", "new", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ id: ws.id, name: "new", branch: "new", runtime: { path: wsDir("new") } });
    expect(fs.existsSync(wsDir("old"))).toBe(false);
    expect(gitIn(wsDir("new"), "branch", "--show-current")).toBe("new");
    expect(gitIn(repo, "branch", "--list", "old")).toBe("");
  });

  it("fork branches from the source's HEAD and copies its chat", async () => {
    const src = (await mux(["workspace", "create", "src", "--json"])).json();
    commitFile(wsDir("src"), "feature.txt", "work\n");
    const chatDir = path.join(dirs.muxRoot, "sessions", src.id);
    fs.mkdirSync(chatDir, { recursive: true });
    fs.writeFileSync(path.join(chatDir, "chat.jsonl"), '{"id":"m1","role":"user","createdAt":1,"parts":[{"type":"text","text":"hi"}]}\n');
    const r = await mux(["workspace", "fork", "src", "src-2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const fork = r.json();
    expect(fork).toMatchObject({ name: "src-2", forkedFrom: src.id, base: "main" });
    expect(gitIn(wsDir("src-2"), "rev-parse", "HEAD")).toBe(gitIn(wsDir("src"), "rev-parse", "HEAD"));
    expect(fs.readFileSync(path.join(dirs.muxRoot, "sessions", fork.id, "chat.jsonl"), "utf8")).toContain('"hi"');
  });

  it("delete refuses to lose uncommitted changes or unmerged commits unless forced", async () => {
    await mux(["workspace", "create", "keep"]);
    await mux(["workspace", "create", "doomed"]);
    fs.writeFileSync(path.join(wsDir("doomed"), "wip.txt"), "uncommitted\n");
    const dirty = await mux(["workspace", "delete", "doomed"]);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain("uncommitted change");
    gitIn(wsDir("doomed"), "add", "wip.txt");
    gitIn(wsDir("doomed"), "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "wip");
    const unmerged = await mux(["workspace", "delete", "doomed"]);
    expect(unmerged.code).toBe(1);
    expect(unmerged.stderr).toContain("1 commit(s) on no other branch");
    expect(fs.existsSync(wsDir("doomed"))).toBe(true);

    const forced = await mux(["workspace", "delete", "doomed", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.existsSync(wsDir("doomed"))).toBe(false);
    expect(gitIn(repo, "branch", "--list", "doomed")).toBe("");
    expect(gitIn(repo, "worktree", "list")).not.toContain("doomed");
    // Nothing else touched.
    expect(fs.existsSync(wsDir("keep"))).toBe(true);
    expect(fs.readFileSync(path.join(repo, ".env"), "utf8")).toBe("SECRET=1\n");
    expect((await mux(["workspace", "list", "--json"])).json().map((w: { name: string }) => w.name)).toEqual(["keep"]);
  });

  it("list reports git status: ahead/behind the base, dirty files, lines changed", async () => {
    await mux(["workspace", "create", "busy"]);
    commitFile(wsDir("busy"), "new.txt", "a\nb\n");
    commitFile(repo, "upstream.txt", "x\n");
    fs.writeFileSync(path.join(wsDir("busy"), "README.md"), "# app\nmore\n");
    const [ws] = (await mux(["workspace", "list", "--json"])).json();
    expect(ws.git).toMatchObject({ branch: "busy", base: "main", ahead: 1, behind: 1, dirtyFiles: 1, linesAdded: 3, linesRemoved: 0 });
    expect((await mux(["workspace", "list"])).stdout).toContain("↑1 ↓1 •1 +3 -0");
  });

  it("list starts with a header row naming its columns; --json stays a plain array", async () => {
    await mux(["workspace", "create", "one"]);
    const lines = (await mux(["workspace", "list"])).stdout.trimEnd().split("\n");
    expect(lines[0].split("\t")).toEqual(["NAME", "ID", "RUNTIME", "BRANCH", "WHERE", "GIT"]);
    expect(lines[1].split("\t").slice(0, 5)).toEqual(["one", expect.any(String), "worktree", "one", wsDir("one")]);
    expect(lines[1].split("\t")).toHaveLength(6);
    const json = (await mux(["workspace", "list", "--json"])).json();
    expect(json).toEqual([expect.objectContaining({ name: "one" })]);
  });

  it("a clean workspace whose commits were merged deletes without --force", async () => {
    await mux(["workspace", "create", "merged"]);
    commitFile(wsDir("merged"), "done.txt", "x\n");
    gitIn(repo, "merge", "-q", "--ff-only", "merged");
    const r = await mux(["workspace", "delete", "merged"]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("a worktree or branch deleted by hand shows as missing, and can be re-created or removed", async () => {
    await mux(["workspace", "create", "gone"]);
    fs.rmSync(wsDir("gone"), { recursive: true, force: true });
    const list = await mux(["workspace", "list", "--json"]);
    expect(list.code).toBe(0);
    expect(list.json()[0].health).toBe("missing-worktree");
    const run = await mux(["run", "--workspace", "gone", "-m", "ollama:x", "hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("mux workspace recreate gone");
    const re = await mux(["workspace", "recreate", "gone"]);
    expect(re.code, re.stderr).toBe(0);
    expect(fs.existsSync(path.join(wsDir("gone"), "README.md"))).toBe(true);

    gitIn(repo, "worktree", "remove", "--force", wsDir("gone"));
    gitIn(repo, "branch", "-D", "gone");
    fs.mkdirSync(wsDir("gone"), { recursive: true });
    expect((await mux(["workspace", "list", "--json"])).json()[0].health).toBe("missing-worktree");
    const del = await mux(["workspace", "delete", "gone"]);
    expect(del.code, del.stderr).toBe(0);
    expect((await mux(["workspace", "list", "--json"])).json()).toEqual([]);
  });
});

describe("init hook", () => {
  function addHook(script: string) {
    fs.mkdirSync(path.join(repo, ".mux"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".mux", "init"), script, { mode: 0o755 });
    gitIn(repo, "add", ".mux/init");
    gitIn(repo, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "hook");
  }

  it("runs once in each new workspace with its environment; output is streamed and kept", async () => {
    addHook('#!/bin/bash\necho "hook in $(pwd) runtime=$MUX_RUNTIME project=$MUX_PROJECT_PATH name=$MUX_WORKSPACE_NAME"\ntouch .initialized\n');
    const r = await mux(["workspace", "create", "hooked", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const line = `hook in ${wsDir("hooked")} runtime=worktree project=${repo} name=hooked`;
    expect(r.stderr).toContain(line);
    expect(r.json().init).toBe("succeeded");
    expect(fs.existsSync(path.join(wsDir("hooked"), ".initialized"))).toBe(true);
    expect(fs.readFileSync(path.join(dirs.muxRoot, "sessions", r.json().id, "init.log"), "utf8")).toContain(line);
  });

  it("a failing hook is reported but the workspace is usable", async () => {
    addHook("#!/bin/bash\necho broken >&2\nexit 3\n");
    const r = await mux(["workspace", "create", "failing", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json().init).toBe("failed");
    expect(r.stderr).toContain("init hook failed (exit 3)");
    expect(fs.existsSync(wsDir("failing"))).toBe(true);
  });
});

describe("the registry under concurrency and corruption", () => {
  it("ten processes creating workspaces at once lose no update", { timeout: 90_000 }, async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => mux(["workspace", "create", `par-${i}`, "--runtime", "local", "--json"])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const names = (await mux(["workspace", "list", "--json"]))
      .json()
      .map((w: { name: string }) => w.name)
      .sort();
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `par-${i}`).sort());
  });

  it("a corrupt config.json is reported with its location and backed up, never replaced", async () => {
    await mux(["workspace", "create", "precious", "--runtime", "local"]);
    const file = path.join(dirs.muxRoot, "config.json");
    const broken = fs.readFileSync(file, "utf8").replace('"workspaces"', '"workspaces" oops');
    fs.writeFileSync(file, broken);
    for (const args of [
      ["workspace", "list"],
      ["workspace", "create", "another", "--runtime", "local"],
    ]) {
      const r = await mux(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/config\.json:\d+:\d+ is corrupt/);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(broken);
    const backups = fs.readdirSync(dirs.muxRoot).filter((f) => f.startsWith("config.json.corrupt-"));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(dirs.muxRoot, backups[0]), "utf8")).toBe(broken);
  });
});
