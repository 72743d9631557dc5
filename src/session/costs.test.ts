import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../agent/messages.js";
import { costSummary } from "./costs.js";

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

function assistant(
  model: string,
  input: number,
  output: number,
  costUsd: number | null,
  contextTokens?: number,
  extra: NonNullable<ChatMessage["metadata"]> = {},
): ChatMessage {
  return {
    id: Math.random().toString(36),
    role: "assistant",
    createdAt: 0,
    parts: [{ type: "step-start" }, { type: "text", text: "x" }],
    metadata: { model, usage: usage(input, output), costUsd, contextTokens, ...extra },
  };
}

describe("costSummary", () => {
  it("totals tokens and dollars per model, and reports context use of the latest request", () => {
    const s = costSummary(
      [
        { id: "u", role: "user", createdAt: 0, parts: [{ type: "text", text: "hi" }] },
        assistant("anthropic:claude-sonnet-4-5", 1000, 100, 0.0045, 1100),
        assistant("openai:gpt-5", 2000, 200, 0.0045, 2200),
        assistant("anthropic:claude-sonnet-4-5", 500, 50, 0.00225, 550),
      ],
      (m) => (m.startsWith("anthropic") ? 200_000 : 400_000),
    );
    expect(s.costUsd).toBeCloseTo(0.01125, 10);
    expect(s.usage.inputTokens).toBe(3500);
    expect(s.byModel).toEqual([
      { model: "anthropic:claude-sonnet-4-5", usage: usage(1500, 150), costUsd: expect.closeTo(0.00675, 10), costIncomplete: false, requests: 2 },
      { model: "openai:gpt-5", usage: usage(2000, 200), costUsd: 0.0045, costIncomplete: false, requests: 1 },
    ]);
    expect(s.context).toEqual({ usedTokens: 550, windowTokens: 200_000 });
  });

  it("adds up what the prompt cache saved on every priced request", () => {
    const s = costSummary([
      assistant("anthropic:claude-sonnet-4-5", 1000, 100, 0.004, undefined, { cacheSavedUsd: 0.25 }),
      assistant("anthropic:claude-sonnet-4-5", 1000, 100, 0.004, undefined, { cacheSavedUsd: -0.05 }),
      assistant("local:m1", 1000, 100, null),
    ]);
    expect(s.cacheSavedUsd).toBeCloseTo(0.2, 12);
  });

  it("one unpriced model leaves the known part counted, marked incomplete (never zero, never all unknown)", () => {
    const s = costSummary([assistant("anthropic:claude-sonnet-4-5", 1, 1, 0.42), assistant("local:qwen", 1, 1, null)]);
    expect(s).toMatchObject({ costUsd: 0.42, costIncomplete: true });
    expect(s.byModel.find((m) => m.model === "local:qwen")).toMatchObject({ costUsd: null, costIncomplete: true });
    expect(s.byModel.find((m) => m.model === "anthropic:claude-sonnet-4-5")).toMatchObject({ costUsd: 0.42, costIncomplete: false });
  });

  it("only unpriced models: nothing is known", () => {
    expect(costSummary([assistant("local:qwen", 1, 1, null)])).toMatchObject({ costUsd: null, costIncomplete: true });
  });

  it("an interrupted request whose usage was not reported makes the cost a lower bound", () => {
    const s = costSummary([assistant("anthropic:claude-sonnet-4-5", 100, 0, 0.0003, 100, { costIncomplete: true, status: "interrupted" })]);
    expect(s).toMatchObject({ costUsd: 0.0003, costIncomplete: true });
  });

  it("a fork's copied history is shown apart and not counted: totals over workspaces never count it twice", () => {
    const parent = [assistant("anthropic:claude-sonnet-4-5", 1000, 100, 0.5, 1100)];
    const fork = [
      ...parent.map((m) => ({ ...m, metadata: { ...m.metadata, inheritedFrom: "parent-id" } })),
      assistant("anthropic:claude-sonnet-4-5", 1200, 50, 0.25, 1250),
    ];
    const s = costSummary(fork, () => 200_000);
    expect(s).toMatchObject({ costUsd: 0.25, costIncomplete: false, inherited: { messages: 1, costUsd: 0.5, costIncomplete: false } });
    expect(s.usage.inputTokens).toBe(1200);
    expect(s.context).toEqual({ usedTokens: 1250, windowTokens: 200_000 });
    // A fresh fork costs nothing of its own, though its context is the parent's.
    expect(costSummary(fork.slice(0, 1))).toMatchObject({ costUsd: 0, byModel: [], context: { usedTokens: 1100 } });
    expect((costSummary(parent).costUsd ?? 0) + (s.costUsd ?? 0)).toBeCloseTo(0.75, 10);
  });

  it("an empty chat costs nothing", () => {
    expect(costSummary([])).toMatchObject({ costUsd: 0, costIncomplete: false, context: null, byModel: [], inherited: null });
  });
});
