import { describe, expect, it } from "vitest";
import { type AgentEvent, emptyUsage, type Usage } from "./events.js";
import { ChatMessageSchema, type ChatMessage } from "./messages.js";
import { applyEvent, LIVE_OUTPUT_TAIL_CHARS, newAssistantMessage, settleOpenTools } from "./reduce.js";

const id = "msg-1";
type Ev = AgentEvent extends infer E ? (E extends { messageId?: string } ? Omit<E, "messageId"> : never) : never;

function fold(events: Ev[], message: ChatMessage = newAssistantMessage(id, 1_000)): ChatMessage {
  for (const e of events) applyEvent(message, { messageId: id, ...e } as AgentEvent);
  return message;
}

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe("applyEvent", () => {
  it("keeps notices for the user on the message, in order", () => {
    const m = fold([
      { type: "stream-start", model: "anthropic:claude-sonnet-4-5", mode: "exec", ts: 1 },
      { type: "notice", level: "warning", text: "Stopped a command." },
      { type: "notice", level: "info", text: "Second." },
    ]);
    expect(m.metadata?.notices).toEqual(["Stopped a command.", "Second."]);
    expect(ChatMessageSchema.parse(m)).toEqual(m);
  });

  it("keeps only the tail of a flooding tool's live output, counting what it dropped", () => {
    const chunk = "x".repeat(10_000);
    const events: Ev[] = [
      { type: "tool-call-args", toolCallId: "t1", toolName: "bash", args: { script: "yes" } },
      ...Array.from({ length: 50 }, (): Ev => ({ type: "tool-output", toolCallId: "t1", stream: "stdout", text: chunk })),
      { type: "tool-output", toolCallId: "t1", stream: "stdout", text: "END" },
    ];
    const part = fold(events).parts[0] as Extract<ChatMessage["parts"][number], { type: "tool" }>;
    expect(part.liveOutput).toHaveLength(LIVE_OUTPUT_TAIL_CHARS);
    expect(part.liveOutput!.endsWith("xEND")).toBe(true);
    expect(part.liveOmittedChars).toBe(500_003 - LIVE_OUTPUT_TAIL_CHARS);
  });

  it("folds a realistic two-step stream into one message", () => {
    const m = fold([
      { type: "stream-start", model: "anthropic:claude-sonnet-4-5", mode: "exec", ts: 1 },
      { type: "step-start", step: 1 },
      { type: "reasoning-delta", delta: "The user wants " },
      { type: "reasoning-delta", delta: "the file list." },
      { type: "text-delta", delta: "Let me " },
      { type: "text-delta", delta: "look." },
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
      { type: "tool-call-args", toolCallId: "t1", toolName: "bash", args: { command: "ls" } },
      { type: "tool-output", toolCallId: "t1", stream: "stdout", text: "a.ts\n" },
      { type: "tool-output", toolCallId: "t1", stream: "stdout", text: "b.ts\n" },
      { type: "tool-call-end", toolCallId: "t1", toolName: "bash", result: { exitCode: 0, output: "a.ts\nb.ts\n" }, isError: false, durationMs: 12 },
      { type: "usage", step: 1, usage: usage({ inputTokens: 100, outputTokens: 20 }), costUsd: 0.001, totalCostUsd: 0.001 },
      { type: "step-start", step: 2 },
      { type: "text-delta", delta: "There are two files." },
      { type: "usage", step: 2, usage: usage({ inputTokens: 150, outputTokens: 10, cachedInputTokens: 100 }), costUsd: 0.0005, totalCostUsd: 0.0015 },
      { type: "stream-end", finishReason: "stop", usage: usage({ inputTokens: 250, outputTokens: 30 }), costUsd: 0.0015 },
    ]);
    expect(m).toEqual({
      id,
      role: "assistant",
      createdAt: 1_000,
      parts: [
        { type: "step-start" },
        { type: "reasoning", text: "The user wants the file list." },
        { type: "text", text: "Let me look." },
        {
          type: "tool",
          toolCallId: "t1",
          toolName: "bash",
          state: "done",
          input: { command: "ls" },
          output: { exitCode: 0, output: "a.ts\nb.ts\n" },
          durationMs: 12,
        },
        { type: "step-start" },
        { type: "text", text: "There are two files." },
      ],
      metadata: {
        model: "anthropic:claude-sonnet-4-5",
        mode: "exec",
        status: "complete",
        finishReason: "stop",
        usage: usage({ inputTokens: 250, outputTokens: 30, cachedInputTokens: 100 }),
        costUsd: expect.closeTo(0.0015, 12),
        // The latest request's input + output: how full the context window is now.
        contextTokens: 160,
      },
    });
    expect(ChatMessageSchema.safeParse(m).success).toBe(true);
  });

  it("collects live tool output while the tool runs", () => {
    const m = fold([
      { type: "step-start", step: 1 },
      { type: "tool-call-args", toolCallId: "t1", toolName: "bash", args: { command: "make" } },
      { type: "tool-output", toolCallId: "t1", stream: "stdout", text: "cc a.c\n" },
      { type: "tool-output", toolCallId: "t1", stream: "stderr", text: "warning\n" },
    ]);
    expect(m.parts[1]).toMatchObject({ state: "running", liveOutput: "cc a.c\nwarning\n" });
  });

  it("creates the tool part from its args when tool-call-start was not seen", () => {
    const m = fold([{ type: "tool-call-args", toolCallId: "t9", toolName: "glob", args: { pattern: "*" } }]);
    expect(m.parts).toEqual([{ type: "tool", toolCallId: "t9", toolName: "glob", state: "running", input: { pattern: "*" } }]);
  });

  it("does not duplicate a tool on a repeated tool-call-start", () => {
    const m = fold([
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
    ]);
    expect(m.parts).toHaveLength(1);
  });

  it("marks a failed tool as error with its result", () => {
    const m = fold([
      { type: "tool-call-args", toolCallId: "t1", toolName: "file_read", args: { path: "x" } },
      { type: "tool-call-end", toolCallId: "t1", toolName: "file_read", result: { error: "file not found" }, isError: true, durationMs: 1 },
    ]);
    expect(m.parts[0]).toMatchObject({ state: "error", output: { error: "file not found" } });
  });

  it("starts a new text part after a tool call", () => {
    const m = fold([
      { type: "text-delta", delta: "before" },
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
      { type: "text-delta", delta: "after" },
    ]);
    expect(m.parts.map((p) => p.type)).toEqual(["text", "tool", "text"]);
  });

  it("on retry, discards only the current step's partial parts", () => {
    const m = fold([
      { type: "step-start", step: 1 },
      { type: "text-delta", delta: "Step one." },
      { type: "tool-call-args", toolCallId: "t1", toolName: "bash", args: { command: "ls" } },
      { type: "tool-call-end", toolCallId: "t1", toolName: "bash", result: "ok", isError: false, durationMs: 1 },
      { type: "step-start", step: 2 },
      { type: "text-delta", delta: "Half a sent" },
      { type: "tool-call-start", toolCallId: "t2", toolName: "bash" },
      { type: "retry", attempt: 1, maxAttempts: 5, delayMs: 1000, reason: "HTTP 529" },
      { type: "text-delta", delta: "A whole sentence." },
    ]);
    expect(m.parts).toEqual([
      { type: "step-start" },
      { type: "text", text: "Step one." },
      expect.objectContaining({ toolCallId: "t1", state: "done" }),
      { type: "step-start" },
      { type: "text", text: "A whole sentence." },
    ]);
  });

  it("a retry before any step-start discards everything streamed so far", () => {
    const m = fold([
      { type: "text-delta", delta: "partial" },
      { type: "retry", attempt: 1, maxAttempts: 5, delayMs: 0, reason: "reset" },
    ]);
    expect(m.parts).toEqual([]);
  });

  it("stream-abort marks open tools as errors and the message interrupted", () => {
    const m = fold([
      { type: "stream-start", model: "openai:gpt-5", mode: "exec", ts: 1 },
      { type: "step-start", step: 1 },
      { type: "tool-call-args", toolCallId: "done", toolName: "bash", args: {} },
      { type: "tool-call-end", toolCallId: "done", toolName: "bash", result: "ok", isError: false, durationMs: 1 },
      { type: "tool-call-args", toolCallId: "running", toolName: "bash", args: { command: "sleep 100" } },
      { type: "tool-output", toolCallId: "running", stream: "stdout", text: "zzz" },
      { type: "tool-call-start", toolCallId: "pending", toolName: "file_write" },
      { type: "stream-abort", reason: "interrupted" },
    ]);
    expect(m.metadata?.status).toBe("interrupted");
    const [, done, running, pending] = m.parts;
    expect(done).toMatchObject({ state: "done", output: "ok" });
    expect(running).toEqual({
      type: "tool",
      toolCallId: "running",
      toolName: "bash",
      state: "error",
      input: { command: "sleep 100" },
      output: { error: "interrupted by user" },
    });
    expect(pending).toMatchObject({ state: "error", output: { error: "interrupted by user" } });
  });

  it("a budget abort says why the tools stopped", () => {
    const m = fold([
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
      { type: "stream-abort", reason: "budget" },
    ]);
    expect(m.parts[0]).toMatchObject({ state: "error", output: { error: "stopped: budget exceeded" } });
  });

  it("an error event records the message and settles open tools", () => {
    const m = fold([
      { type: "tool-call-start", toolCallId: "t1", toolName: "bash" },
      { type: "error", kind: "auth", message: "OpenAI (openai) request failed: HTTP 401" },
    ]);
    expect(m.metadata).toMatchObject({ status: "error", error: "OpenAI (openai) request failed: HTTP 401" });
    expect(m.parts[0]).toMatchObject({ state: "error" });
  });

  it("accumulates usage and cost across steps", () => {
    const m = fold([
      { type: "usage", step: 1, usage: usage({ inputTokens: 10, outputTokens: 1, reasoningTokens: 1 }), costUsd: 0.25, totalCostUsd: 0.25 },
      { type: "usage", step: 2, usage: usage({ inputTokens: 20, outputTokens: 2, cacheWriteTokens: 5 }), costUsd: 0.5, totalCostUsd: 0.75 },
    ]);
    expect(m.metadata?.usage).toEqual({ inputTokens: 30, outputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 5, reasoningTokens: 1 });
    expect(m.metadata?.costUsd).toBe(0.75);
  });

  it("an interrupted step adds what the provider reported and marks the cost as a lower bound", () => {
    const m = fold([
      { type: "usage", step: 1, usage: usage({ inputTokens: 10, outputTokens: 2 }), costUsd: 0.25, totalCostUsd: 0.25 },
      { type: "usage", step: 2, usage: usage({ inputTokens: 40 }), costUsd: 0.1, totalCostUsd: 0.35, incomplete: true },
    ]);
    expect(m.metadata).toMatchObject({ costUsd: 0.35, costIncomplete: true, contextTokens: 40 });
    expect(m.metadata?.usage?.inputTokens).toBe(50);
    // Nothing reported at all: the context of the last finished request stays.
    const silent = fold([
      { type: "usage", step: 1, usage: usage({ inputTokens: 10, outputTokens: 2 }), costUsd: 0.25, totalCostUsd: 0.25 },
      { type: "usage", step: 2, usage: usage({}), costUsd: 0, totalCostUsd: 0.25, incomplete: true },
    ]);
    expect(silent.metadata).toMatchObject({ costUsd: 0.25, costIncomplete: true, contextTokens: 12 });
  });

  it("makes the cost unknown (null) once any step's cost is unknown, and keeps it so", () => {
    const m = fold([
      { type: "usage", step: 1, usage: usage({ inputTokens: 10 }), costUsd: 0.25, totalCostUsd: 0.25 },
      { type: "usage", step: 2, usage: usage({ inputTokens: 10 }), costUsd: null, totalCostUsd: null },
      { type: "usage", step: 3, usage: usage({ inputTokens: 10 }), costUsd: 0.25, totalCostUsd: null },
    ]);
    expect(m.metadata?.costUsd).toBeNull();
    expect(m.metadata?.usage?.inputTokens).toBe(30);
  });

  it("an unknown first step cost stays null", () => {
    const m = fold([{ type: "usage", step: 1, usage: usage({ inputTokens: 10 }), costUsd: null, totalCostUsd: null }]);
    expect(m.metadata?.costUsd).toBeNull();
  });

  it("ignores output and end events for tools it does not know", () => {
    const m = fold([
      { type: "tool-output", toolCallId: "ghost", stream: "stdout", text: "x" },
      { type: "tool-call-end", toolCallId: "ghost", toolName: "bash", result: 1, isError: false, durationMs: 1 },
    ]);
    expect(m.parts).toEqual([]);
  });
});

describe("settleOpenTools", () => {
  it("leaves finished tools alone", () => {
    const m = newAssistantMessage(id);
    m.parts.push({ type: "tool", toolCallId: "a", toolName: "bash", state: "done", output: "ok" });
    m.parts.push({ type: "tool", toolCallId: "b", toolName: "bash", state: "error", output: { error: "failed" } });
    settleOpenTools(m, "crash");
    expect(m.parts).toEqual([
      { type: "tool", toolCallId: "a", toolName: "bash", state: "done", output: "ok" },
      { type: "tool", toolCallId: "b", toolName: "bash", state: "error", output: { error: "failed" } },
    ]);
  });
});
