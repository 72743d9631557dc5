import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import { emptyStatus, type GitStatus, gitStatus } from "./gitStatus.js";
import { GitStatusMonitor, fetchBackoffDelay } from "./gitStatusMonitor.js";
import { addWorkspace, commitFile, git, instrument, repo, target, tmp, useRepo } from "./gitStatus.testkit.js";

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

  /** A monitor over six local workspaces, counting the execs their status takes. */
  const sixWorkspaces = () => {
    const counter = { execs: 0 };
    const m = new GitStatusMonitor({ concurrency: 2 });
    for (let i = 0; i < 6; i++) {
      const rt = new LocalRuntime(addWorkspace(`m${i}`));
      const exec = rt.exec.bind(rt);
      rt.exec = (script, o) => {
        counter.execs++;
        return exec(script, o);
      };
      m.setTarget({ id: `m${i}`, runtime: rt, base: "main" });
    }
    return { m, counter };
  };

  it("refreshes many workspaces in few execs, each reported once", async () => {
    const { m, counter } = sixWorkspaces();
    const events: string[] = [];
    m.onChange((id) => events.push(id));
    const all = await m.refresh();
    expect(all.size).toBe(6);
    expect(counter.execs).toBe(2);
    expect(events.sort()).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
    for (let i = 0; i < 6; i++) expect(m.get(`m${i}`)?.branch).toBe(`m${i}`);
  });

  it("a background pass takes one exec for all; joined by a request someone waits on, it uses every slot", async () => {
    const { m, counter } = sixWorkspaces();
    const all = await m.refresh(undefined, { background: true });
    expect(all.size).toBe(6);
    expect(counter.execs).toBe(1);
    for (let i = 0; i < 6; i++) expect(m.get(`m${i}`)?.branch).toBe(`m${i}`);
    counter.execs = 0;
    await Promise.all([m.refresh(undefined, { background: true }), m.refresh(["m3"])]);
    expect(counter.execs).toBe(2);
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
  return { ...emptyStatus(base, 0), branch: "x" };
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
