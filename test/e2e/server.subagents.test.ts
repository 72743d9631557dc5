import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ToolPart } from "../../src/agent/messages.js";
import type { ChatItem, WorkspaceListEvent } from "../../src/api/schemas.js";
import type { TaskReport } from "../../src/tools/types.js";
import { makeRepo } from "../helpers/git.js";
import { isAssistantMessage, readUntil, startServer } from "../helpers/server.js";
import { serverSuite } from "../helpers/serverSuite.js";
import { scripted } from "../helpers/subagentScript.js";
import { WorkspaceService } from "../../src/workspace/service.js";

/** Sub-agents over the server's API: helpers are workspaces with their own sessions, interrupted with their parent, costed into it. */

const KEY = "sk-ant-server-subagents-0123456789abcdef";
let n = 0;

const s = serverSuite(KEY);

const parentWorkspace = async () => {
  const repo = makeRepo(path.join(s.dirs.base, `repo-${++n}`));
  return s.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: `lead-${n}` });
};
const taskPart = (item: ChatItem) =>
  item.type === "message" ? (item.message.parts.find((p) => p.type === "tool" && p.toolName === "task") as ToolPart | undefined) : undefined;

describe("sub-agents in the server", () => {
  it("a helper of a local workspace gets a worktree, reports back, and its cost is counted in its parent's", async () => {
    const ws = await parentWorkspace();
    s.fake.setResponder(
      scripted({
        "PARENT-SRV": (c) =>
          c.results.length === 0 ? { toolCalls: [{ name: "task", args: { title: "Look around", prompt: "CHILD-LOOK: list files" } }] } : { text: "thanks" },
        "CHILD-LOOK": () => ({ text: "there is a README" }),
      }),
    );
    const stream = await s.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    await s.api.chat.send({ workspaceId: ws.id, text: "PARENT-SRV: go", model: "sonnet" });
    const items = await readUntil(stream, isAssistantMessage);
    const report = taskPart(items.find(isAssistantMessage)!)?.output as TaskReport;
    expect(report).toMatchObject({ status: "completed", reportMarkdown: "there is a README", commits: 0 });

    const child = (await s.api.workspaces.list()).find((w) => w.id === report.taskId)!;
    expect(child).toMatchObject({ parentWorkspaceId: ws.id, taskStatus: "reported", runtime: { type: "worktree" }, name: "look-around" });
    const costs = await s.api.workspaces.costs({ workspaceId: ws.id });
    const own = costs.byModel.reduce((sum, m) => sum + (m.costUsd ?? 0), 0);
    expect(costs.subagents).toMatchObject({ tasks: 1 });
    expect(costs.subagents?.costUsd).toBeCloseTo(report.costUsd ?? -1, 10);
    expect(costs.costUsd).toBeCloseTo(own + (report.costUsd ?? 0), 10);
    // The helper's own summary has only its own.
    expect((await s.api.workspaces.costs({ workspaceId: child.id })).costUsd).toBeCloseTo(report.costUsd ?? -1, 10);
  });

  it("interrupting the parent interrupts the helper it is waiting for", async () => {
    const ws = await parentWorkspace();
    s.fake.setResponder(
      scripted({
        "PARENT-STOP": () => ({ toolCalls: [{ name: "task", args: { title: "Sleepy", prompt: "CHILD-SLEEP: wait" } }] }),
        "CHILD-SLEEP": () => ({ toolCalls: [{ name: "bash", args: { script: "sleep 60" } }] }),
      }),
    );
    const list = await s.api.workspaces.subscribe();
    await s.api.chat.send({ workspaceId: ws.id, text: "PARENT-STOP: go", model: "sonnet" });
    // The helper's row appears and starts working.
    const seen = await readUntil(
      list,
      (e: WorkspaceListEvent) => e.type === "workspace" && e.workspace.parentWorkspaceId === ws.id && e.workspace.activity.state === "streaming",
    );
    const last = seen.at(-1) as Extract<WorkspaceListEvent, { type: "workspace" }>;
    const childId = last.workspace.id;
    const childStream = await s.api.chat.subscribe({ workspaceId: childId });
    // Its bash call is running (seen live, or in the snapshot when it started before we looked).
    const running = (i: ChatItem) =>
      (i.type === "event" && i.event.type === "tool-call-args") ||
      (i.type === "snapshot" && !!i.streaming?.parts.some((p) => p.type === "tool" && p.state === "running"));
    await readUntil(childStream, running);

    await s.api.chat.interrupt({ workspaceId: ws.id });
    const ended = await readUntil(childStream, isAssistantMessage);
    expect((ended.find(isAssistantMessage) as Extract<ChatItem, { type: "message" }>).message.metadata?.status).toBe("interrupted");
    await readUntil(list, (e) => e.type === "workspace" && e.workspace.id === ws.id && e.workspace.activity.state === "idle");
    const child = (await s.api.workspaces.list()).find((w) => w.id === childId);
    expect(child?.taskStatus).toBe("interrupted");
    await list.return?.();
  });

  it("a helper recorded as working when Mux stopped is recorded as interrupted at the next start", async () => {
    const repo = makeRepo(path.join(s.dirs.base, "stale-repo"));
    const root = path.join(s.dirs.base, "stale-root");
    const service = new WorkspaceService(root);
    const lead = await service.create({ projectPath: repo, name: "lead" });
    const helper = await service.create({ projectPath: repo, name: "helper", parentWorkspaceId: lead.id, taskStatus: "running" });
    const again = await startServer({ muxRoot: root, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: s.fake.url } });
    try {
      await expect.poll(() => new WorkspaceService(root).get(helper.id).taskStatus, { timeout: 10_000 }).toBe("interrupted");
      expect(new WorkspaceService(root).get(lead.id).taskStatus).toBeUndefined();
    } finally {
      await again.stop();
    }
  });
});
