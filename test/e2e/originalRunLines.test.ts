import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/** Command lines written for the original Mux's `mux run`, exactly as its users' scripts have them. */

const KEY = "sk-ant-original-lines-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
/** `mux <args>` typed in `cwd` (the workspace directory unless given). */
const mux = (args: string[], cwd = dirs.workspace, extraEnv: Record<string, string | undefined> = {}) => runMux(args, { cwd, env: { ...env(), ...extraEnv } });

describe("mux run command lines from the original Mux", () => {
  it('mux run -d . -r worktree -b 1 -t MED "…" runs in a new worktree with medium thinking under a budget', async () => {
    const repo = makeRepo(path.join(dirs.base, "app"));
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "pwd; touch from-agent.txt" } }] }, { text: "Done." });
    const r = await mux(["run", "-d", ".", "-r", "worktree", "-b", "1", "-t", "MED", "Fix the failing tests"], repo);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Done.");
    expect(fake.requests[0].body.thinking).toMatchObject({ type: "enabled", budget_tokens: 10_000 });
    // The agent worked in a worktree of the project, not in the checkout itself.
    expect(fs.existsSync(path.join(repo, "from-agent.txt"))).toBe(false);
    const worktrees = fs.readdirSync(path.join(dirs.muxRoot, "src", "app"));
    expect(worktrees).toHaveLength(1);
    expect(fs.existsSync(path.join(dirs.muxRoot, "src", "app", worktrees[0], "from-agent.txt"))).toBe(true);
  });

  it("mux run -t 0 … asks the model for no thinking", async () => {
    fake.enqueue({ text: "Plain." });
    const r = await mux(["run", "-t", "0", "Say something"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests[0].body.thinking).toBeUndefined();
  });

  it("mux run -t max … asks the model for the most thinking", async () => {
    fake.enqueue({ reasoning: "deeply", text: "Thought hard." });
    const r = await mux(["run", "-t", "max", "Think about it"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests[0].body.thinking).toMatchObject({ type: "enabled", budget_tokens: 32_000 });
  });

  it("mux run -t with a level it does not know says which levels there are", async () => {
    const r = await mux(["run", "-t", "loud", "x"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--thinking takes off, low, medium \(MED\), high, max .*0-9/);
    expect(fake.requests).toHaveLength(0);
  });

  it("a budget stop's NDJSON ends with budget-exceeded, then run-complete in the original's shape", async () => {
    // 1M input tokens on Sonnet cost $3: the first step alone passes a $1 budget.
    fake.enqueue({ text: "Step one.", toolCalls: [{ name: "bash", args: { script: "true" } }], usage: { input: 1_000_000, output: 10 } }, { text: "never" });
    const r = await mux(["run", "--json", "-b", "1", "Do a big job"]);
    expect(r.code).toBe(2);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const [exceeded, complete] = lines.slice(-2);
    expect(exceeded).toEqual({ type: "budget-exceeded", spent: expect.any(Number), budget: 1 });
    expect(exceeded.spent).toBeGreaterThan(1);
    expect(complete).toMatchObject({
      type: "run-complete",
      status: "budget-exceeded",
      usage: { inputTokens: 1_000_000, outputTokens: 10, cachedTokens: 0, cacheCreateTokens: 0, reasoningTokens: 0 },
      cost_usd: exceeded.spent,
    });
    expect(lines.filter((l) => l.type === "budget-exceeded")).toHaveLength(1);
  });

  it("a CI line with --timeout, --hide-costs and flags this Mux has no use for runs, with a note for each of those", async () => {
    fake.enqueue({ text: "Reviewed." });
    const r = await mux(["run", "--timeout", "5m", "--hide-costs", "-e", "system-1", "--service-tier", "flex", "-v", "Review"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Reviewed.");
    expect(r.stderr).toMatch(/note: --experiment has no effect/);
    expect(r.stderr).toMatch(/note: --service-tier has no effect/);
    expect(r.stderr).toMatch(/note: --verbose has no effect/);
    // The summary line is there, without its cost.
    expect(r.stderr).toMatch(/anthropic:claude-sonnet-4-5 · \d+ in/);
    expect(r.stderr).not.toMatch(/\$\d/);
  });

  it("mux run --timeout stops a run that takes longer, as a failure that keeps what it cost", async () => {
    fake.enqueue({ text: "word ".repeat(2000), chunkSize: 5, chunkDelayMs: 20 });
    const r = await mux(["run", "--json", "--timeout", "1s", "Write a lot"]);
    expect(r.code).toBe(1);
    const events = r.events;
    expect(events.find((e) => e.type === "error")).toMatchObject({ kind: "timeout", message: expect.stringContaining("--timeout 1s") });
    expect(events.at(-1)).toMatchObject({ type: "run-complete", status: "error", costUsd: expect.any(Number) });
  });

  it("mux run --config-root and --workspace-id keep the run under that directory and id, continued by the next run", async () => {
    const root = path.join(dirs.base, "other-root");
    fake.enqueue({ text: "First." }, { text: "Second." });
    const first = await mux(["run", "--config-root", root, "--workspace-id", "ci-run-7", "--json", "Remember 42"], dirs.workspace, { MUX_ROOT: undefined });
    expect(first.code, first.stderr).toBe(0);
    expect(fs.existsSync(path.join(root, "sessions", "ci-run-7", "chat.jsonl"))).toBe(true);
    const second = await mux(["run", "--config-root", root, "--workspace-id", "ci-run-7", "--json", "What number?"], dirs.workspace, { MUX_ROOT: undefined });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.stringify(fake.requests[1].body.messages)).toContain("Remember 42");
  });

  it("mux --mux-root <dir> run … keeps its data in that directory", async () => {
    const root = path.join(dirs.base, "global-root");
    fake.enqueue({ text: "Ok." });
    const r = await mux(["--mux-root", root, "run", "--workspace-id", "r1", "hi"], dirs.workspace, { MUX_ROOT: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(root, "sessions", "r1", "chat.jsonl"))).toBe(true);
  });
});
