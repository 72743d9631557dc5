import { describe, expect, it } from "vitest";
import { mergeReportedUsage, usageReportedIn } from "./reportedUsage.js";

describe("usageReportedIn", () => {
  it("Anthropic reports the input (cache included) when the message starts, the output at the end", () => {
    const start = {
      type: "message_start",
      message: { usage: { input_tokens: 40, cache_read_input_tokens: 50, cache_creation_input_tokens: 10, output_tokens: 1 } },
    };
    expect(usageReportedIn(start)).toEqual({ inputTokens: 100, outputTokens: 1, cachedInputTokens: 50, cacheWriteTokens: 10 });
    const delta = { type: "message_delta", usage: { output_tokens: 250 } };
    expect(mergeReportedUsage(usageReportedIn(start), usageReportedIn(delta)!)).toMatchObject({ inputTokens: 100, outputTokens: 250 });
    expect(usageReportedIn({ type: "content_block_delta", delta: { text: "hi" } })).toBeUndefined();
  });

  it("Gemini reports usage with its chunks", () => {
    expect(usageReportedIn({ candidates: [], usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 3, thoughtsTokenCount: 2 } })).toEqual({
      inputTokens: 12,
      outputTokens: 5,
      reasoningTokens: 2,
    });
  });

  it("OpenAI (both wire formats) and Ollama report usage at the end only", () => {
    expect(usageReportedIn({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 2 } } })).toEqual({
      inputTokens: 9,
      outputTokens: 4,
      cachedInputTokens: 2,
    });
    expect(usageReportedIn({ type: "response.completed", response: { usage: { input_tokens: 7, output_tokens: 3 } } })).toEqual({
      inputTokens: 7,
      outputTokens: 3,
    });
    expect(usageReportedIn({ type: "response.output_text.delta", delta: "x" })).toBeUndefined();
    expect(usageReportedIn({ done: true, prompt_eval_count: 5, eval_count: 6 })).toEqual({ inputTokens: 5, outputTokens: 6 });
    expect(usageReportedIn({ choices: [{ delta: { content: "x" } }] })).toBeUndefined();
  });
});
