import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalRuntime } from "../runtime/local.js";
import type { ExecOptions, ExecResult, Runtime } from "../runtime/types.js";
import { type GitStatus, type StatusTarget, gitStatus, gitStatusAll } from "./gitStatus.js";
import { GitStatusMonitor, fetchBackoffDelay } from "./gitStatusMonitor.js";
import { parseBatchOutput, parseStatusOutput } from "./gitStatusScript.js";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

let tmp: string;
let repo: string;

/** A fresh repository (main, one commit) in a temp dir for each test of the calling describe. */
function useRepo() {
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-gitstatus-")));
    repo = path.join(tmp, "repo");
    fs.mkdirSync(repo);
    git(repo, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(repo, "a.txt"), "one\ntwo\nthree\n");
    fs.writeFileSync(path.join(repo, "b.txt"), "bee\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "init");
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
}

/** `git worktree add -b name` from main; returns its directory. */
function addWorkspace(name: string, base = "main"): string {
  const dir = path.join(tmp, "ws", name);
  git(repo, "worktree", "add", "-q", "-b", name, dir, base);
  return dir;
}

function commitFile(dir: string, file: string, content: string, msg = `edit ${file}`) {
  fs.writeFileSync(path.join(dir, file), content);
  git(dir, "add", "--", file);
  git(dir, "commit", "-qm", msg);
}

function target(dir: string, base = "main", id = path.basename(dir)): StatusTarget {
  return { id, runtime: new LocalRuntime(dir), base };
}

/** Wraps a runtime, counting (and optionally gating) its exec calls. */
function instrument(rt: Runtime) {
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  const wrapped: Runtime = Object.create(rt) as Runtime;
  wrapped.exec = async (script: string, options?: ExecOptions): Promise<ExecResult> => {
    calls.push(script);
    if (gate) await gate;
    return rt.exec(script, options);
  };
  return {
    runtime: wrapped,
    calls,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => {
        release = () => {
          gate = undefined;
          r();
        };
      });
      return release;
    },
  };
}

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

describe("parseStatusOutput", () => {
  it("only recognises markers at record boundaries", () => {
    const out = [
      "@@mux:status",
      "# branch.oid 0123456789abcdef0123456789abcdef01234567",
      "# branch.head topic",
      "2 R. N... 100644 100644 100644 aaa aaa R100 new",
      "@@mux:end 1", // the original path of the rename
      "? @@mux:done",
      "@@mux:end 0",
      "@@mux:revlist 0",
      "3\t4",
      "@@mux:numstat",
      "1\t2\tplain",
      "5\t6\t",
      "@@mux:end 0", // rename source
      "@@mux:done", // rename destination
      "-\t-\tbinary",
      "@@mux:end 0 mergebase",
      "@@mux:untracked",
      "7\n0\n",
      "@@mux:end 2",
      "@@mux:done",
      "",
    ].join("\0");
    expect(parseStatusOutput(out)).toMatchObject({
      statusRc: 0,
      branch: "topic",
      dirtyFiles: 2,
      numstatAgainst: "mergebase",
      revlist: "3\t4",
      linesAdded: 6,
      linesRemoved: 8,
      untrackedLines: 7,
      done: true,
    });
  });
});

describe("parseBatchOutput", () => {
  it("splits a batch by workspace and does not let a cut-short one swallow the next", () => {
    const out = [
      "@@mux:ws 0",
      "@@mux:missing",
      "no such directory",
      "@@mux:done",
      "@@mux:ws 1",
      "@@mux:status",
      "# branch.oid 0123456789abcdef0123456789abcdef01234567",
      "? a", // cut short here
      "@@mux:ws 2",
      "@@mux:status",
      "# branch.head b",
      "@@mux:end 0",
      "@@mux:done",
      "",
    ].join("\0");
    const [a, b, c, d] = parseBatchOutput(out, 4);
    expect(a).toMatchObject({ missing: "no such directory", done: true });
    expect(b).toMatchObject({ done: false, dirtyFiles: 1 });
    expect(c).toMatchObject({ done: true, branch: "b", dirtyFiles: 0 });
    expect(d).toBeUndefined();
  });
});

describe("GitStatusMonitor", () => {
  useRepo();

  it("coalesces concurrent refreshes: 10 requests, at most 2 execs", async () => {
    const dir = addWorkspace("coalesce");
    const inst = instrument(new LocalRuntime(dir));
    const m = new GitStatusMonitor();
    m.setTarget({ id: "w", runtime: inst.runtime, base: "main" });
    const results = await Promise.all(Array.from({ length: 10 }, () => m.refresh(["w"])));
    expect(inst.calls.length).toBeLessThanOrEqual(2);
    expect(inst.calls.length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect(r.get("w")?.branch).toBe("coalesce");
    expect(m.get("w")?.branch).toBe("coalesce");
  });

  it("a request during a run schedules exactly one more run, which sees the new state", async () => {
    const dir = addWorkspace("during");
    const inst = instrument(new LocalRuntime(dir));
    const m = new GitStatusMonitor();
    m.setTarget({ id: "w", runtime: inst.runtime, base: "main" });
    const release = inst.hold();
    const first = m.refresh(["w"]);
    await waitFor(() => inst.calls.length === 1);
    // While the first run is in flight, the agent writes a file and asks five times.
    fs.writeFileSync(path.join(dir, "new.txt"), "n\n");
    const later = Array.from({ length: 5 }, () => m.refresh(["w"]));
    release();
    await first;
    const results = await Promise.all(later);
    expect(inst.calls).toHaveLength(2);
    for (const r of results) expect(r.get("w")?.dirtyFiles).toBe(1);
  });

  it("emits onChange only when a status actually changed", async () => {
    const dir = addWorkspace("changes");
    let clock = 1_000;
    const m = new GitStatusMonitor({ now: () => clock++ });
    m.setTarget(target(dir, "main", "w"));
    const events: [string, GitStatus, GitStatus | undefined][] = [];
    const off = m.onChange((id, s, prev) => events.push([id, s, prev]));
    await m.refresh();
    expect(events).toHaveLength(1);
    expect(events[0][2]).toBeUndefined();
    await m.refresh(["w"]);
    await m.refresh(["w"]);
    expect(events).toHaveLength(1); // nothing changed (only updatedAt)
    expect(m.get("w")?.updatedAt).toBeGreaterThan(events[0][1].updatedAt);
    fs.appendFileSync(path.join(dir, "a.txt"), "x\n");
    await m.refresh(["w"]);
    expect(events).toHaveLength(2);
    expect(events[1][1]).toMatchObject({ dirtyFiles: 1, linesAdded: 1 });
    expect(events[1][2]?.dirtyFiles).toBe(0);
    off();
    fs.appendFileSync(path.join(dir, "a.txt"), "y\n");
    await m.refresh(["w"]);
    expect(events).toHaveLength(2);
  });

  it("refreshes many workspaces in few execs, each reported once", async () => {
    let execs = 0;
    const m = new GitStatusMonitor({ concurrency: 2 });
    const events: string[] = [];
    m.onChange((id) => events.push(id));
    for (let i = 0; i < 6; i++) {
      const rt = new LocalRuntime(addWorkspace(`m${i}`));
      const exec = rt.exec.bind(rt);
      rt.exec = (script, o) => {
        execs++;
        return exec(script, o);
      };
      m.setTarget({ id: `m${i}`, runtime: rt, base: "main" });
    }
    const all = await m.refresh();
    expect(all.size).toBe(6);
    expect(execs).toBe(2);
    expect(events.sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
    for (let i = 0; i < 6; i++) expect(m.get(`m${i}`)?.branch).toBe(`m${i}`);
  });

  it("refreshes all targets with bounded concurrency and ignores unknown ids", async () => {
    let active = 0;
    let peak = 0;
    const m = new GitStatusMonitor({
      concurrency: 3,
      statusFn: async (t) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active--;
        return { ...fakeStatus(t.base), branch: t.id };
      },
    });
    for (let i = 0; i < 10; i++) m.setTarget({ id: `w${i}`, runtime: new LocalRuntime(tmp), base: "main" });
    const all = await m.refresh([...Array.from({ length: 10 }, (_, i) => `w${i}`), "unknown"]);
    expect(all.size).toBe(10);
    expect(peak).toBe(3);
    expect(all.get("w7")?.branch).toBe("w7");
  });
});

function fakeStatus(base: string): GitStatus {
  return {
    branch: "x",
    detached: false,
    headSha: null,
    ahead: 0,
    behind: 0,
    dirtyFiles: 0,
    linesAdded: 0,
    linesRemoved: 0,
    base,
    updatedAt: 0,
  };
}

async function waitFor(cond: () => boolean, timeoutMs = 5_000) {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A runtime whose exec answers from a script, for fetch tests. */
function fakeRuntime(answer: (script: string) => Promise<{ exitCode: number; stderr?: string; stdout?: string }>) {
  const calls: string[] = [];
  const rt = Object.create(new LocalRuntime("/nonexistent-project")) as Runtime;
  rt.exec = async (script, options) => {
    calls.push(script);
    const a = await answer(script);
    if (a.stdout) options?.onStdout?.(a.stdout);
    if (a.stderr) options?.onStderr?.(a.stderr);
    return { exitCode: a.exitCode, signal: null, timedOut: false, aborted: false, durationMs: 1 };
  };
  return { rt, calls };
}

describe("fetch backoff", () => {
  it("computes 60 s → 120 s → 240 s … capped at 30 min", () => {
    expect(fetchBackoffDelay(0)).toBe(60_000);
    expect(fetchBackoffDelay(1)).toBe(60_000);
    expect(fetchBackoffDelay(2)).toBe(120_000);
    expect(fetchBackoffDelay(3)).toBe(240_000);
    expect(fetchBackoffDelay(5)).toBe(960_000);
    expect(fetchBackoffDelay(6)).toBe(1_800_000); // 1 920 s, capped
    expect(fetchBackoffDelay(100)).toBe(1_800_000);
    expect(fetchBackoffDelay(3, 10_000, 25_000)).toBe(25_000);
  });

  it("throttles to once per interval and backs off exponentially after failures", async () => {
    let now = 0;
    let fail = true;
    const { rt, calls } = fakeRuntime(async () =>
      fail ? { exitCode: 128, stderr: "fatal: unable to access 'https://x/': Could not resolve host\n" } : { exitCode: 0 },
    );
    const m = new GitStatusMonitor({ now: () => now });
    const schedule: number[] = [];
    // Poll every 10 s for 3 hours of fake time; record when a fetch really ran.
    for (now = 0; now <= 3 * 3600_000; now += 10_000) {
      const r = await m.fetchRemote(rt);
      if (r.ran) {
        schedule.push(now / 1000);
        expect(r.ok).toBe(false);
        expect(r.error).toMatch(/Could not resolve host/);
      } else {
        expect(r.skipped).toBe("backoff");
      }
    }
    // gaps: 60, 120, 240, 480, 960, 1800, 1800, …
    const gaps = schedule.slice(1).map((t, i) => t - schedule[i]);
    expect(gaps.slice(0, 7)).toEqual([60, 120, 240, 480, 960, 1800, 1800]);
    expect(calls.length).toBe(schedule.length);
    expect(m.fetchState(`${rt.type}:${rt.root}`)?.failures).toBe(schedule.length);

    // Recovery: the next allowed fetch succeeds, failures reset, back to the plain interval.
    fail = false;
    now = m.fetchState(`${rt.type}:${rt.root}`)!.nextAllowedAt;
    const ok = await m.fetchRemote(rt);
    expect(ok).toMatchObject({ ran: true, ok: true, nextAllowedAt: now + 60_000 });
    now += 59_999;
    expect(await m.fetchRemote(rt)).toMatchObject({ ran: false, skipped: "interval", ok: true });
    now += 1;
    expect((await m.fetchRemote(rt)).ran).toBe(true);
    // force bypasses the throttle.
    expect((await m.fetchRemote(rt, { force: true })).ran).toBe(true);
  });

  describe("with a repository", () => {
    useRepo();

    it("shares a fetch in flight and never blocks status refreshes", async () => {
      let releaseFetch!: () => void;
      const fetchGate = new Promise<void>((r) => {
        releaseFetch = r;
      });
      const { rt, calls } = fakeRuntime(async () => {
        await fetchGate;
        return { exitCode: 0 };
      });
      const dir = addWorkspace("nonblocking");
      const m = new GitStatusMonitor({ concurrency: 1 });
      m.setTarget(target(dir, "main", "w"));
      const f1 = m.fetchRemote(rt, { refresh: ["w"] });
      const f2 = m.fetchRemote(rt);
      // The fetch hangs; the status refresh completes anyway.
      const s = await m.refresh(["w"]);
      expect(s.get("w")?.branch).toBe("nonblocking");
      releaseFetch();
      expect(await f1).toMatchObject({ ran: true, ok: true });
      expect(await f2).toBe(await f1);
      expect(calls).toHaveLength(1);
      m.dispose();
    });

    it("runs a real git fetch from a remote, and treats a project without remotes as nothing to do", async () => {
      const clone = path.join(tmp, "clone");
      git(tmp, "clone", "-q", repo, clone);
      commitFile(repo, "upstream.txt", "u\n");
      const m = new GitStatusMonitor();
      const r = await m.fetchRemote(new LocalRuntime(clone));
      expect(r).toMatchObject({ ran: true, ok: true });
      expect(git(clone, "rev-parse", "origin/main")).toBe(git(repo, "rev-parse", "main"));
      const s = await gitStatus(target(clone, "origin/main"));
      expect(s).toMatchObject({ behind: 1, ahead: 0 });

      const none = await m.fetchRemote(new LocalRuntime(repo));
      expect(none).toMatchObject({ ran: true, ok: true, noRemote: true });
    });
  });
});
