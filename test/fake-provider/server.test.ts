import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { APICallError, generateText, type LanguageModel, stepCountIs, streamText, tool } from "ai";
import { createOllama } from "ollama-ai-provider-v2";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { countToolResults, echoToolLoop, type FakeProtocol, type FakeProvider, startFakeProvider } from "./index.js";

const TOKEN = "sk-fake-test-token";
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

interface ProtocolCase {
  name: string;
  protocol: FakeProtocol;
  model: (url: string, apiKey: string) => LanguageModel;
  /** Reasoning arrives as reasoning deltas through this provider. */
  reasoning: boolean;
  /** Cached input tokens are reported. */
  cached: boolean;
  /** Reasoning tokens are reported. */
  reasoningTokens: boolean;
}

const CASES: ProtocolCase[] = [
  {
    name: "openai responses",
    protocol: "openai-responses",
    model: (url, apiKey) => createOpenAI({ baseURL: `${url}/api/v2/aibridge/openai/v1`, apiKey }).responses("gpt-4.1"),
    reasoning: true,
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "openai chat",
    protocol: "openai-chat",
    model: (url, apiKey) => createOpenAI({ baseURL: `${url}/api/v2/aibridge/openai/v1`, apiKey }).chat("gpt-4.1"),
    reasoning: false, // the official OpenAI chat provider ignores reasoning_content
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "openai-compatible",
    protocol: "openai-chat",
    model: (url, apiKey) => createOpenAICompatible({ name: "fakecompat", baseURL: `${url}/v1`, apiKey, includeUsage: true })("qwen3-coder"),
    reasoning: true,
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "openrouter",
    protocol: "openai-chat",
    model: (url, apiKey) => createOpenRouter({ baseURL: `${url}/api/v1`, apiKey }).chat("anthropic/claude-sonnet-4.5"),
    reasoning: true,
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "anthropic",
    protocol: "anthropic",
    model: (url, apiKey) => createAnthropic({ baseURL: `${url}/api/v2/aibridge/anthropic/v1`, apiKey })("claude-sonnet-4-5"),
    reasoning: true,
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "google",
    protocol: "google",
    model: (url, apiKey) => createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey })("gemini-2.5-flash"),
    reasoning: true,
    cached: true,
    reasoningTokens: true,
  },
  {
    name: "ollama",
    protocol: "ollama",
    model: (url, apiKey) => createOllama({ baseURL: `${url}/api`, headers: { Authorization: `Bearer ${apiKey}` } })("qwen3"),
    reasoning: true,
    cached: false,
    reasoningTokens: false,
  },
];

type StreamOptions = Omit<Parameters<typeof streamText>[0], "model" | "prompt" | "messages">;

/** Drive streamText to completion, collecting every fullStream part and every error. */
async function run(model: LanguageModel, opts: StreamOptions = {}) {
  const parts: any[] = [];
  const errors: unknown[] = [];
  const result = streamText({
    model,
    prompt: "Say something.",
    maxRetries: 0,
    onError: () => {},
    ...opts,
  } as Parameters<typeof streamText>[0]);
  try {
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === "error") errors.push(part.error);
    }
  } catch (err) {
    errors.push(err);
  }
  const ofType = (type: string) => parts.filter((p) => p.type === type);
  const text = ofType("text-delta")
    .map((p) => p.text)
    .join("");
  const reasoning = ofType("reasoning-delta")
    .map((p) => p.text)
    .join("");
  return { parts, errors, result, ofType, text, reasoning };
}

const bashTool = tool({
  description: "Run a shell script",
  inputSchema: z.object({ script: z.string() }),
  execute: async ({ script }) => `ran: ${script}`,
});

describe.each(CASES)("$name via real SDK", (c) => {
  const model = (apiKey = TOKEN) => c.model(fake.url, apiKey);

  it("streams text in several deltas", async () => {
    const text = "Hello from the fake provider, streamed in pieces!";
    fake.enqueue({ text, chunkSize: 6 });
    const r = await run(model());
    expect(r.errors).toEqual([]);
    expect(r.ofType("text-delta").filter((p) => p.text.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(r.text).toBe(text);
    expect(await r.result.finishReason).toBe("stop");
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].protocol).toBe(c.protocol);
    expect(fake.requests[0].authorized).toBe(true);
  });

  it(c.reasoning ? "streams reasoning as reasoning deltas" : "ignores reasoning (not exposed by this provider)", async () => {
    const reasoning = "Let me think about this carefully first.";
    fake.enqueue({ reasoning, text: "The answer is 42.", chunkSize: 7 });
    const r = await run(model());
    expect(r.errors).toEqual([]);
    if (c.reasoning) {
      expect(r.ofType("reasoning-delta").filter((p) => p.text.length > 0).length).toBeGreaterThanOrEqual(3);
      expect(r.reasoning).toBe(reasoning);
    } else {
      expect(r.ofType("reasoning-delta")).toEqual([]);
    }
    expect(r.text).toBe("The answer is 42.");
  });

  it("produces a tool call and completes a two-step tool loop", async () => {
    fake.setResponder(echoToolLoop(1));
    const r = await run(model(), { tools: { bash: bashTool }, stopWhen: stepCountIs(5) });
    expect(r.errors).toEqual([]);
    const calls = r.ofType("tool-call");
    expect(calls).toHaveLength(1);
    expect(calls[0].toolName).toBe("bash");
    expect(calls[0].input).toEqual({ script: "echo step-1" });
    expect(r.ofType("tool-result")[0].output).toBe("ran: echo step-1");
    const steps = await r.result.steps;
    expect(steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(r.text).toBe("All done.");
    expect(fake.requests).toHaveLength(2);
    expect(countToolResults(fake.requests[0])).toBe(0);
    expect(countToolResults(fake.requests[1])).toBe(1);
  });

  it("streams tool arguments given as a raw JSON string and several calls", async () => {
    fake.enqueue({
      text: "Running two things.",
      toolCalls: [
        { name: "bash", args: '{"script":"ls -la"}' },
        { name: "bash", args: { script: "pwd" }, id: "explicit_id_1" },
      ],
      chunkSize: 3,
    });
    const r = await run(model(), { tools: { bash: tool({ inputSchema: z.object({ script: z.string() }) }) } });
    expect(r.errors).toEqual([]);
    const calls = r.ofType("tool-call");
    expect(calls.map((p) => p.input)).toEqual([{ script: "ls -la" }, { script: "pwd" }]);
    expect(calls[1].toolCallId).toBe("explicit_id_1");
    expect(new Set(calls.map((p) => p.toolCallId)).size).toBe(2);
    expect(await r.result.finishReason).toBe("tool-calls");
  });

  it("answers non-streaming requests (generateText)", async () => {
    fake.enqueue({ reasoning: "hmm", text: "plain", toolCalls: [{ name: "bash", args: { script: "x" } }] });
    const r = await generateText({
      model: model(),
      prompt: "hi",
      maxRetries: 0,
      tools: { bash: tool({ inputSchema: z.object({ script: z.string() }) }) },
    });
    expect(r.text).toBe("plain");
    if (c.reasoning) expect(r.reasoningText).toBe("hmm");
    expect(r.toolCalls.map((t) => t.input)).toEqual([{ script: "x" }]);
    expect(r.finishReason).toBe("tool-calls");
    expect(r.usage.inputTokens).toBe(100);
  });

  it("reports usage", async () => {
    fake.enqueue({ text: "Counting tokens.", usage: { input: 1234, output: 56, cached: 200, reasoning: 7 } });
    const r = await run(model());
    expect(r.errors).toEqual([]);
    const usage = await r.result.totalUsage;
    expect(usage.inputTokens).toBe(1234);
    expect(usage.outputTokens).toBe(56);
    if (c.cached) expect(usage.inputTokenDetails.cacheReadTokens).toBe(200);
    if (c.reasoningTokens) expect(usage.outputTokenDetails.reasoningTokens).toBe(7);
  });

  it("rejects a wrong key with 401 and does not consume a turn", async () => {
    fake.enqueue({ text: "kept for the next authorized request" });
    const bad = await run(model("sk-wrong"));
    expect(bad.errors.length).toBeGreaterThan(0);
    const err = bad.errors[0];
    expect(APICallError.isInstance(err)).toBe(true);
    expect((err as APICallError).statusCode).toBe(401);
    expect(fake.requests[0].authorized).toBe(false);

    const good = await run(model());
    expect(good.errors).toEqual([]);
    expect(good.text).toBe("kept for the next authorized request");
    expect(fake.requests.map((r) => r.authorized)).toEqual([false, true]);
  });

  it("retries a 500 when maxRetries is 1", async () => {
    fake.enqueue({ fault: { kind: "status", status: 500, retryAfterSeconds: 0 } }, { text: "ok after retry" });
    const r = await run(model(), { maxRetries: 1 });
    expect(r.errors).toEqual([]);
    expect(r.text).toBe("ok after retry");
    expect(fake.requests).toHaveLength(2);
  });

  it("surfaces a status fault as APICallError without retries", async () => {
    fake.enqueue({ fault: { kind: "status", status: 429, retryAfterSeconds: 7 } });
    const r = await run(model());
    const err = r.errors[0] as APICallError;
    expect(APICallError.isInstance(err)).toBe(true);
    expect(err.statusCode).toBe(429);
    expect(err.isRetryable).toBe(true);
    expect(err.responseHeaders?.["retry-after"]).toBe("7");
  });

  it("errors when the connection resets mid-stream", async () => {
    fake.enqueue({ text: "This stream will be cut off before it finishes.", chunkSize: 4, fault: { kind: "reset", afterChunks: 4 } });
    const r = await run(model());
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.text).not.toBe("This stream will be cut off before it finishes.");
  });

  it("errors on a malformed chunk", async () => {
    fake.enqueue({ text: "Some text before garbage.", chunkSize: 4, fault: { kind: "malformed", afterChunks: 3 } });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const r = await run(model());
      if (c.protocol === "ollama") {
        // ollama-ai-provider-v2 console.warn()s and drops unparseable NDJSON lines; the stream then
        // ends without a `done` line, so the only signal is finishReason "other" and no usage.
        expect(r.errors).toEqual([]);
        expect(warn).toHaveBeenCalled();
        expect(await r.result.finishReason).toBe("other");
        expect((await r.result.totalUsage).inputTokens).toBeUndefined();
      } else {
        expect(r.errors.length).toBeGreaterThan(0);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it("ends a stalled stream via AbortSignal", async () => {
    fake.enqueue({ text: "This stream stalls.", chunkSize: 4, fault: { kind: "stall", afterChunks: 3 } });
    const started = Date.now();
    const r = await run(model(), { abortSignal: AbortSignal.timeout(300) });
    expect(Date.now() - started).toBeLessThan(5000);
    const aborted = r.ofType("abort").length > 0 || r.errors.length > 0;
    expect(aborted).toBe(true);
    expect(await Promise.resolve(r.result.finishReason).catch(() => "rejected")).not.toBe("stop");
  });
});

describe("fake provider server", () => {
  it("returns 404 JSON for unknown paths", async () => {
    const res = await fetch(`${fake.url}/v1/embeddings`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.message).toContain("no route");
    expect(fake.requests).toHaveLength(0);
  });

  it("routes by path suffix with any prefix", async () => {
    const paths: Array<[string, string]> = [
      ["/v1/chat/completions", "openai-chat"],
      ["/chat/completions", "openai-chat"],
      ["/api/v2/aibridge/openai/v1/responses", "openai-responses"],
      ["/api/v2/aibridge/anthropic/v1/messages", "anthropic"],
      ["/api/chat", "ollama"],
      ["/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", "google"],
    ];
    for (const [path] of paths) {
      const res = await fetch(fake.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", stream: true }),
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(fake.requests.map((r) => r.protocol)).toEqual(paths.map(([, p]) => p));
    expect(fake.requests.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("accepts the key via x-api-key, x-goog-api-key and ?key=", async () => {
    const post = (path: string, headers: Record<string, string>) =>
      fetch(fake.url + path, { method: "POST", headers, body: JSON.stringify({ stream: true }) }).then(async (r) => {
        await r.text();
        return r.status;
      });
    expect(await post("/v1/messages", { "x-api-key": TOKEN })).toBe(200);
    expect(await post("/v1beta/models/g:streamGenerateContent?alt=sse", { "x-goog-api-key": TOKEN })).toBe(200);
    expect(await post(`/v1beta/models/g:streamGenerateContent?alt=sse&key=${TOKEN}`, {})).toBe(200);
    expect(await post("/v1/messages", {})).toBe(401);
    const anth = await fetch(`${fake.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "nope" }, body: "{}" });
    expect(await anth.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const oai = await fetch(`${fake.url}/v1/responses`, { method: "POST", body: "{}" });
    expect(await oai.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } });
  });

  it("setToken(null) accepts anything", async () => {
    fake.setToken(null);
    try {
      const r = await run(createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: "whatever" }).chat("gpt-4.1"));
      expect(r.errors).toEqual([]);
      expect(r.text).toBe("Done.");
    } finally {
      fake.setToken(TOKEN);
    }
  });

  it("records request details", async () => {
    const before = performance.timeOrigin + performance.now();
    await run(createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: TOKEN })("claude-haiku-4-5"), { system: "sys" });
    const req = fake.requests[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v1/messages");
    expect(req.headers["x-api-key"]).toBe(TOKEN);
    expect(req.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req.body.model).toBe("claude-haiku-4-5");
    expect(req.body.stream).toBe(true);
    expect(req.receivedAt).toBeGreaterThanOrEqual(before - 1);
    expect(req.receivedAt).toBeLessThanOrEqual(Date.now() + 1);
  });

  it("runs concurrent tool loops independently with echoToolLoop", async () => {
    fake.setResponder(echoToolLoop(3));
    const models = [CASES[0], CASES[4], CASES[5]].map((c) => c.model(fake.url, TOKEN));
    const results = await Promise.all(models.map((m) => run(m, { tools: { bash: bashTool }, stopWhen: stepCountIs(10) })));
    for (const r of results) {
      expect(r.errors).toEqual([]);
      expect(r.ofType("tool-call").map((p) => p.input.script)).toEqual(["echo step-1", "echo step-2", "echo step-3"]);
      expect(r.text).toBe("All done.");
    }
    expect(fake.requests).toHaveLength(12);
  });

  it("honours chunkDelayMs", async () => {
    fake.enqueue({ text: "slow text here", chunkSize: 2, chunkDelayMs: 25 });
    const started = Date.now();
    const r = await run(createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: TOKEN }).chat("gpt-4.1"));
    expect(r.text).toBe("slow text here");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("retries a plain 500 (no retry-after) with the SDK's default backoff", async () => {
    fake.enqueue({ fault: { kind: "status", status: 500 } }, { text: "ok" });
    const r = await run(createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: TOKEN })("claude-sonnet-4-5"), {
      maxRetries: 1,
    });
    expect(r.text).toBe("ok");
    expect(fake.requests).toHaveLength(2);
  });

  it("close() ends stalled streams quickly", async () => {
    const own = await startFakeProvider();
    own.enqueue({ text: "stalling forever", chunkSize: 2, fault: { kind: "stall", afterChunks: 2 } });
    const pending = run(createAnthropic({ baseURL: `${own.url}/v1`, apiKey: "x" })("claude-sonnet-4-5"));
    while (own.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const r = await pending;
    expect(r.errors.length).toBeGreaterThan(0);
  });
});
