import { APICallError, type LanguageModel } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AUTOMATIC_CACHING } from "../providers/promptCaching.js";
import type { ResolvedProvider } from "../providers/resolve.js";
import type { Runtime } from "../runtime/types.js";
import { defineTool, type ToolDefinition } from "../tools/types.js";
import type { AgentEvent } from "./events.js";
import { type AgentRunInput, concurrentBatches, runAgent } from "./loop.js";
import type { ChatMessage } from "./messages.js";

// A scripted provider model (the SDK's LanguageModelV3 interface), so the agent loop runs its
// real path through `streamText` without a network.

interface ScriptedTurn {
  text?: string;
  toolCalls?: { id: string; name: string; input: unknown }[];
  /** Default: "tool-calls" when there are tool calls, else "stop". */
  finishReason?: string;
  inputTokens?: number;
  /** The request fails with this HTTP status. */
  status?: number;
  /** The response sends its text, then goes silent. */
  stall?: boolean;
  /** The provider's own chunks, sent first when the SDK asks for raw chunks. */
  raw?: unknown[];
}

function scriptedModel(turns: ScriptedTurn[]) {
  const prompts: unknown[][] = [];
  let n = 0;
  const model = {
    specificationVersion: "v3",
    provider: "scripted",
    modelId: "scripted-1",
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("not used")),
    doStream: async (options: { prompt: unknown[]; abortSignal?: AbortSignal; includeRawChunks?: boolean }) => {
      prompts.push(options.prompt);
      const turn = turns[n++];
      if (!turn) throw new Error(`unexpected request #${n}`);
      if (turn.status) {
        throw new APICallError({
          message: `HTTP ${turn.status}`,
          url: "http://scripted.test/v1",
          requestBodyValues: {},
          statusCode: turn.status,
        });
      }
      const parts: unknown[] = [{ type: "stream-start", warnings: [] }];
      if (options.includeRawChunks) for (const rawValue of turn.raw ?? []) parts.push({ type: "raw", rawValue });
      if (turn.text) {
        parts.push({ type: "text-start", id: "t" }, { type: "text-delta", id: "t", delta: turn.text }, { type: "text-end", id: "t" });
      }
      for (const c of turn.toolCalls ?? []) {
        parts.push({ type: "tool-call", toolCallId: c.id, toolName: c.name, input: JSON.stringify(c.input) });
      }
      const finishReason = turn.finishReason ?? (turn.toolCalls?.length ? "tool-calls" : "stop");
      const finish = {
        type: "finish",
        finishReason: { unified: finishReason, raw: finishReason },
        usage: {
          inputTokens: { total: turn.inputTokens ?? 100, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 10, text: undefined, reasoning: undefined },
        },
      };
      const stream = new ReadableStream({
        start(controller) {
          for (const p of parts) controller.enqueue(p);
          if (turn.stall) {
            options.abortSignal?.addEventListener("abort", () => controller.error(options.abortSignal?.reason));
            return;
          }
          controller.enqueue(finish);
          controller.close();
        },
      });
      return { stream };
    },
  };
  return { model: model as unknown as LanguageModel, prompts, requests: () => n };
}

const provider = {
  id: "scripted",
  displayName: "Scripted",
  kind: "openai",
  baseUrl: "http://scripted.test/v1",
  apiKey: { value: "sk-scripted-key", source: { kind: "env", name: "SCRIPTED_API_KEY" } },
} as unknown as ResolvedProvider;

/** A tool that records when it ran; `ms` is how long each call takes. */
function recordingTool(name: string, log: string[], opts: { ms?: number; endsTurn?: boolean } = {}): ToolDefinition {
  return defineTool({
    name,
    description: `the ${name} tool`,
    inputSchema: z.object({ id: z.string() }),
    mutates: false,
    endsTurn: opts.endsTurn,
    async execute(input, ctx) {
      log.push(`start ${input.id}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.ms ?? 5);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      log.push(`end ${input.id}`);
      return { ran: input.id, aborted: ctx.signal.aborted || undefined };
    },
  });
}

function run(turns: ScriptedTurn[], tools: ToolDefinition[], extra: Partial<AgentRunInput> = {}) {
  const scripted = scriptedModel(turns);
  const events: AgentEvent[] = [];
  const history: ChatMessage[] = [{ id: "u1", role: "user", createdAt: 1, parts: [{ type: "text", text: "go" }] }];
  const result = runAgent({
    history,
    model: {
      name: "scripted:scripted-1",
      provider,
      created: { model: scripted.model, providerOptions: () => ({}), caching: AUTOMATIC_CACHING },
      price: { input: 1, output: 1 },
    },
    system: "You are a test.",
    tools,
    runtime: {} as Runtime,
    thinking: "off",
    mode: "exec",
    signal: new AbortController().signal,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000, stallTimeoutMs: 5_000 },
    toolSession: { todos: [] },
    emit: (e) => events.push(e),
    ...extra,
  });
  return { result, events, scripted, types: () => events.map((e) => e.type) };
}

/** The tool results a request sent back, as [toolCallId, output] pairs. */
function toolResults(prompt: unknown[]): [string, unknown][] {
  return (prompt as { role: string; content: { type: string; toolCallId: string; output: unknown }[] }[])
    .filter((m) => m.role === "tool")
    .flatMap((m) => m.content.map((c) => [c.toolCallId, c.output] as [string, unknown]));
}

const calls = (...ids: string[]) => ids.map((id) => ({ id, name: "work", input: { id } }));

describe("runAgent", () => {
  it("runs a step's tools one at a time, in call order, only after the step's usage", async () => {
    const log: string[] = [];
    const { result, events, scripted, types } = run(
      [{ text: "Working.", toolCalls: calls("a", "b", "c") }, { text: "Done." }],
      [recordingTool("work", log, { ms: 20 })],
    );
    const r = await result;
    expect(r.status).toBe("completed");
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(types()).toEqual([
      "stream-start",
      "step-start",
      "text-delta",
      "tool-call-start",
      "tool-call-start",
      "tool-call-start",
      "usage",
      "tool-call-args",
      "tool-call-end",
      "tool-call-args",
      "tool-call-end",
      "tool-call-args",
      "tool-call-end",
      "step-start",
      "text-delta",
      "usage",
      "stream-end",
    ]);
    expect(events.filter((e) => e.type === "tool-call-end").map((e) => e.toolCallId)).toEqual(["a", "b", "c"]);
    expect(scripted.requests()).toBe(2);
    expect(toolResults(scripted.prompts[1])).toEqual([
      ["a", { type: "json", value: { ran: "a" } }],
      ["b", { type: "json", value: { ran: "b" } }],
      ["c", { type: "json", value: { ran: "c" } }],
    ]);
    expect(r.message.parts.map((p) => p.type)).toEqual(["step-start", "text", "tool", "tool", "tool", "step-start", "text"]);
    expect(r.usage.inputTokens).toBe(200);
  });

  it("over budget: no tool of the step runs and no further request is made", async () => {
    const log: string[] = [];
    const { result, types, scripted } = run([{ toolCalls: calls("a", "b"), inputTokens: 2_000_000 }, { text: "never" }], [recordingTool("work", log)], {
      budgetUsd: 1,
    });
    const r = await result;
    expect(r.status).toBe("budget-exceeded");
    expect(log).toEqual([]);
    expect(types()).toEqual(["stream-start", "step-start", "tool-call-start", "tool-call-start", "usage", "stream-abort"]);
    expect(scripted.requests()).toBe(1);
    const tools = r.message.parts.filter((p) => p.type === "tool");
    expect(tools.map((p) => p.type === "tool" && p.state)).toEqual(["error", "error"]);
  });

  it("a budget passed by a later step stops before that step's tools", async () => {
    const log: string[] = [];
    const { result, scripted } = run(
      [{ toolCalls: calls("a"), inputTokens: 600_000 }, { toolCalls: calls("b"), inputTokens: 600_000 }, { text: "never" }],
      [recordingTool("work", log)],
      { budgetUsd: 1 },
    );
    expect((await result).status).toBe("budget-exceeded");
    expect(log).toEqual(["start a", "end a"]);
    expect(scripted.requests()).toBe(2);
  });

  it("invalid tool calls go back to the model as errors, in call order with the valid ones", async () => {
    const log: string[] = [];
    const { result, events, scripted } = run(
      [
        {
          toolCalls: [
            { id: "a", name: "work", input: { id: "a" } },
            { id: "b", name: "nope", input: {} },
            { id: "c", name: "work", input: { id: 42 } },
            { id: "d", name: "work", input: { id: "d" } },
          ],
        },
        { text: "ok" },
      ],
      [recordingTool("work", log)],
    );
    expect((await result).status).toBe("completed");
    expect(log).toEqual(["start a", "end a", "start d", "end d"]);
    const ends = events.filter((e) => e.type === "tool-call-end");
    expect(ends.map((e) => [e.toolCallId, e.isError])).toEqual([
      ["a", false],
      ["b", true],
      ["c", true],
      ["d", false],
    ]);
    const results = toolResults(scripted.prompts[1]);
    expect(results.map(([id]) => id)).toEqual(["a", "b", "c", "d"]);
    expect(results[1][1]).toMatchObject({ type: "error-text", value: expect.stringMatching(/^Invalid tool call: .*nope/) });
    expect(results[2][1]).toMatchObject({ type: "error-text", value: expect.stringMatching(/^Invalid tool call: Invalid input for tool work/) });
  });

  it("a step whose calls are all invalid still waits for the loop before the next request", async () => {
    const { result, types, scripted } = run([{ toolCalls: [{ id: "x", name: "nope", input: {} }] }, { text: "ok" }], [recordingTool("work", [])], {
      beforeFirstTool: () => new Promise((r) => setTimeout(r, 30)),
    });
    expect((await result).status).toBe("completed");
    expect(types().slice(0, 7)).toEqual(["stream-start", "step-start", "tool-call-start", "usage", "tool-call-args", "tool-call-end", "step-start"]);
    expect(toolResults(scripted.prompts[1])[0][1]).toMatchObject({ type: "error-text" });
  });

  it("a tool that ends the turn ends the run once the step's tools ran", async () => {
    const log: string[] = [];
    const { result, events, scripted } = run(
      [
        {
          toolCalls: [
            { id: "p", name: "plan", input: { id: "p" } },
            { id: "a", name: "work", input: { id: "a" } },
          ],
        },
        { text: "never" },
      ],
      [recordingTool("work", log), recordingTool("plan", log, { endsTurn: true })],
    );
    const r = await result;
    expect(r.status).toBe("completed");
    expect(log).toEqual(["start p", "end p", "start a", "end a"]);
    expect(events.at(-1)).toMatchObject({ type: "stream-end", finishReason: "tool-ended-turn" });
    expect(scripted.requests()).toBe(1);
  });

  it("waits for beforeFirstTool once, before the first tool", async () => {
    const log: string[] = [];
    let waited = 0;
    const { result } = run([{ toolCalls: calls("a") }, { toolCalls: calls("b") }, { text: "ok" }], [recordingTool("work", log)], {
      beforeFirstTool: async () => {
        waited++;
        log.push("init done");
      },
    });
    expect((await result).status).toBe("completed");
    expect(waited).toBe(1);
    expect(log).toEqual(["init done", "start a", "end a", "start b", "end b"]);
  });

  it("a step that fails mid-run is retried from the conversation so far; its partial output is dropped", async () => {
    const log: string[] = [];
    const { result, events, scripted, types } = run(
      [{ text: "One.", toolCalls: calls("a") }, { status: 503 }, { text: "partial", stall: true }, { text: "Two." }],
      [recordingTool("work", log)],
      { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000, stallTimeoutMs: 100 } },
    );
    const r = await result;
    expect(r.status).toBe("completed");
    expect(log).toEqual(["start a", "end a"]);
    expect(scripted.requests()).toBe(4);
    expect(types().filter((t) => t === "step-start" || t === "retry")).toEqual(["step-start", "step-start", "retry", "retry"]);
    expect(events.filter((e) => e.type === "retry").map((e) => e.attempt)).toEqual([2, 3]);
    // Each retry sends the first step and its tool result again.
    for (const prompt of scripted.prompts.slice(1)) expect(toolResults(prompt)).toEqual([["a", { type: "json", value: { ran: "a" } }]]);
    expect(r.message.parts).toMatchObject([
      { type: "step-start" },
      { type: "text", text: "One." },
      { type: "tool", toolCallId: "a", state: "done" },
      { type: "step-start" },
      { type: "text", text: "Two." },
    ]);
  });

  it("gives up after maxAttempts for the failing step and reports the error", async () => {
    const { result, events } = run([{ toolCalls: calls("a") }, { status: 500 }, { status: 500 }, { status: 500 }], [recordingTool("work", [])]);
    const r = await result;
    expect(r.status).toBe("error");
    expect(events.filter((e) => e.type === "retry")).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "error", kind: "server", status: 500 });
  });

  it("a tool that runs longer than the stall timeout is not a stall", async () => {
    const log: string[] = [];
    const { result, events } = run([{ toolCalls: calls("a") }, { text: "ok" }], [recordingTool("work", log, { ms: 250 })], {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1000, stallTimeoutMs: 100 },
    });
    expect((await result).status).toBe("completed");
    expect(events.some((e) => e.type === "retry")).toBe(false);
  });

  it("an interrupt during a tool stops it, keeps its result, runs no further tool and sends no request", async () => {
    const log: string[] = [];
    const abort = new AbortController();
    const events: AgentEvent[] = [];
    const { result, scripted } = run([{ toolCalls: calls("a", "b") }, { text: "never" }], [recordingTool("work", log, { ms: 10_000 })], {
      signal: abort.signal,
      emit: (e) => {
        events.push(e);
        if (e.type === "tool-call-args") setTimeout(() => abort.abort(new Error("interrupted")), 20);
      },
    });
    const r = await result;
    expect(r.status).toBe("aborted");
    expect(log).toEqual(["start a", "end a"]);
    expect(scripted.requests()).toBe(1);
    expect(events.slice(-2).map((e) => e.type)).toEqual(["tool-call-end", "stream-abort"]);
    const [a, b] = r.message.parts.filter((p) => p.type === "tool");
    expect(a).toMatchObject({ state: "done", output: { ran: "a", aborted: true } });
    expect(b).toMatchObject({ state: "error", output: { error: "interrupted by user" } });
  });

  it("an interrupt mid-answer keeps the finished steps' usage and adds what the provider reported, as a lower bound", async () => {
    const abort = new AbortController();
    const messageStart = { type: "message_start", message: { usage: { input_tokens: 500, output_tokens: 1 } } };
    const events: AgentEvent[] = [];
    const { result } = run([{ toolCalls: calls("a") }, { text: "partial answer", stall: true, raw: [messageStart] }], [recordingTool("work", [])], {
      signal: abort.signal,
      emit: (e) => {
        events.push(e);
        if (e.type === "text-delta") setTimeout(() => abort.abort(new Error("interrupted")), 10);
      },
    });
    const r = await result;
    expect(r.status).toBe("aborted");
    // Step 1: 100 in + 10 out, finished; step 2: 500 in and 1 out reported before the interrupt.
    expect(r.usage).toMatchObject({ inputTokens: 600, outputTokens: 11 });
    expect(r.costUsd).toBeCloseTo(611 / 1_000_000, 12);
    expect(r.costIncomplete).toBe(true);
    const last = events.filter((e) => e.type === "usage").at(-1);
    expect(last).toMatchObject({ step: 2, incomplete: true, usage: { inputTokens: 500, outputTokens: 1 } });
    expect(r.message.metadata).toMatchObject({ costIncomplete: true, usage: { inputTokens: 600 }, status: "interrupted" });
  });

  it("an interrupt before the provider reported anything records the request as of unknown usage", async () => {
    const abort = new AbortController();
    const { result } = run([{ text: "partial", stall: true }], [], {
      signal: abort.signal,
      emit: (e) => {
        if (e.type === "text-delta") setTimeout(() => abort.abort(new Error("interrupted")), 10);
      },
    });
    const r = await result;
    expect(r).toMatchObject({ status: "aborted", costUsd: 0, costIncomplete: true, usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it("runs the tools of a step the SDK would not continue after (finish reason 'length'), then goes on", async () => {
    const log: string[] = [];
    const { result, scripted, types } = run([{ toolCalls: calls("a"), finishReason: "length" }, { text: "ok" }], [recordingTool("work", log)]);
    expect((await result).status).toBe("completed");
    expect(log).toEqual(["start a", "end a"]);
    expect(scripted.requests()).toBe(2);
    expect(toolResults(scripted.prompts[1])).toEqual([["a", { type: "json", value: { ran: "a" } }]]);
    expect(types().filter((t) => t === "step-start")).toHaveLength(2);
  });

  it("stops after maxSteps steps", async () => {
    const { result, events, scripted } = run([{ toolCalls: calls("a") }, { toolCalls: calls("b") }, { text: "never" }], [recordingTool("work", [])], {
      maxSteps: 2,
    });
    const r = await result;
    expect(r.status).toBe("error");
    expect(scripted.requests()).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: "error", message: "stopped after 2 steps without finishing" });
  });
});

describe("concurrentBatches", () => {
  it("keeps calls in order, one at a time, except neighbouring calls of a concurrent tool", () => {
    const call = (toolName: string, invalidReason?: string) => ({ toolName, ...(invalidReason ? { invalidReason } : {}) });
    const calls = [call("task"), call("task"), call("bash"), call("task"), call("task", "bad input"), call("task"), call("task")];
    const batches = concurrentBatches(calls, (name) => name === "task");
    expect(batches.map((b) => b.map((c) => calls.indexOf(c)))).toEqual([[0, 1], [2], [3], [4], [5, 6]]);
  });
});
