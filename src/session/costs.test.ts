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

function assistant(model: string, input: number, output: number, costUsd: number | null, contextTokens?: number): ChatMessage {
  return {
    id: Math.random().toString(36),
    role: "assistant",
    createdAt: 0,
    parts: [{ type: "step-start" }, { type: "text", text: "x" }],
    metadata: { model, usage: usage(input, output), costUsd, contextTokens },
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
      { model: "anthropic:claude-sonnet-4-5", usage: usage(1500, 150), costUsd: expect.closeTo(0.00675, 10), requests: 2 },
      { model: "openai:gpt-5", usage: usage(2000, 200), costUsd: 0.0045, requests: 1 },
    ]);
    expect(s.context).toEqual({ usedTokens: 550, windowTokens: 200_000 });
  });

  it("an unknown price makes the total unknown, never zero", () => {
    const s = costSummary([assistant("anthropic:claude-sonnet-4-5", 1, 1, 0.01), assistant("local:qwen", 1, 1, null)]);
    expect(s.costUsd).toBeNull();
    expect(s.byModel.find((m) => m.model === "local:qwen")?.costUsd).toBeNull();
  });

  it("an empty chat costs nothing", () => {
    expect(costSummary([])).toMatchObject({ costUsd: 0, context: null, byModel: [] });
  });
});
