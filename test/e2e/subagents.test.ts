import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEventOf } from "../../src/agent/events.js";
import type { TaskReport } from "../../src/tools/types.js";
import { ConfigStore } from "../../src/workspace/config.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { commitScript, delegateAndApply, scripted } from "../helpers/subagentScript.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/** `mux run` with the task tool: helpers in child worktrees of the project at --dir, their events in --json. */

const KEY = "sk-ant-subagents-run-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });

describe("mux run: sub-agents", () => {
  it("--json carries each helper's events tagged with its workspace id; the run's cost includes the helper's", async () => {
    const repo = makeRepo(path.join(dirs.base, "cli-repo"));
    fake.setResponder(
      scripted(
        delegateAndApply({
          parent: "PARENT-CLI",
          child: "CHILD-NOTES",
          title: "Add notes",
          script: commitScript("notes.txt", "hello"),
          childAnswer: "wrote notes.txt",
          parentAnswer: "notes are in",
        }),
      ),
    );
    const r = await runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "PARENT-CLI: take notes"], { env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "completed", text: "notes are in" });

    const child = new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.parentWorkspaceId === done.sessionId)!;
    expect(child).toMatchObject({ name: "add-notes", taskStatus: "reported", runtime: { type: "worktree" } });
    const tagged = r.events.filter((e): e is AgentEventOf<"child-event"> => e.type === "child-event");
    expect(new Set(tagged.map((e) => `${e.childId}<${e.parentId}`))).toEqual(new Set([`${child.id}<${done.sessionId}`]));
    expect(tagged.map((e) => e.event.type)).toEqual(expect.arrayContaining(["stream-start", "tool-call-args", "tool-call-end", "stream-end"]));

    const report = r.events.find((e): e is AgentEventOf<"tool-call-end"> => e.type === "tool-call-end" && e.toolName === "task")!.result as TaskReport;
    expect(report).toMatchObject({ taskId: child.id, status: "completed", reportMarkdown: "wrote notes.txt", commits: 1 });
    expect(done.costUsd).toBeGreaterThan(report.costUsd ?? Number.POSITIVE_INFINITY);
    expect(gitIn(repo, "diff", "--cached", "--name-only")).toBe("notes.txt");

    // The helper's chat is a workspace's like any other: `mux run --workspace` continues it.
    fake.setResponder(null);
    fake.enqueue({ text: "still here" });
    const again = await runMux(["run", "--json", "--dir", repo, "--workspace", child.name, "-m", "sonnet", "anything else?"], { env: env() });
    expect(lastEvent(again.events, "run-complete")).toMatchObject({ status: "completed", sessionId: child.id, text: "still here" });
  });

  it("--budget counts what the helpers spend: a helper stops at what is left of it, and so does the run", async () => {
    const repo = makeRepo(path.join(dirs.base, "budget-repo"));
    fake.setResponder(
      scripted({
        "PARENT-BUDGET": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "task", args: { title: "Big job", prompt: "CHILD-BIG: read everything" } }] } : { text: "never" },
        // 1M input tokens on Sonnet cost $3: the helper's first step alone passes the run's $1.
        "CHILD-BIG": () => ({ toolCalls: [{ name: "bash", args: { script: "touch ran.txt" } }], usage: { input: 1_000_000, output: 10 } }),
      }),
    );
    const r = await runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "-b", "1", "PARENT-BUDGET: go"], { env: env() });
    expect(r.code).toBe(2);
    const report = r.events.find((e): e is AgentEventOf<"tool-call-end"> => e.type === "tool-call-end" && e.toolName === "task")!.result as TaskReport;
    expect(report).toMatchObject({ status: "error", error: "its budget ran out" });
    expect(report.costUsd).toBeGreaterThan(3);
    // The parent asked nothing more once its helper had spent the budget, and the helper ran no tool.
    expect(fake.requests).toHaveLength(2);
    const childEvents = r.events.flatMap((e) => (e.type === "child-event" ? [e.event] : []));
    expect(childEvents.filter((e) => e.type === "tool-call-end")).toEqual([]);
    expect(childEvents.some((e) => e.type === "stream-abort" && e.reason === "budget")).toBe(true);
    const exceeded = lastEvent(r.events, "budget-exceeded")!;
    expect(exceeded.spent).toBeGreaterThan(3);
    expect(lastEvent(r.events, "run-complete")).toMatchObject({ status: "budget-exceeded" });
  });

  it("prints the helpers' tool calls on stderr, tagged, in the default output", async () => {
    const repo = makeRepo(path.join(dirs.base, "pretty-repo"));
    fake.setResponder(
      scripted({
        "PARENT-PRETTY": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "task", args: { title: "Say hi", prompt: "CHILD-HI: say hi" } }] } : { text: "ok" },
        "CHILD-HI": (c) => (c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: "echo hi-from-helper" } }] } : { text: "said hi" }),
      }),
    );
    const r = await runMux(["run", "--dir", repo, "-m", "sonnet", "PARENT-PRETTY: go"], { env: env() });
    expect(r.code).toBe(0);
    const child = new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.name === "say-hi")!;
    expect(r.stderr).toContain(`[helper ${child.id}] ▸ bash echo hi-from-helper`);
    expect(r.stderr).toContain(`[helper ${child.id}] done`);
  });

  it("a helper started in the background works while the parent goes on; task_await brings its report, and it applies", async () => {
    const repo = makeRepo(path.join(dirs.base, "bg-repo"));
    let startedId = "";
    fake.setResponder(
      scripted({
        "PARENT-BG": (c) => {
          if (c.results.length === 0)
            return { toolCalls: [{ name: "task", args: { title: "Add notes", prompt: "CHILD-BG: do it", run_in_background: true } }] };
          if (c.results.length === 1) {
            startedId = (c.results[0] as { taskId: string }).taskId;
            return { toolCalls: [{ name: "bash", args: { script: "echo parent-meanwhile" } }] };
          }
          if (c.results.length === 2) return { toolCalls: [{ name: "task_await", args: {} }] };
          if (c.results.length === 3) return { toolCalls: [{ name: "task_apply_git_patch", args: { task_id: startedId } }] };
          return { text: "notes are in" };
        },
        "CHILD-BG": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: commitScript("notes.txt", "hello") } }] } : { text: "wrote notes.txt" },
      }),
    );
    const r = await runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "PARENT-BG: take notes"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "completed", text: "notes are in" });
    const ends = r.events.filter((e): e is AgentEventOf<"tool-call-end"> => e.type === "tool-call-end");
    expect(ends.map((e) => e.toolName)).toEqual(["task", "bash", "task_await", "task_apply_git_patch"]);
    expect(ends[0].result).toMatchObject({ status: "running", taskId: startedId, title: "Add notes" });
    const awaited = ends[2].result as { reports: TaskReport[]; running: unknown[]; unknown: unknown[] };
    expect(awaited.running).toEqual([]);
    expect(awaited.reports).toEqual([expect.objectContaining({ taskId: startedId, status: "completed", reportMarkdown: "wrote notes.txt", commits: 1 })]);
    // The helper's cost counts in the run's, through its awaited report.
    expect(done.costUsd).toBeGreaterThan(awaited.reports[0].costUsd ?? Number.POSITIVE_INFINITY);
    expect(gitIn(repo, "diff", "--cached", "--name-only")).toBe("notes.txt");
    expect(new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.id === startedId)).toMatchObject({ taskStatus: "reported" });
  });

  // Its helper sleeps 10 minutes: the run ending within the test's 90 s means the helper was stopped.
  it("a background helper still at work when the parent's turn ends is stopped, and the run ends", { timeout: 90_000 }, async () => {
    const repo = makeRepo(path.join(dirs.base, "bg-left-repo"));
    fake.setResponder(
      scripted({
        "PARENT-LEFT": (c) =>
          c.results.length === 0
            ? { toolCalls: [{ name: "task", args: { title: "Slow work", prompt: "CHILD-SLOW: do it", run_in_background: true } }] }
            : { text: "not waiting" },
        "CHILD-SLOW": (c) => (c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: "sleep 600" } }] } : { text: "slept" }),
      }),
    );
    const r = await runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "PARENT-LEFT: go"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "completed", text: "not waiting" });
    const child = new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.parentWorkspaceId === done.sessionId)!;
    expect(child.taskStatus).toBe("interrupted");
  });
});
