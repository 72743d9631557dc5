import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../agent/events.js";
import { SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { LocalRuntime } from "../runtime/local.js";
import type { FakeProvider, RecordedRequest } from "../../test/fake-provider/index.js";
import { fakeProviderSuite, type TempDirs } from "../../test/helpers/suite.js";
import { runChatTurn } from "./chatSession.js";
import { isContextOverflow } from "./compaction.js";

const KEY = "sk-ant-compaction-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  // A custom model whose window is small: a few long answers fill it.
  fs.writeFileSync(
    path.join(dirs.muxRoot, "providers.jsonc"),
    JSON.stringify({ local: { providerType: "openai-compatible", baseUrl: `${fake.url}/v1`, apiKey: KEY, models: [{ id: "small", contextWindow: 8000 }] } }),
  );
});

const TERMINAL = new Set(["stream-end", "stream-abort", "error"]);
const LONG = `${"The parser keeps failing on nested arrays. ".repeat(150)}END-OF-LONG-ANSWER`;

/** Sends one message in the chat as it is on disk, the way both `mux run` and the server do. */
async function send(text: string | undefined, model = "local:small", autoCompactPercent?: number) {
  const store = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), "chat1");
  const events: AgentEvent[] = [];
  const before = fake.requests.length;
  const end = await runChatTurn({
    lock: SessionLock.acquire(store.dir, "test"),
    store,
    history: store.load().messages,
    text,
    model,
    mode: "exec",
    thinking: "off",
    autoCompactPercent,
    runtime: () => new LocalRuntime(dirs.workspace),
    env: { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  return { end, events, terminals: events.filter((e) => TERMINAL.has(e.type)).map((e) => e.type), requests: fake.requests.slice(before), store };
}

const sent = (req: RecordedRequest) => JSON.stringify(req.body.messages);

describe("compaction and clearing the context", () => {
  it("a turn that starts with the window over 70 % full compacts first: the request is smaller, holds the summary, and nothing is lost on disk", async () => {
    fake.enqueue({ text: LONG, usage: { input: 1500, output: 1000 } }, { text: `Second. ${LONG}`, usage: { input: 5000, output: 1000 } });
    await send("fix the parser");
    const full = await send("and the tests");
    expect(full.requests).toHaveLength(1); // 6000 of 8000 tokens now: over the threshold only from here

    fake.enqueue({ text: "SUMMARY: parser fixed, tests next.", usage: { input: 6000, output: 40 } }, { text: "Tests written." });
    const next = await send("now the docs");
    expect(next.end).toMatchObject({ status: "completed", text: "Tests written." });
    expect(next.terminals).toEqual(["stream-end"]);
    // The summary streamed first, under its own id; the turn's tokens count both requests.
    const starts = next.events.filter((e) => e.type === "stream-start").map((e) => e.messageId);
    expect(starts).toHaveLength(2);
    expect(next.end.usage.inputTokens).toBeGreaterThanOrEqual(6000 + 100);
    const [summarize, answer] = next.requests;
    expect(sent(summarize)).toContain("END-OF-LONG-ANSWER");
    expect(sent(summarize)).toContain("Next step");
    expect(sent(answer)).toContain("SUMMARY: parser fixed, tests next.");
    expect(sent(answer)).toContain("now the docs");
    expect(sent(answer)).not.toContain("END-OF-LONG-ANSWER");
    expect(sent(answer).length).toBeLessThan(sent(full.requests[0]).length / 4);
    expect(next.events.find((e) => e.type === "notice")).toMatchObject({ text: expect.stringContaining("compacted") });

    const disk = next.store.load().messages;
    // The turn's message is stored first (a kill cannot lose it), the summary after it, which
    // hands it on to the model (keepsAfter) instead of summarizing it.
    expect(disk.map((m) => m.metadata?.contextBoundary ?? m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "compaction", "assistant"]);
    expect(disk[5].id).toBe(starts[0]);
    expect(disk[5].metadata?.keepsAfter).toBe(disk[4].id);
    expect(sent(summarize)).not.toContain("now the docs");
    expect(disk.filter((m) => JSON.stringify(m).includes("END-OF-LONG-ANSWER"))).toHaveLength(2);

    // The summary stands for the window now: the turn after does not compact again.
    fake.enqueue({ text: "Docs done." });
    const after = await send("thanks");
    expect(after.requests).toHaveLength(1);
    expect(sent(after.requests[0])).toContain("SUMMARY: parser fixed");
  });

  it("a workspace can move the threshold or turn it off (0 %)", async () => {
    fake.enqueue({ text: LONG, usage: { input: 5000, output: 1000 } }, { text: "No summary needed." });
    await send("fix the parser");
    const off = await send("go on", "local:small", 0);
    expect(off.requests).toHaveLength(1);
    expect(sent(off.requests[0])).toContain("END-OF-LONG-ANSWER");
    fake.enqueue({ text: "Still fine.", usage: { input: 6500, output: 10 } });
    expect((await send("more", "local:small", 90)).requests).toHaveLength(1);
    fake.enqueue({ text: "SUMMARY." }, { text: "Compacted at 80 %." });
    expect((await send("again", "local:small", 80)).requests).toHaveLength(2);
  });

  it("/compact with a focus: the model's summary is the turn's answer, costed, and later turns start from it", async () => {
    fake.enqueue({ text: LONG });
    await send("fix the parser", "sonnet");
    fake.enqueue({ text: "SUMMARY of the parser work.", usage: { input: 3000, output: 20 } });
    const c = await send("/compact the nested arrays", "sonnet");
    expect(c.end).toMatchObject({ status: "completed", text: "SUMMARY of the parser work." });
    expect(c.end.costUsd).toBeGreaterThan(0);
    expect(c.terminals).toEqual(["stream-end"]);
    expect(c.requests).toHaveLength(1);
    expect(JSON.stringify(c.requests[0].body)).toContain("Pay particular attention to: the nested arrays");
    expect(sent(c.requests[0])).toContain("END-OF-LONG-ANSWER");
    const stored = c.store.load().messages.at(-1)!;
    expect(stored.metadata).toMatchObject({ contextBoundary: "compaction", costUsd: c.end.costUsd });

    fake.enqueue({ text: "Going on." });
    const next = await send("go on", "sonnet");
    expect(sent(next.requests[0])).toContain("SUMMARY of the parser work.");
    expect(sent(next.requests[0])).not.toContain("END-OF-LONG-ANSWER");
    expect(sent(next.requests[0])).not.toContain("/compact");
  });

  it("/clear sends nothing; the next request has none of the old messages, which stay on disk", async () => {
    fake.enqueue({ text: LONG });
    await send("fix the parser");
    const c = await send("/clear");
    expect(c.requests).toHaveLength(0);
    expect(c.end.status).toBe("completed");
    expect(c.terminals).toEqual(["stream-end"]);
    expect(c.events.find((e) => e.type === "command")).toMatchObject({ name: "clear", text: expect.stringContaining("Context cleared") });
    const nothing = await send("/compact");
    expect(nothing.end.error).toEqual({ kind: "usage", message: "there is nothing to compact yet" });
    expect(nothing.requests).toHaveLength(0);
    fake.enqueue({ text: "Fresh start." });
    const next = await send("hello again");
    expect(sent(next.requests[0])).not.toContain("fix the parser");
    expect(sent(next.requests[0])).toContain("hello again");
    const disk = next.store.load().messages;
    expect(disk.map((m) => m.metadata?.contextBoundary ?? m.role)).toEqual(["user", "assistant", "reset", "assistant", "user", "assistant"]);
  });

  const overflow = {
    fault: {
      kind: "status" as const,
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 8000 tokens. However, your messages resulted in 9100 tokens.",
          type: "invalid_request_error",
          code: "context_length_exceeded",
        },
      },
    },
  };

  it("a request refused as too long compacts once and asks again; a second refusal ends the turn (no loop)", async () => {
    fake.enqueue({ text: LONG, usage: { input: 1000, output: 1000 } });
    await send("fix the parser");
    fake.enqueue(overflow, { text: "SUMMARY after refusal." }, { text: "Answered after compacting." });
    const r = await send("and the tests");
    expect(r.end).toMatchObject({ status: "completed", text: "Answered after compacting." });
    expect(r.terminals).toEqual(["stream-end"]);
    expect(r.requests).toHaveLength(3);
    expect(sent(r.requests[2])).toContain("SUMMARY after refusal.");
    expect(sent(r.requests[2])).toContain("and the tests");
    expect(sent(r.requests[2])).not.toContain("END-OF-LONG-ANSWER");

    fake.enqueue(overflow, { text: "SUMMARY again." }, overflow);
    const again = await send("more");
    expect(again.requests).toHaveLength(3);
    expect(again.end).toMatchObject({ status: "error", error: { kind: "bad_request" } });
    expect(again.terminals).toEqual(["error"]);
  });
});

describe("isContextOverflow", () => {
  it("knows the providers' ways of refusing a request longer than the window, and nothing else", () => {
    for (const message of [
      "prompt is too long: 210000 tokens > 200000 maximum",
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
      "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
      "Input is too long for requested model; context window exceeded",
    ]) {
      expect(isContextOverflow({ kind: "bad_request", message }), message).toBe(true);
    }
    expect(isContextOverflow({ kind: "bad_request", message: "max_tokens: must be at most 8192" })).toBe(false);
    expect(isContextOverflow({ kind: "server", message: "maximum context length exceeded" })).toBe(false);
  });
});
