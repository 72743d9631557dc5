import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";
import { connect, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

const lines = (n: number, tag = "") => `${Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join("\n")}\n`;

let dirs: ReturnType<typeof tempDirs>;
let repo: string;
let worktree: string;
const env = () => ({ MUX_ROOT: dirs.muxRoot });
const mux = (args: string[]) => runMux(args, { cwd: repo, env: env() });

beforeAll(async () => {
  dirs = tempDirs();
  repo = makeRepo(path.join(dirs.base, "app"), { "src/main.ts": lines(30), "old.txt": "moving\n" });
  const created = await mux(["workspace", "create", "feat", "--json"]);
  expect(created.code, created.stderr).toBe(0);
  worktree = JSON.parse(created.stdout).runtime.path;
  commitFile(worktree, "committed.txt", "on the branch\n");
  fs.writeFileSync(path.join(worktree, "src/main.ts"), lines(30).replace("line 10\n", "line ten\n"));
  gitIn(worktree, "mv", "old.txt", "new.txt");
  fs.writeFileSync(path.join(worktree, "untracked.txt"), "new\n");
});
afterAll(() => dirs?.cleanup());

describe("mux workspace diff", () => {
  it("prints the patch of committed, uncommitted and untracked changes against the trunk's merge-base", async () => {
    const r = await mux(["workspace", "diff", "feat"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("+++ b/committed.txt\n@@ -0,0 +1 @@\n+on the branch");
    expect(r.stdout).toContain("-line 10\n+line ten");
    expect(r.stdout).toContain("rename from old.txt\nrename to new.txt");
    expect(r.stdout).toContain("+++ b/untracked.txt");
  });

  it("--stat, --name-only, --no-untracked and --base HEAD", async () => {
    const stat = await mux(["workspace", "diff", "feat", "--stat"]);
    expect(stat.stdout.split("\n")).toEqual([
      "committed.txt      | +1 -0",
      "old.txt => new.txt | +0 -0",
      "src/main.ts        | +1 -1",
      "untracked.txt      | +1 -0 (untracked)",
      expect.stringMatching(/^4 files changed, \+3 -1 \(merge-base with main, [0-9a-f]{10}\)$/),
      "",
    ]);
    expect((await mux(["workspace", "diff", "feat", "--name-only", "--no-untracked"])).stdout).toBe("committed.txt\nnew.txt\nsrc/main.ts\n");
    expect((await mux(["workspace", "diff", "feat", "--name-only", "--base", "HEAD"])).stdout).toBe("new.txt\nsrc/main.ts\nuntracked.txt\n");
  });

  it("--json gives each file with its hunks", async () => {
    const r = await mux(["workspace", "diff", "feat", "--json"]);
    const out = JSON.parse(r.stdout);
    expect(out.base.label).toBe("merge-base with main");
    const main = out.files.find((f: { path: string }) => f.path === "src/main.ts");
    expect(main).toMatchObject({ status: "modified", added: 1, removed: 1, binary: false, untracked: false });
    expect(main.hunks[0]).toMatchObject({ oldStart: 7, newStart: 7, lines: expect.arrayContaining(["-line 10", "+line ten"]) });
    expect(out.files.find((f: { path: string }) => f.path === "new.txt")).toMatchObject({ status: "renamed", oldPath: "old.txt" });
  });

  it("an unknown base is an error that says so", async () => {
    const r = await mux(["workspace", "diff", "feat", "--base", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nope");
  });
});

describe("review marks and reverts through the server", () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("marks survive a server restart and are dropped when the hunk changes; reverts undo committed and uncommitted hunks", { timeout: 120_000 }, async () => {
    const first = await startServer({ muxRoot: dirs.muxRoot, env: {} });
    servers.push(first);
    const c1 = await connect(first);
    const ws = (await c1.api.workspaces.list()).find((w) => w.name === "feat")!;
    const target = { workspaceId: ws.id };
    const s1 = await c1.api.review.summary(target);
    expect(s1.files.map((f) => f.path)).toEqual(["committed.txt", "new.txt", "src/main.ts", "untracked.txt"]);
    const page = await c1.api.review.files({ ...target, paths: ["src/main.ts", "committed.txt"], version: s1.version });
    const [mainHunk] = page.files[0].hunks;
    const [committedHunk] = page.files[1].hunks;
    await c1.api.review.mark({ ...target, hashes: [mainHunk.hash, committedHunk.hash], reviewed: true });
    c1.close();
    await first.kill();

    const second = await startServer({ muxRoot: dirs.muxRoot, env: {} });
    servers.push(second);
    const c2 = await connect(second);
    try {
      // Nothing to answer from yet (a fresh server): `cached` takes a diff like any summary.
      const s2 = await c2.api.review.summary({ ...target, cached: true });
      expect(s2.cached).toBeUndefined();
      expect(s2.files.map((f) => [f.path, f.reviewed, f.hunks])).toEqual([
        ["committed.txt", 1, 1],
        ["new.txt", 0, 1],
        ["src/main.ts", 1, 1],
        ["untracked.txt", 0, 1],
      ]);
      // An open review hears about the edit, and the edited hunk is no longer marked.
      const watch = await c2.api.review.watch(target);
      await new Promise((r) => setTimeout(r, 600)); // the watcher's first look at the tree
      fs.writeFileSync(path.join(worktree, "src/main.ts"), lines(30).replace("line 10\n", "line TEN\n"));
      await readUntil(watch, (e) => e.type === "changed");
      await watch.return?.();
      // `cached` answers from the last diff without looking at the tree (a pane opening at once), a plain summary looks.
      const last = await c2.api.review.summary({ ...target, cached: true });
      expect(last).toMatchObject({ cached: true, version: s2.version });
      expect(last.files.find((f) => f.path === "src/main.ts")?.reviewed).toBe(1);
      const s3 = await c2.api.review.summary(target);
      expect(s3.cached).toBeUndefined();
      expect(s3.version).not.toBe(s2.version);
      expect(s3.files.find((f) => f.path === "src/main.ts")?.reviewed).toBe(0);
      expect(s3.files.find((f) => f.path === "committed.txt")?.reviewed).toBe(1);

      // Uncommitted hunk: the file is restored.
      const main = (await c2.api.review.files({ ...target, paths: ["src/main.ts"] })).files[0].hunks[0];
      await c2.api.review.revert({ ...target, path: "src/main.ts", hunk: main.hash });
      expect(fs.readFileSync(path.join(worktree, "src/main.ts"), "utf8")).toBe(lines(30));
      // Committed hunk: its inverse becomes an uncommitted edit; the branch's history stays.
      const head = gitIn(worktree, "rev-parse", "HEAD");
      await c2.api.review.revert({ ...target, path: "committed.txt", hunk: committedHunk.hash });
      expect(fs.existsSync(path.join(worktree, "committed.txt"))).toBe(false);
      expect(gitIn(worktree, "rev-parse", "HEAD")).toBe(head);
      const s4 = await c2.api.review.summary(target);
      expect(s4.files.map((f) => f.path)).toEqual(["new.txt", "untracked.txt"]);
      // "Whole file" reads files of the workspace only, links included.
      expect((await c2.api.review.fileText({ ...target, path: "src/main.ts" })).text).toBe(lines(30));
      fs.symlinkSync("/etc/hostname", path.join(worktree, "escape.txt"));
      await expect(c2.api.review.fileText({ ...target, path: "escape.txt" })).rejects.toThrow(/outside the workspace/);
      await expect(c2.api.review.fileText({ ...target, path: "../app/src/main.ts" })).rejects.toThrow(/outside the workspace/);
      fs.rmSync(path.join(worktree, "escape.txt"));
      // A stale hunk is refused with a reason.
      await expect(c2.api.review.revert({ ...target, path: "new.txt", hunk: "0000" })).rejects.toThrow(/no longer there/);
    } finally {
      c2.close();
    }
  });
});
