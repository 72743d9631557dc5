import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";
import { SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { LocalRuntime } from "../runtime/local.js";
import type { FakeProvider } from "../../test/fake-provider/index.js";
import { fakeProviderSuite, type TempDirs } from "../../test/helpers/suite.js";
import { ChatTurnFailure, type ChatTurnInput, runChatTurn } from "./chatSession.js";

const KEY = "sk-ant-chat-session-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const TERMINAL = new Set(["stream-end", "stream-abort", "error"]);

/** One turn in a fresh chat, recording what it emits and stores. */
function turn(over: Partial<ChatTurnInput> = {}) {
  const store = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), "chat1");
  const events: AgentEvent[] = [];
  const stored: ChatMessage[] = [];
  const env = { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
  const input: ChatTurnInput = {
    lock: SessionLock.acquire(store.dir, "test"),
    store,
    history: store.load().messages,
    text: "hello",
    model: "sonnet",
    mode: "exec",
    thinking: "off",
    runtime: () => new LocalRuntime(dirs.workspace),
    env,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    onMessage: (m) => stored.push(m),
    ...over,
  };
  return { store, events, stored, run: () => runChatTurn(input) };
}

const terminals = (events: AgentEvent[]) => events.filter((e) => TERMINAL.has(e.type));

describe("runChatTurn: one turn of a chat, the same for the CLI and the server", () => {
  it("stores the user's message and the answer, ends with one stream-end, and releases the chat", async () => {
    fake.enqueue({ text: "Hi there." });
    const t = turn();
    const end = await t.run();
    expect(end).toMatchObject({ status: "completed", model: "anthropic:claude-sonnet-4-5", text: "Hi there." });
    expect(terminals(t.events).map((e) => e.type)).toEqual(["stream-end"]);
    expect(t.stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(t.store.load().messages.map((m) => m.id)).toEqual(t.stored.map((m) => m.id));
    expect(() => SessionLock.acquire(t.store.dir, "next").release()).not.toThrow();
  });

  it("a model that cannot be resolved ends the turn with one config error, kept in the chat after the user's message", async () => {
    const t = turn({ model: "nope:some-model" });
    const end = await t.run();
    expect(end).toMatchObject({
      status: "error",
      model: "nope:some-model",
      error: { kind: "config", message: expect.stringMatching(/unknown provider "nope"/) },
    });
    expect(terminals(t.events)).toEqual([expect.objectContaining({ type: "error", kind: "config", messageId: end.message.id })]);
    const saved = t.store.load().messages;
    expect(saved.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(saved[1].metadata).toMatchObject({ status: "error", model: "nope:some-model", mode: "exec" });
    expect(fake.requests).toHaveLength(0);
    expect(() => SessionLock.acquire(t.store.dir, "next").release()).not.toThrow();
  });

  it("a runtime that cannot be prepared is a config error; a failure of a kind the driver names keeps it", async () => {
    const broken = turn({
      runtime: () => {
        throw new Error("host unreachable");
      },
    });
    expect((await broken.run()).error).toEqual({ kind: "config", message: "host unreachable" });
    expect(terminals(broken.events)).toHaveLength(1);
    const gone = turn({
      runtime: () => {
        throw new ChatTurnFailure("unknown", "this workspace no longer exists");
      },
    });
    expect((await gone.run()).error).toEqual({ kind: "unknown", message: "this workspace no longer exists" });
  });

  it("a budget needs a known price", async () => {
    const t = turn({ model: "local:m1", budgetUsd: 1, env: { MUX_ROOT: dirs.muxRoot } });
    fs.writeFileSync(
      path.join(dirs.muxRoot, "providers.jsonc"),
      `{ "local": { "providerType": "openai-compatible", "baseUrl": "${fake.url}/v1", "models": ["m1"] } }`,
    );
    const end = await t.run();
    expect(end.error).toMatchObject({ kind: "config", message: expect.stringMatching(/--budget needs the price of local:m1.*providers\.jsonc/) });
    expect(terminals(t.events)).toHaveLength(1);
  });

  it("the first tool call waits for the init hook, and the turn ends even when it never finishes but is interrupted", async () => {
    const marker = path.join(dirs.workspace, "hook-ran");
    let finishHook = () => {};
    const hook = new Promise<void>((resolve) => {
      finishHook = () => {
        fs.writeFileSync(marker, "set up\n");
        resolve();
      };
    });
    // The tool reads what the hook writes: run before the hook ended, it would find nothing.
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "cat hook-ran" } }] }, { text: "Done." });
    const events: AgentEvent[] = [];
    const t = turn({
      initHook: hook,
      emit: (e) => {
        events.push(e);
        if (e.type === "tool-call-start") setTimeout(finishHook, 300);
      },
    });
    expect((await t.run()).status).toBe("completed");
    expect(events.find((e) => e.type === "tool-call-end")).toMatchObject({
      isError: false,
      result: expect.objectContaining({ output: "set up\n", exitCode: 0 }),
    });

    const controller = new AbortController();
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "echo never" } }] });
    const stuck = turn({
      history: t.store.load().messages,
      initHook: new Promise(() => {}),
      signal: controller.signal,
      emit: (e) => {
        if (e.type === "tool-call-start") controller.abort(new Error("interrupted by user"));
        events.push(e);
      },
    });
    const end = await stuck.run();
    expect(end.status).toBe("aborted");
    expect(events.at(-1)?.type).toBe("stream-abort");
  });

  it("without a new message, re-runs the turn the chat ends with (retry)", async () => {
    const first = turn({ model: "nope:x" });
    await first.run();
    fake.enqueue({ text: "Second try worked." });
    const retry = turn({ text: undefined, history: first.store.load().messages });
    const end = await retry.run();
    expect(end).toMatchObject({ status: "completed", text: "Second try worked." });
    expect(retry.stored.map((m) => m.role)).toEqual(["assistant"]);
    expect(first.store.load().messages.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
  });
});
