import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatItem, WorkspaceListEvent } from "../../src/api/schemas.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type ApiClient, connect, isAssistantMessage, readUntil } from "../helpers/server.js";
import { serverSuite } from "../helpers/serverSuite.js";

/** Chat over the API of a real `mux server`: streaming, cursors, queue, interrupt, retry. */

const KEY = "sk-ant-server-chat-0123456789abcdef";

const s = serverSuite(KEY);

let n = 0;
/** A fresh project with a local workspace (fast: no worktree). */
async function localWorkspace() {
  const repo = makeRepo(path.join(s.dirs.base, `repo-${++n}`));
  return s.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: `ws-${n}` });
}

/** Text long enough to stream for a while: 60 chunks, `delay` ms apart. */
const slowTurn = (label: string, delay = 40) => ({ text: `${label} `.padEnd(600, "."), chunkSize: 10, chunkDelayMs: delay });
const live = (items: ChatItem[]) => items.filter((i) => i.type === "event" || i.type === "message");
const seqs = (items: ChatItem[]) => live(items).map((i) => i.seq);
const textDeltas = (items: ChatItem[]) => items.filter((i) => i.type === "event" && i.event.type === "text-delta").length;

async function subscribed(client: ApiClient, workspaceId: string, cursor?: number) {
  const stream = await client.chat.subscribe({ workspaceId, cursor });
  const head = await readUntil(stream, (i) => i.type === "caught-up");
  return { stream, head };
}

describe("mux server: chat", () => {
  it("a worktree workspace created through the API runs its init hook first, and a turn streams to subscribers", async () => {
    const repo = makeRepo(path.join(s.dirs.base, "with-hook"));
    fs.mkdirSync(path.join(repo, ".mux"));
    fs.writeFileSync(path.join(repo, ".mux/init"), "#!/usr/bin/env bash\necho init-output-line\nsleep 0.3\necho ready > .init-done\n", { mode: 0o755 });
    gitIn(repo, "add", ".mux/init");
    gitIn(repo, "commit", "-q", "-m", "init hook");
    const list = await s.api.workspaces.subscribe();
    const ws = await s.api.workspaces.create({ projectPath: repo, name: "hooked" });
    expect(ws.runtime.type).toBe("worktree");
    const { stream, head } = await subscribed(s.api, ws.id);
    const snapshot = head[0] as Extract<ChatItem, { type: "snapshot" }>;
    expect(snapshot).toMatchObject({ type: "snapshot", messages: [], streaming: null, totalMessages: 0, hasMore: false });

    s.fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "cat .init-done" } }] }, { text: "The hook had run." });
    expect(await s.api.chat.send({ workspaceId: ws.id, text: "is the hook done?", model: "sonnet" })).toEqual({ queued: false });
    const items = await readUntil(stream, isAssistantMessage);
    const types = live(items)
      .map((i) => (i.type === "event" ? i.event.type : `message:${i.message.role}`))
      .filter((t) => !t.startsWith("init-"));
    expect(types[0]).toBe("message:user");
    expect(types).toEqual(expect.arrayContaining(["stream-start", "tool-call-end", "text-delta", "stream-end", "message:assistant"]));
    // The init hook's events are in the stream (live or in the snapshot), and the tool waited for it.
    const init = [...(snapshot.init ?? []), ...items.flatMap((i) => (i.type === "event" && i.event.type.startsWith("init-") ? [i.event] : []))];
    expect(JSON.stringify(init)).toContain("init-output-line");
    const tool = items.find((i) => i.type === "event" && i.event.type === "tool-call-end");
    expect(JSON.stringify(tool)).toContain("ready");
    expect(seqs(items)).toEqual([...seqs(items)].sort((a, b) => a - b));

    // The sidebar saw it work, then finish unread; the model choice became the workspace's.
    const events = await readUntil(list, (e: WorkspaceListEvent) => e.type === "workspace" && e.workspace.id === ws.id && e.workspace.activity.unread);
    expect(events[0].type).toBe("snapshot");
    const states = events.flatMap((e) => (e.type === "workspace" && e.workspace.id === ws.id ? [e.workspace.activity.state] : []));
    expect(states).toContain("streaming");
    expect(states.at(-1)).toBe("idle");
    await s.api.workspaces.markRead({ workspaceId: ws.id });
    const summary = (await s.api.workspaces.list()).find((w) => w.id === ws.id)!;
    expect(summary.activity.unread).toBe(false);
    expect(summary.settings.model).toBe("anthropic:claude-sonnet-4-5"); // stored as the original Mux reads it: provider:model, never an alias
    expect(summary.costUsd).toBeGreaterThan(0);
    expect((await s.api.workspaces.costs({ workspaceId: ws.id })).byModel[0]).toMatchObject({ model: "anthropic:claude-sonnet-4-5" });
    expect(await s.api.workspaces.gitStatus({ workspaceId: ws.id, refresh: true })).toMatchObject({ branch: "hooked", base: "main" });
    await list.return?.();
  });

  it("a subscriber reconnecting with its cursor gets exactly what it missed; two subscribers see the same items", async () => {
    const ws = await localWorkspace();
    const a = await subscribed(s.api, ws.id);
    const other = await connect(s.server);
    const b = await subscribed(other.api, ws.id);
    s.fake.enqueue(slowTurn("slow"));
    await s.api.chat.send({ workspaceId: ws.id, text: "go slowly", model: "sonnet" });

    // B drops mid-stream (the connection dies), then comes back with the last seq it saw.
    const before = await readUntil(b.stream, (_i, all) => textDeltas(all) >= 5);
    other.close();
    await new Promise((r) => setTimeout(r, 300));
    const again = await connect(s.server);
    const resumed = await again.api.chat.subscribe({ workspaceId: ws.id, cursor: before.at(-1)!.seq });
    const after = await readUntil(resumed, isAssistantMessage);
    const all = await readUntil(a.stream, isAssistantMessage);
    again.close();

    expect(after.some((i) => i.type === "snapshot")).toBe(false);
    const caughtUp = after.findIndex((i) => i.type === "caught-up");
    expect(caughtUp).toBeGreaterThan(0); // the missed items came first
    expect(textDeltas(after.slice(caughtUp))).toBeGreaterThan(0); // ...and the stream went on live
    expect(seqs([...before, ...after])).toEqual(seqs(all));
    expect(JSON.stringify(live([...before, ...after]))).toBe(JSON.stringify(live(all)));
    // Consecutive: nothing skipped.
    const numbers = seqs(all);
    expect(numbers.every((x, i) => i === 0 || x === numbers[i - 1] + 1)).toBe(true);
  });

  it("the agent finishes with nobody connected, and messages sent while it streams run next", async () => {
    const ws = await localWorkspace();
    const other = await connect(s.server);
    s.fake.enqueue(slowTurn("first", 15), { text: "second answer" });
    await other.api.chat.send({ workspaceId: ws.id, text: "first question", model: "sonnet" });
    expect(await other.api.chat.send({ workspaceId: ws.id, text: "second question" })).toEqual({ queued: true });
    const queued = (await other.api.workspaces.list()).find((w) => w.id === ws.id)!.activity;
    expect(queued).toMatchObject({ state: expect.stringMatching(/starting|streaming/), queued: ["second question"] });
    other.close();

    // Nobody watches; both turns finish.
    const deadline = Date.now() + 20_000;
    let messages: Extract<ChatItem, { type: "snapshot" }>["messages"] = [];
    while (Date.now() < deadline) {
      const { head } = await subscribed(s.api, ws.id);
      messages = (head[0] as Extract<ChatItem, { type: "snapshot" }>).messages;
      if (messages.length === 4) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(messages.map((m) => [m.role, m.metadata?.status ?? null])).toEqual([
      ["user", null],
      ["assistant", "complete"],
      ["user", null],
      ["assistant", "complete"],
    ]);
    expect(JSON.stringify(messages[3])).toContain("second answer");
    expect(JSON.stringify(s.fake.requests[1].body.messages.at(-1))).toContain("second question");
    expect((await s.api.chat.history({ workspaceId: ws.id, before: 2, limit: 10 })).messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("a workspace's autoCompactPercent decides when a turn compacts the chat first; the summary shows in the chat", async () => {
    const ws = await localWorkspace();
    const settled = async (count: number) => {
      const deadline = Date.now() + 20_000;
      let messages: Extract<ChatItem, { type: "snapshot" }>["messages"] = [];
      while (Date.now() < deadline) {
        messages = ((await subscribed(s.api, ws.id)).head[0] as Extract<ChatItem, { type: "snapshot" }>).messages;
        if (messages.length === count && messages.at(-1)?.metadata?.status === "complete") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return messages;
    };
    await s.api.workspaces.updateSettings({ workspaceId: ws.id, settings: { model: "sonnet", autoCompactPercent: 80 } });
    // 150k of Sonnet's 200k tokens: over the default 70 %, under this workspace's 80 %.
    s.fake.enqueue(
      { text: "A long answer.", usage: { input: 150_000, output: 10 } },
      { text: "No compaction at 80 %.", usage: { input: 150_000, output: 10 } },
    );
    await s.api.chat.send({ workspaceId: ws.id, text: "one" });
    await settled(2);
    await s.api.chat.send({ workspaceId: ws.id, text: "two" });
    await settled(4);
    expect(s.fake.requests).toHaveLength(2);

    await s.api.workspaces.updateSettings({ workspaceId: ws.id, settings: { autoCompactPercent: 50 } });
    s.fake.enqueue({ text: "SUMMARY so far.", usage: { input: 150_000, output: 10 } }, { text: "After the summary." });
    await s.api.chat.send({ workspaceId: ws.id, text: "three" });
    const messages = await settled(7);
    // The message is stored first; the summary after it hands it on to the model.
    expect(messages.map((m) => m.metadata?.contextBoundary ?? m.role).slice(4)).toEqual(["user", "compaction", "assistant"]);
    expect(JSON.stringify(s.fake.requests[3].body.messages)).toContain("three");
    expect(JSON.stringify(s.fake.requests[3].body.messages)).toContain("SUMMARY so far.");
    expect(JSON.stringify(s.fake.requests[3].body.messages)).not.toContain("A long answer.");
  });

  it("interrupt stops a slow stream and keeps what it produced; retry re-runs a failed turn", async () => {
    const ws = await localWorkspace();
    const { stream } = await subscribed(s.api, ws.id);
    s.fake.enqueue(slowTurn("interrupted", 50));
    await s.api.chat.send({ workspaceId: ws.id, text: "talk", model: "sonnet" });
    await readUntil(stream, (_i, all) => textDeltas(all) >= 3);
    await s.api.chat.interrupt({ workspaceId: ws.id });
    const rest = await readUntil(stream, isAssistantMessage);
    expect(rest.some((i) => i.type === "event" && i.event.type === "stream-abort")).toBe(true);
    const partial = (rest.at(-1) as Extract<ChatItem, { type: "message" }>).message;
    expect(partial.metadata?.status).toBe("interrupted");
    const text = partial.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
    expect(text.startsWith("interrupted")).toBe(true);
    expect(text.length).toBeLessThan(600);

    s.fake.enqueue({ fault: { kind: "status", status: 400 } });
    await s.api.chat.send({ workspaceId: ws.id, text: "fail please" });
    const failed = await readUntil(stream, isAssistantMessage);
    expect((failed.at(-1) as Extract<ChatItem, { type: "message" }>).message.metadata?.status).toBe("error");
    s.fake.enqueue({ text: "recovered" });
    await s.api.chat.retry({ workspaceId: ws.id });
    const retried = await readUntil(stream, isAssistantMessage);
    expect(retried.some((i) => i.type === "message" && i.message.role === "user")).toBe(false);
    expect(JSON.stringify(retried.at(-1))).toContain("recovered");
    // The retried request ends with the user's message, not with the failed attempt.
    expect(JSON.stringify(s.fake.requests.at(-1)!.body.messages.at(-1))).toContain("fail please");
    await expect(s.api.chat.retry({ workspaceId: ws.id })).rejects.toThrow(/finished/);

    // A plan-mode turn that proposed a plan waits for the user.
    s.fake.enqueue({ toolCalls: [{ name: "propose_plan", args: { plan: "# Plan\n1. Do it." } }] });
    await s.api.chat.send({ workspaceId: ws.id, text: "plan it", mode: "plan" });
    await readUntil(stream, isAssistantMessage);
    const summary = (await s.api.workspaces.list()).find((w) => w.id === ws.id)!;
    expect(summary.activity.state).toBe("needs-input");
    expect(summary.settings.mode).toBe("plan");
  });

  it("the workspace list follows projects and workspaces: add, create, rename, fork, delete", async () => {
    const repo = makeRepo(path.join(s.dirs.base, "lifecycle"));
    const list = await s.api.workspaces.subscribe();
    const until = (pred: (e: WorkspaceListEvent) => boolean) => readUntil(list, pred);
    await until((e) => e.type === "snapshot");
    await s.api.projects.add({ path: repo });
    await until((e) => e.type === "projects" && e.projects.some((p) => p.path === repo));
    expect((await s.api.workspaces.suggestName({ projectPath: repo })).name).toMatch(/^[a-z]+-[a-z]+$/);
    const ws = await s.api.workspaces.create({ projectPath: repo, name: "feature" });
    await until((e) => e.type === "workspace" && e.workspace.id === ws.id);
    const renamed = await s.api.workspaces.rename({ workspaceId: ws.id, name: "feature-2" });
    expect(renamed.name).toBe("feature-2");
    await until((e) => e.type === "workspace" && e.workspace.id === ws.id && e.workspace.name === "feature-2");
    const fork = await s.api.workspaces.fork({ workspaceId: ws.id });
    await until((e) => e.type === "workspace" && e.workspace.id === fork.id);
    expect((await s.api.projects.branches({ path: repo })).branches).toEqual(expect.arrayContaining(["main", "feature-2", fork.name]));
    await s.api.workspaces.delete({ workspaceId: fork.id });
    await until((e) => e.type === "removed" && e.id === fork.id);
    // Creations at once (several tabs, quick clicks) do not trip over each other in git.
    const many = await Promise.all(["a", "b", "c"].map((name) => s.api.workspaces.create({ projectPath: repo, name })));
    expect(many.map((w) => w.name)).toEqual(["a", "b", "c"]);
    await Promise.all(many.map((w) => s.api.workspaces.delete({ workspaceId: w.id })));
    await expect(s.api.projects.remove({ path: repo })).rejects.toThrow(/still has workspaces/);
    await expect(s.api.workspaces.rename({ workspaceId: "nope", name: "x" })).rejects.toThrow(/no workspace/);
    await list.return?.();
  });

  it("subscribing to the chat of a workspace that does not exist is a NOT_FOUND naming it, not a server error", async () => {
    const open = async () => {
      const stream = await s.api.chat.subscribe({ workspaceId: "no-such-workspace" });
      await stream.next();
    };
    const error = await open().then(
      () => null,
      (err: { code?: string; status?: number; message?: string }) => err,
    );
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404, message: 'no workspace "no-such-workspace"' });
  });

  it("a `mux run --workspace` beside the server: the chat is the CLI's while it runs, and the server shows it", async () => {
    const ws = await localWorkspace();
    const { stream } = await subscribed(s.api, ws.id);
    const list = await s.api.workspaces.subscribe();
    // Streams for ~4 s: long enough for the server's 2 s look at session locks to see it.
    s.fake.enqueue(slowTurn("from-the-cli", 65));
    let sent: Promise<unknown> | undefined;
    const cli = runMux(["run", "--json", "--dir", ws.projectPath, "--workspace", ws.name, "-m", "sonnet", "hello from the terminal"], {
      env: { MUX_ROOT: s.dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: s.fake.url },
      onStdout: (chunk) => {
        // While the CLI streams, a send from the browser is refused with who holds the chat.
        if (sent || !chunk.includes("text-delta")) return;
        sent = s.api.chat.send({ workspaceId: ws.id, text: "from the browser" }).then(
          () => "accepted",
          (err: Error) => err.message,
        );
      },
    });
    // The sidebar's feed shows the agent running there, and where; then idle again once it is done.
    const row = (e: WorkspaceListEvent) => (e.type === "workspace" && e.workspace.id === ws.id ? e.workspace.activity : undefined);
    const during = await readUntil(list, (e) => row(e)?.elsewhere !== undefined, 10_000);
    expect(row(during.at(-1)!)).toMatchObject({ state: "streaming", elsewhere: expect.stringMatching(/^mux run \(pid \d+\)$/) });
    expect((await cli).code).toBe(0);
    expect(await sent).toMatch(/already running in this chat \(mux run, pid \d+/);
    await readUntil(list, (e) => row(e) !== undefined && row(e)!.elsewhere === undefined, 10_000);
    // The open chat gets the CLI's messages as if live, and a new subscriber finds them too.
    const items = await readUntil(stream, (i) => i.type === "message" && i.message.role === "assistant", 10_000);
    expect(JSON.stringify(items)).toContain("hello from the terminal");
    expect(JSON.stringify(items)).toContain("from-the-cli");
    const fresh = await subscribed(s.api, ws.id);
    const snapshot = fresh.head[0] as Extract<ChatItem, { type: "snapshot" }>;
    expect(snapshot.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    // With the CLI done, the browser's send goes through and continues the same conversation.
    s.fake.enqueue({ text: "Seen it." });
    expect(await s.api.chat.send({ workspaceId: ws.id, text: "and now?", model: "sonnet" })).toEqual({ queued: false });
    await readUntil(stream, (i) => i.type === "message" && i.message.role === "assistant" && JSON.stringify(i.message).includes("Seen it."));
    expect(JSON.stringify(s.fake.requests.at(-1)!.body.messages)).toContain("hello from the terminal");
    await stream.return?.();
    await fresh.stream.return?.();
    await list.return?.();
  });
});
