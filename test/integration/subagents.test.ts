import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent, AgentEventOf } from "../../src/agent/events.js";
import { runSubagents } from "../../src/cli/runSubagents.js";
import { SessionLock } from "../../src/history/sessionLock.js";
import { SessionStore } from "../../src/history/sessionStore.js";
import { loadProvidersConfig } from "../../src/providers/config.js";
import { LocalRuntime } from "../../src/runtime/local.js";
import { runChatTurn } from "../../src/session/chatSession.js";
import { costSummary } from "../../src/session/costs.js";
import type { TaskApplyResult, TaskReport } from "../../src/tools/types.js";
import { ConfigStore } from "../../src/workspace/config.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";
import { commitScript, conversationOf, reportTitled, scripted } from "../helpers/subagentScript.js";

/** The task tool in one process, as `mux run` drives it: real git worktrees, the fake provider behind the real SDK. */

const KEY = "sk-ant-subagents-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  process.env.MUX_ROOT = s.dirs.muxRoot;
});

function parentTurn(text: string, over: { signal?: AbortSignal; env?: Record<string, string>; onEvent?: (e: AgentEvent) => void } = {}) {
  const repo = makeRepo(path.join(dirs.base, "repo"));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, ...over.env };
  const store = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), "run1");
  const events: AgentEvent[] = [];
  const emit = (e: AgentEvent) => {
    events.push(e);
    over.onEvent?.(e);
  };
  const runtime = new LocalRuntime(repo);
  const providers = loadProvidersConfig(env);
  const run = () =>
    runChatTurn({
      lock: SessionLock.acquire(store.dir, "test"),
      store,
      history: [],
      text,
      model: "sonnet",
      providers,
      mode: "exec",
      thinking: "off",
      runtime: () => runtime,
      env,
      signal: over.signal ?? new AbortController().signal,
      emit,
      subagents: runSubagents({ parent: { id: "run1", dir: repo, runtime }, env, providers, emit, warn: () => {}, webFetch: false }),
    });
  return { repo, store, events, run };
}

const children = () => new ConfigStore(dirs.muxRoot).read().workspaces;
const toolEnds = (events: AgentEvent[], name: string) =>
  events.filter((e): e is AgentEventOf<"tool-call-end"> => e.type === "tool-call-end" && e.toolName === name);
const childEvents = (events: AgentEvent[], childId: string) =>
  events.filter((e): e is AgentEventOf<"child-event"> => e.type === "child-event" && e.childId === childId).map((e) => e.event);

describe("the task tool: helpers in child workspaces", () => {
  it("runs two helpers of one step at the same time, each in its own worktree, returns both reports, and applies one's change", async () => {
    const marks = path.join(dirs.base, "marks");
    fs.mkdirSync(marks);
    // Each helper waits until the other one started: run one after the other, neither would get on.
    const helper = (me: string, other: string) => (c: ReturnType<typeof conversationOf>) =>
      c.results.length === 0
        ? {
            toolCalls: [
              {
                name: "bash",
                args: {
                  script: `touch ${marks}/${me} && timeout 20 sh -c 'until [ -f ${marks}/${other} ]; do sleep 0.05; done' && ${commitScript(`${me}.txt`, `from ${me}`)}`,
                },
              },
            ],
          }
        : { text: `${me} report: wrote ${me}.txt` };
    fake.setResponder(
      scripted({
        "PARENT-FANOUT": (c) => {
          if (c.results.length === 0) {
            return {
              toolCalls: [
                { name: "task", args: { title: "Write A", prompt: "CHILD-A: write a.txt and commit it" } },
                { name: "task", args: { title: "Write B", prompt: "CHILD-B: write b.txt and commit it" } },
              ],
            };
          }
          if (c.results.length === 2) return { toolCalls: [{ name: "task_apply_git_patch", args: { task_id: reportTitled(c, "Write A")?.taskId } }] };
          return { text: "merged A" };
        },
        "CHILD-A": helper("a", "b"),
        "CHILD-B": helper("b", "a"),
      }),
    );
    const t = parentTurn("PARENT-FANOUT: split the work");
    const end = await t.run();
    expect(end).toMatchObject({ status: "completed", text: "merged A" });

    // (In the order they finished: sorted.)
    const reports = toolEnds(t.events, "task")
      .map((e) => e.result as TaskReport)
      .sort((x, y) => x.title.localeCompare(y.title));
    expect(
      reports.map((r) => [r.title, r.status, r.reportMarkdown, r.commits]),
      JSON.stringify(reports),
    ).toEqual([
      ["Write A", "completed", "a report: wrote a.txt", 1],
      ["Write B", "completed", "b report: wrote b.txt", 1],
    ]);
    const [a, b] = reports;
    expect(a.diffStat).toMatch(/a\.txt \| 1 \+/);
    expect(b.diffStat).toMatch(/b\.txt \| 1 \+/);

    // Two child workspaces of this run, each a worktree on its own branch with only its own commit.
    const kids = children();
    expect(kids.map((w) => [w.id, w.parentWorkspaceId, w.taskStatus, w.runtime.type]).sort()).toEqual(
      [
        [a.taskId, "run1", "reported", "worktree"],
        [b.taskId, "run1", "reported", "worktree"],
      ].sort(),
    );
    const head = gitIn(t.repo, "rev-parse", "HEAD");
    for (const [report, own, other] of [
      [a, "a.txt", "b.txt"],
      [b, "b.txt", "a.txt"],
    ] as const) {
      const ws = kids.find((w) => w.id === report.taskId)!;
      const dir = ws.runtime.type === "worktree" ? ws.runtime.path : "";
      expect(ws.base).toBe(head);
      expect(report.branch).toBe(ws.branch);
      expect(fs.existsSync(path.join(dir, own))).toBe(true);
      expect(fs.existsSync(path.join(dir, other))).toBe(false);
      expect(gitIn(dir, "log", "--format=%s", "-1")).toBe(`add ${own}`);
      // Its events came tagged with its id, from its start to its end.
      const types = childEvents(t.events, report.taskId).map((e) => e.type);
      expect(types[0]).toBe("stream-start");
      expect(types).toContain("tool-call-end");
      expect(types.at(-1)).toBe("stream-end");
    }
    expect(t.events.filter((e) => e.type === "child-event").every((e) => e.type === "child-event" && e.parentId === "run1")).toBe(true);

    // A's change is in the parent's files, staged; B's is not.
    const applied = toolEnds(t.events, "task_apply_git_patch")[0];
    expect(applied.isError).toBe(false);
    expect(applied.result as TaskApplyResult).toMatchObject({ status: "applied", files: ["a.txt"], conflicts: [] });
    expect(fs.readFileSync(path.join(t.repo, "a.txt"), "utf8")).toBe("from a\n");
    expect(fs.existsSync(path.join(t.repo, "b.txt"))).toBe(false);
    expect(gitIn(t.repo, "diff", "--cached", "--name-only")).toBe("a.txt");

    // The helpers' cost is in the run's, and in the chat's summary; each helper's own chat has its own.
    const own = t.store.load().messages.find((m) => m.role === "assistant")?.metadata?.costUsd ?? 0;
    const childCost = (a.costUsd ?? 0) + (b.costUsd ?? 0);
    expect(childCost).toBeGreaterThan(0);
    expect(end.costUsd).toBeCloseTo(own + childCost, 10);
    const summary = costSummary(t.store.load().messages);
    expect(summary.subagents).toMatchObject({ tasks: 2, costIncomplete: false });
    expect(summary.subagents?.costUsd).toBeCloseTo(childCost, 10);
    expect(summary.costUsd).toBeCloseTo(own + childCost, 10);
    const childChat = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), a.taskId).load().messages;
    expect(childChat.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(costSummary(childChat).costUsd).toBeCloseTo(a.costUsd ?? -1, 10);
  });

  it("reports conflicts when a helper's change does not merge with the parent's files", async () => {
    fake.setResponder(
      scripted({
        "PARENT-CONFLICT": (c) => {
          if (c.results.length === 0) return { toolCalls: [{ name: "task", args: { title: "Edit readme", prompt: "CHILD-README: change README.md" } }] };
          if (c.results.length === 1) {
            // The parent changes the same line meanwhile, and commits it.
            return { toolCalls: [{ name: "bash", args: { script: commitScript("README.md", "# parent") } }] };
          }
          const task_id = reportTitled(c, "Edit readme")?.taskId;
          if (c.results.length === 2) return { toolCalls: [{ name: "task_apply_git_patch", args: { task_id, dry_run: true } }] };
          if (c.results.length === 3) return { toolCalls: [{ name: "task_apply_git_patch", args: { task_id } }] };
          return { text: "saw the conflict" };
        },
        "CHILD-README": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: commitScript("README.md", "# child") } }] } : { text: "done" },
      }),
    );
    const t = parentTurn("PARENT-CONFLICT: go");
    expect((await t.run()).status).toBe("completed");
    const [dry, applied] = toolEnds(t.events, "task_apply_git_patch");
    expect(dry.result).toMatchObject({ status: "would-conflict", files: ["README.md"], conflicts: ["README.md"] });
    expect(applied.result).toMatchObject({ status: "conflicts", conflicts: ["README.md"] });
    expect(fs.readFileSync(path.join(t.repo, "README.md"), "utf8")).toMatch(/<<<<<<<[\s\S]*# child[\s\S]*>>>>>>>/);
  });

  it("lets a helper start helpers, but not a helper's helper (depth 2)", async () => {
    fake.setResponder(
      scripted({
        "PARENT-DEEP": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "task", args: { title: "Level one", prompt: "CHILD-ONE: delegate" } }] } : { text: "top done" },
        "CHILD-ONE": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "task", args: { title: "Level two", prompt: "CHILD-TWO: work" } }] } : { text: "one done" },
        "CHILD-TWO": () => ({ text: "two done" }),
      }),
    );
    const t = parentTurn("PARENT-DEEP: go");
    expect(await t.run()).toMatchObject({ status: "completed", text: "top done" });
    const toolsOf = (key: string) => conversationOf(fake.requests.find((r) => conversationOf(r).first.includes(key))!).tools;
    expect(toolsOf("PARENT-DEEP")).toEqual(expect.arrayContaining(["task", "task_apply_git_patch"]));
    expect(toolsOf("CHILD-ONE")).toEqual(expect.arrayContaining(["task", "task_apply_git_patch"]));
    expect(toolsOf("CHILD-TWO")).not.toContain("task");
    expect(toolsOf("CHILD-TWO")).not.toContain("task_apply_git_patch");
    const one = children().find((w) => w.name === "level-one")!;
    const two = children().find((w) => w.name === "level-two")!;
    expect([one.parentWorkspaceId, two.parentWorkspaceId]).toEqual(["run1", one.id]);
    // The grandchild's events reach the run too, tagged with its own id and its parent's.
    const deep = t.events.filter((e) => e.type === "child-event" && e.childId === two.id);
    expect(deep.length).toBeGreaterThan(0);
    expect(deep.every((e) => e.type === "child-event" && e.parentId === one.id)).toBe(true);
    const report = toolEnds(t.events, "task")[0].result as TaskReport;
    expect(report.reportMarkdown).toBe("one done");
  });

  it("interrupting the parent interrupts its helpers", async () => {
    const controller = new AbortController();
    fake.setResponder(
      scripted({
        "PARENT-INT": () => ({ toolCalls: [{ name: "task", args: { title: "Slow one", prompt: "CHILD-SLOW: wait" } }] }),
        "CHILD-SLOW": () => ({ toolCalls: [{ name: "bash", args: { script: "sleep 30" } }] }),
      }),
    );
    const t = parentTurn("PARENT-INT: go", {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "child-event" && e.event.type === "tool-call-args") controller.abort(new Error("interrupted by user"));
      },
    });
    const end = await t.run();
    expect(end.status).toBe("aborted");
    const child = children().find((w) => w.name === "slow-one")!;
    expect(child.taskStatus).toBe("interrupted");
    expect(childEvents(t.events, child.id).at(-1)?.type).toBe("stream-abort");
    const chat = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), child.id).load().messages;
    expect(chat.at(-1)?.metadata?.status).toBe("interrupted");
  });

  it("runs no more helpers at once than the limit, and refuses an agent that may not run as one", async () => {
    const helper = (c: ReturnType<typeof conversationOf>) =>
      c.results.length === 0 ? { toolCalls: [{ name: "bash", args: { script: "echo hi" } }] } : { text: "ok" };
    fake.setResponder(
      scripted({
        "PARENT-SERIAL": (c) =>
          c.results.length === 0
            ? {
                toolCalls: [
                  { name: "task", args: { title: "First", prompt: "CHILD-S1: go" } },
                  { name: "task", args: { title: "Second", prompt: "CHILD-S2: go" } },
                  { name: "task", args: { title: "Third", prompt: "CHILD-S3: go", agentId: "nope" } },
                ],
              }
            : c.results.length === 3
              ? { toolCalls: [{ name: "task_apply_git_patch", args: { task_id: "0123456789" } }] }
              : { text: "all reported" },
        "CHILD-S1": helper,
        "CHILD-S2": helper,
      }),
    );
    const t = parentTurn("PARENT-SERIAL: go", { env: { MUX_TASK_CONCURRENCY: "1" } });
    expect((await t.run()).status).toBe("completed");
    const order = fake.requests.map((r) => /CHILD-S\d/.exec(conversationOf(r).first)?.[0]).filter(Boolean);
    expect(order).toHaveLength(4);
    // One helper's requests all come before the other's.
    expect(order[0]).toBe(order[1]);
    expect(order[2]).toBe(order[3]);
    const failed = toolEnds(t.events, "task").filter((e) => e.isError);
    expect(failed).toHaveLength(1);
    const [refused] = failed;
    expect(refused.result).toMatchObject({ error: expect.stringMatching(/"nope" is not an agent; use one of: .*exec/) });
    // Only its own helpers' changes can be applied.
    expect(toolEnds(t.events, "task_apply_git_patch")[0]).toMatchObject({
      isError: true,
      result: { error: expect.stringMatching(/no helper "0123456789" of yours/) },
    });
  });
});
