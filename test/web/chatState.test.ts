import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import type { ChatMessage } from "../../src/agent/messages.js";
import type { ChatItem } from "../../src/api/schemas.js";
import { type ChatAction, type ChatState, chatReducer, initialChatState, onlyStreamedTextGrew } from "../../web/src/chat/chatState.js";
import { protectCurrency, splitBlocks } from "../../web/src/chat/markdownBlocks.js";
import { actionablePlan, isRunning, latestContext, latestTodos, retryableMessageId } from "../../web/src/chat/selectors.js";
import { diffCounts, parseUnifiedDiff } from "../../web/src/chat/tools/diffParse.js";

const user = (id: string, text: string): ChatMessage => ({ id, role: "user", createdAt: 1, parts: [{ type: "text", text }] });
const assistant = (id: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  role: "assistant",
  createdAt: 2,
  parts: [{ type: "step-start" }, { type: "text", text }],
  metadata: { status: "complete" },
  ...extra,
});

let seq = 0;
const snapshot = (messages: ChatMessage[], extra: Partial<Extract<ChatItem, { type: "snapshot" }>> = {}): ChatItem => ({
  type: "snapshot",
  seq: ++seq,
  messages,
  hasMore: false,
  streaming: null,
  totalMessages: messages.length,
  ...extra,
});
const ev = (event: AgentEvent): ChatItem => ({ type: "event", seq: ++seq, event });
const msg = (message: ChatMessage): ChatItem => ({ type: "message", seq: ++seq, message });
const caughtUp = (): ChatItem => ({ type: "caught-up", seq: ++seq });

const run = (state: ChatState, ...actions: (ChatAction | ChatItem[])[]) =>
  actions.reduce<ChatState>((s, a) => chatReducer(s, Array.isArray(a) ? { type: "items", items: a } : a), state);

const start = (messageId: string): AgentEvent => ({ type: "stream-start", messageId, model: "fake:m", mode: "exec", ts: 5 });

describe("chatReducer", () => {
  it("shows a notice on the streaming message without touching the finished ones", () => {
    const s0 = run(initialChatState(), [snapshot([assistant("a0", "old")]), caughtUp()]);
    const s = run(s0, [ev(start("a1")), ev({ type: "notice", messageId: "a1", level: "warning", text: "Stopped a command that was still running." })]);
    expect(s.streaming?.metadata?.notices).toEqual(["Stopped a command that was still running."]);
    expect(s.messages[0]).toBe(s0.messages[0]);
  });

  it("shows a command's answer as a notice; a command that a message follows makes no message of its own", () => {
    const s0 = run(initialChatState(), [snapshot([]), caughtUp()]);
    const cost = run(s0, [ev(start("a1")), ev({ type: "command", messageId: "a1", name: "cost", text: "Cost of this chat: $0.01" })]);
    expect(cost.streaming?.metadata?.notices).toEqual(["Cost of this chat: $0.01"]);
    const plan = run(s0, [ev({ type: "command", name: "plan", mode: "plan", text: "Plan mode for this workspace: …" })]);
    expect(plan.streaming).toBeNull();
    expect(plan.errors).toEqual([]);
  });

  it("replaces state on snapshot and computes the first index", () => {
    const s = run(initialChatState(), [snapshot([user("u1", "hi"), assistant("a1", "yo")], { totalMessages: 500, hasMore: true }), caughtUp()]);
    expect(s.loading).toBe(false);
    expect(s.caughtUp).toBe(true);
    expect(s.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(s.firstIndex).toBe(498);
    expect(s.hasMore).toBe(true);
    expect(s.lastSeq).toBe(seq);
    const again = run(s, [snapshot([user("u9", "new")])]);
    expect(again.messages.map((m) => m.id)).toEqual(["u9"]);
    expect(again.caughtUp).toBe(false);
    expect(again.generation).toBe(s.generation + 1);
  });

  it("folds live events into the streaming message without touching finished ones", () => {
    const s0 = run(initialChatState(), [snapshot([user("u1", "hi")]), caughtUp()]);
    const first = s0.messages[0];
    const s1 = run(s0, [ev(start("a1")), ev({ type: "step-start", messageId: "a1", step: 0 }), ev({ type: "text-delta", messageId: "a1", delta: "Hel" })]);
    const textPart = s1.streaming!.parts[1];
    const s2 = run(s1, [ev({ type: "text-delta", messageId: "a1", delta: "lo" })]);
    expect(s2.streaming!.parts[1]).toEqual({ type: "text", text: "Hello" });
    // copy on write: the earlier state is unchanged, untouched parts keep their identity
    expect(textPart).toEqual({ type: "text", text: "Hel" });
    expect(s2.streaming).not.toBe(s1.streaming);
    expect(s2.streaming!.parts[0]).toBe(s1.streaming!.parts[0]);
    expect(s2.messages[0]).toBe(first);
    expect(isRunning(s2)).toBe(true);

    const final = assistant("a1", "Hello");
    const s3 = run(s2, [msg(final)]);
    expect(s3.streaming).toBeNull();
    expect(s3.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(s3.messages[1]).toBe(final);
    expect(s3.totalMessages).toBe(2);
    expect(isRunning(s3)).toBe(false);
  });

  it("tells text streamed into the last part from changes the rest of the chat shows", () => {
    const s0 = run(initialChatState(), [snapshot([user("u1", "hi")]), caughtUp()]);
    const s1 = run(s0, [ev(start("a1")), ev({ type: "step-start", messageId: "a1", step: 0 }), ev({ type: "text-delta", messageId: "a1", delta: "Hel" })]);
    expect(onlyStreamedTextGrew(s0, s1)).toBe(false); // a new message
    const s2 = run(s1, [ev({ type: "text-delta", messageId: "a1", delta: "lo" })]);
    expect(onlyStreamedTextGrew(s1, s2)).toBe(true);
    const s3 = run(s2, [ev({ type: "tool-call-start", messageId: "a1", toolCallId: "t1", toolName: "bash" })]);
    expect(onlyStreamedTextGrew(s2, s3)).toBe(false); // a new part
    const s4 = run(s2, [ev({ type: "error", messageId: "a1", kind: "unknown", message: "boom" })]);
    expect(onlyStreamedTextGrew(s2, s4)).toBe(false); // the message's status
    const s5 = run(s2, [msg(assistant("a1", "Hello"))]);
    expect(onlyStreamedTextGrew(s2, s5)).toBe(false); // finished
    const s6 = run(s2, { type: "send-start", id: "q1", text: "next", at: 1 });
    expect(onlyStreamedTextGrew(s2, s6)).toBe(false); // the queue
  });

  it("accumulates tool output and keeps other parts' identity", () => {
    let s = run(initialChatState(), [snapshot([]), caughtUp(), ev(start("a1"))]);
    s = run(s, [
      ev({ type: "tool-call-start", messageId: "a1", toolCallId: "t1", toolName: "bash" }),
      ev({ type: "tool-call-args", messageId: "a1", toolCallId: "t1", toolName: "bash", args: { script: "ls" } }),
      ev({ type: "tool-output", messageId: "a1", toolCallId: "t1", stream: "stdout", text: "a\n" }),
      ev({ type: "tool-output", messageId: "a1", toolCallId: "t1", stream: "stderr", text: "b\n" }),
    ]);
    const tool = s.streaming!.parts[0];
    expect(tool).toMatchObject({ type: "tool", state: "running", liveOutput: "a\nb\n", input: { script: "ls" } });
    const s2 = run(s, [ev({ type: "text-delta", messageId: "a1", delta: "done" })]);
    expect(s2.streaming!.parts[0]).toBe(tool);
    const s3 = run(s2, [
      ev({
        type: "tool-call-end",
        messageId: "a1",
        toolCallId: "t1",
        toolName: "bash",
        result: { exitCode: 0, output: "a\nb\n", durationMs: 3 },
        isError: false,
        durationMs: 3,
      }),
    ]);
    expect(s3.streaming!.parts[0]).toMatchObject({ state: "done", durationMs: 3 });
    expect(tool).toMatchObject({ state: "running" });
  });

  it("records retry notices and clears them when output resumes", () => {
    let s = run(initialChatState(), [
      snapshot([]),
      ev(start("a1")),
      ev({ type: "step-start", messageId: "a1", step: 0 }),
      ev({ type: "text-delta", messageId: "a1", delta: "partial" }),
    ]);
    s = run(s, [ev({ type: "retry", messageId: "a1", attempt: 2, maxAttempts: 5, delayMs: 2000, reason: "HTTP 503" })]);
    expect(s.retry).toMatchObject({ attempt: 2, delayMs: 2000, reason: "HTTP 503" });
    expect(s.streaming!.parts).toEqual([{ type: "step-start" }]);
    s = run(s, [ev({ type: "text-delta", messageId: "a1", delta: "ok" })]);
    expect(s.retry).toBeNull();
  });

  it("routes errors: into the streaming message, or to the error list", () => {
    let s = run(initialChatState(), [snapshot([]), caughtUp(), msg(user("u1", "go"))]);
    expect(s.awaitingTurn).toBe(true);
    expect(isRunning(s)).toBe(true);
    s = run(s, [ev({ type: "error", kind: "config", message: "no such model" })]);
    expect(s.errors).toHaveLength(1);
    expect(isRunning(s)).toBe(false);
    s = run(s, [ev(start("a1")), ev({ type: "error", messageId: "a1", kind: "auth", message: "401" })]);
    expect(s.errors).toHaveLength(0);
    expect(s.streaming!.metadata).toMatchObject({ status: "error", error: "401" });
    s = run(s, [msg({ ...s.streaming!, metadata: { status: "error", error: "401" } })]);
    expect(retryableMessageId(s)).toBe("a1");
    expect(run(s, { type: "dismiss-errors" })).toBe(s);
  });

  it("a turn that fails before it starts (no API key) shows its error once, in its message", () => {
    let s = run(initialChatState(), [snapshot([]), caughtUp(), msg(user("u1", "go"))]);
    const error: AgentEvent = { type: "error", messageId: "a1", kind: "config", message: "Anthropic (anthropic) has no API key" };
    s = run(s, [ev(error)]);
    expect(s.errors).toEqual([]);
    expect(s.streaming?.metadata).toMatchObject({ status: "error", error: "Anthropic (anthropic) has no API key" });
    s = run(s, [msg({ id: "a1", role: "assistant", createdAt: 3, parts: [], metadata: { status: "error", error: "Anthropic (anthropic) has no API key" } })]);
    expect(s.errors).toEqual([]);
    expect(s.streaming).toBeNull();
    expect(s.messages.filter((m) => m.metadata?.error)).toHaveLength(1);
    expect(isRunning(s)).toBe(false);
    expect(retryableMessageId(s)).toBe("a1");
  });

  it("a chat the server does not know (workspace deleted) stops loading and says so", () => {
    const s = run(initialChatState(), { type: "gone", message: 'no workspace "w1"' });
    expect(s.loading).toBe(false);
    expect(s.errors).toMatchObject([{ type: "error", message: 'no workspace "w1"' }]);
  });

  it("sends init events to the init log", () => {
    const s = run(initialChatState(), [
      snapshot([]),
      ev({ type: "init-start", workspaceId: "w", hook: ".mux/init" }),
      ev({ type: "init-output", workspaceId: "w", stream: "stdout", text: "installing\n" }),
      ev({ type: "init-end", workspaceId: "w", exitCode: 0, ok: true, durationMs: 40 }),
    ]);
    expect(s.init).toEqual({ hook: ".mux/init", output: "installing\n", status: "ok", exitCode: 0, durationMs: 40 });
    expect(s.streaming).toBeNull();
  });

  it("ignores replayed items and replaces a message delivered twice", () => {
    const s = run(initialChatState(), [snapshot([]), msg(user("u1", "a"))]);
    const dup: ChatItem = { type: "message", seq: s.lastSeq!, message: user("u1", "a") };
    expect(run(s, [dup])).toBe(s);
    const s2 = run(s, [msg(user("u1", "a (edited)"))]);
    expect(s2.messages).toHaveLength(1);
    expect(s2.totalMessages).toBe(1);
  });

  it("pages older messages in, dropping overlap and stale pages", () => {
    const s = run(initialChatState(), [snapshot([user("m200", "x")], { totalMessages: 201, hasMore: true })]);
    expect(s.firstIndex).toBe(200);
    const loading = run(s, { type: "history-start" });
    expect(loading.loadingOlder).toBe(true);
    const page = Array.from({ length: 101 }, (_, i) => user(`m${100 + i}`, "x"));
    const s2 = run(loading, { type: "history", generation: s.generation, messages: page, start: 100 });
    expect(s2.messages.map((m) => m.id).slice(0, 2)).toEqual(["m100", "m101"]);
    expect(s2.messages).toHaveLength(101);
    expect(s2.firstIndex).toBe(100);
    expect(s2.hasMore).toBe(true);
    expect(s2.loadingOlder).toBe(false);
    expect(run(s2, { type: "history", generation: s.generation - 1, messages: [user("zz", "x")], start: 0 })).toBe(s2);
    const s3 = run(s2, { type: "history", generation: s.generation, messages: [user("m0", "x")], start: 0 });
    expect(s3.hasMore).toBe(false);
  });

  it("keeps a local queue cleared by delivery, by a not-queued reply, and by clearQueue", () => {
    let s = run(initialChatState(), [snapshot([]), caughtUp()]);
    s = run(s, { type: "send-start", id: "q1", text: "next", at: 1 }, { type: "send-start", id: "q2", text: "later", at: 2 });
    s = run(s, { type: "send-done", id: "q1", queued: true }, { type: "send-done", id: "q2", queued: true });
    expect(s.queued.map((q) => [q.id, q.confirmed])).toEqual([
      ["q1", true],
      ["q2", true],
    ]);
    s = run(s, [msg(user("u1", "next"))]);
    expect(s.queued.map((q) => q.id)).toEqual(["q2"]);
    s = run(s, { type: "queue-cleared" });
    expect(s.queued).toEqual([]);
    s = run(s, { type: "send-start", id: "q3", text: "now", at: 3 }, { type: "send-done", id: "q3", queued: false });
    expect(s.queued).toEqual([]);
  });
});

describe("selectors", () => {
  const todoPart = (todos: unknown) => ({
    type: "tool" as const,
    toolCallId: "t",
    toolName: "todo_write",
    state: "done" as const,
    input: { todos },
    output: { todos },
  });
  it("finds the latest todo list and the approvable plan", () => {
    const older = assistant("a1", "", { parts: [todoPart([{ content: "old", status: "pending" }])] });
    const newer = assistant("a2", "", { parts: [todoPart([{ content: "new", status: "in_progress" }])] });
    expect(latestTodos([older, user("u", "x"), newer], null)).toEqual([{ content: "new", status: "in_progress" }]);
    expect(latestTodos([user("u", "x")], null)).toBeNull();
    const plan = assistant("a3", "", { parts: [{ type: "tool", toolCallId: "p1", toolName: "propose_plan", state: "done", input: { plan: "# P" } }] });
    expect(actionablePlan([plan], null)).toBe("p1");
    expect(actionablePlan([plan, user("u", "ok")], null)).toBeNull();
  });

  it("reads the context meter from the latest request that reported it, streaming first; a /clear empties it", () => {
    const used = (id: string, contextTokens: number, model = "anthropic:claude-sonnet-4-5") => assistant(id, "x", { metadata: { model, contextTokens } });
    const note = assistant("n", "", { parts: [], metadata: { notices: ["Cost of this chat: …"] } });
    expect(latestContext([user("u", "x")], null)).toBeUndefined();
    expect(latestContext([used("a1", 100), used("a2", 900), user("u", "x"), note], null)).toEqual({ tokens: 900, model: "anthropic:claude-sonnet-4-5" });
    expect(latestContext([used("a1", 100)], used("s", 2000, "local:small"))).toEqual({ tokens: 2000, model: "local:small" });
    const cleared = assistant("c", "", { parts: [], metadata: { contextBoundary: "reset" } });
    expect(latestContext([used("a1", 100), cleared], null)).toBeUndefined();
  });
});

describe("splitBlocks", () => {
  it("splits at blank lines outside code and math, keeping lists together", () => {
    const md = "# Title\n\npara one\nstill one\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n\n- a\n\n- b\n  more\n\n$$\nx\n\ny\n$$\n\nend\n";
    expect(splitBlocks(md)).toEqual([
      "# Title",
      "para one\nstill one",
      "```ts\nconst a = 1;\n\nconst b = 2;\n```",
      "- a\n\n- b\n  more",
      "$$\nx\n\ny\n$$",
      "end",
    ]);
  });
  it("keeps an unclosed fence (streaming) in one block", () => {
    expect(splitBlocks("intro\n\n```py\nx = 1\n\ny = 2")).toEqual(["intro", "```py\nx = 1\n\ny = 2"]);
  });
});

describe("protectCurrency", () => {
  it("escapes amounts but not math or code", () => {
    expect(protectCurrency("costs $5 and $10.50, or $1,000.")).toBe("costs \\$5 and \\$10.50, or \\$1,000.");
    expect(protectCurrency("math $2x + 1$ and $5$")).toBe("math $2x + 1$ and $5$");
    expect(protectCurrency("run `echo $5 ` now")).toBe("run `echo $5 ` now");
    expect(protectCurrency("```sh\necho $5 a\n```")).toBe("```sh\necho $5 a\n```");
  });
});

describe("parseUnifiedDiff", () => {
  it("numbers lines from hunk headers", () => {
    const diff = "--- a/f.ts\n+++ b/f.ts\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\\ No newline at end of file\n@@ -0,0 +10,1 @@\n+z\n";
    const lines = parseUnifiedDiff(diff);
    expect(lines.map((l) => l.kind)).toEqual(["file", "file", "hunk", "ctx", "del", "add", "ctx", "note", "hunk", "add"]);
    expect(lines[4]).toMatchObject({ text: "b", oldNo: 2 });
    expect(lines[5]).toMatchObject({ text: "B", newNo: 2 });
    expect(lines[9]).toMatchObject({ newNo: 10 });
    expect(diffCounts(lines)).toEqual({ added: 2, removed: 1 });
  });
});
