import type { LanguageModelUsage } from "ai";
import { describe, expect, it } from "vitest";
import { cacheSavingsUsd, costUsd, fromSdkUsage, priceFor } from "./cost.js";
import { emptyUsage, type Usage } from "./events.js";

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe("costUsd", () => {
  const sonnet = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

  it("prices input and output per million tokens", () => {
    expect(costUsd(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), sonnet)).toBeCloseTo(18, 10);
    expect(costUsd(usage({ inputTokens: 2000, outputTokens: 500 }), sonnet)).toBeCloseTo(0.006 + 0.0075, 12);
  });

  it("prices cache reads and writes separately; they are part of inputTokens", () => {
    // 10k input in total: 6k read from cache, 3k written to it, 1k fresh.
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 1_000 });
    const expected = (1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 1_000 * 15) / 1_000_000;
    expect(costUsd(u, sonnet)).toBeCloseTo(expected, 12);
  });

  it("charges the input price for cache tokens when the model has no cache prices", () => {
    const u = usage({ inputTokens: 1_000, cachedInputTokens: 400, cacheWriteTokens: 100 });
    expect(costUsd(u, { input: 2, output: 8 })).toBeCloseTo((1_000 * 2) / 1_000_000, 12);
  });

  it("never counts negative fresh input when the provider reports cache tokens outside inputTokens", () => {
    const u = usage({ inputTokens: 0, cachedInputTokens: 1_000 });
    expect(costUsd(u, sonnet)).toBeCloseTo((1_000 * 0.3) / 1_000_000, 12);
  });

  it("is null, never 0, when the price is unknown", () => {
    expect(costUsd(usage({ inputTokens: 1_000, outputTokens: 1_000 }), undefined)).toBeNull();
    expect(costUsd(emptyUsage(), undefined)).toBeNull();
  });

  it("says what the prompt cache saved: reads at a tenth of the price, less the premium paid for writes", () => {
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 1_000 });
    expect(cacheSavingsUsd(u, sonnet)).toBeCloseTo((6_000 * (3 - 0.3) - 3_000 * (3.75 - 3)) / 1_000_000, 12);
    // A first request only writes: caching cost more, so far.
    expect(cacheSavingsUsd(usage({ inputTokens: 4_000, cacheWriteTokens: 4_000 }), sonnet)).toBeCloseTo((-4_000 * 0.75) / 1_000_000, 12);
    expect(cacheSavingsUsd(u, undefined)).toBeUndefined();
  });

  it("is 0 for a free model", () => {
    expect(costUsd(usage({ inputTokens: 1_000, outputTokens: 1_000 }), { input: 0, output: 0 })).toBe(0);
  });
});

describe("priceFor", () => {
  it("knows built-in models", () => {
    expect(priceFor({ provider: "anthropic", modelId: "claude-sonnet-4-5" })).toMatchObject({ input: 3, output: 15 });
  });

  it("is undefined for a model nobody priced", () => {
    expect(priceFor({ provider: "ollama", modelId: "qwen3:8b" })).toBeUndefined();
    expect(priceFor({ provider: "ollama", modelId: "qwen3:8b" }, { "other-model": { input: 1, output: 1 } })).toBeUndefined();
  });

  it("uses the user's prices for models Mux does not know", () => {
    expect(priceFor({ provider: "local-vllm", modelId: "qwen3-coder" }, { "qwen3-coder": { input: 0, output: 0 } })).toEqual({
      input: 0,
      output: 0,
    });
  });

  it("lets the user's prices override the built-in table", () => {
    const negotiated = { input: 1, output: 5 };
    expect(priceFor({ provider: "anthropic", modelId: "claude-sonnet-4-5" }, { "claude-sonnet-4-5": negotiated })).toBe(negotiated);
  });

  it("with an hour-long prompt cache, prices cache writes at the hour's price (2× input unless the table says)", () => {
    const sonnet = { provider: "anthropic", modelId: "claude-sonnet-4-5" };
    expect(priceFor(sonnet, {}, "1h")).toMatchObject({ input: 3, cacheRead: 0.3, cacheWrite: 6 });
    expect(priceFor(sonnet, { "claude-sonnet-4-5": { input: 2, output: 10, cacheWrite: 2.5 } }, "1h")).toMatchObject({ cacheWrite: 4 });
    expect(priceFor(sonnet, {}, "5m")).toMatchObject({ cacheWrite: 3.75 });
  });
});

describe("fromSdkUsage", () => {
  const sdk = (u: Partial<LanguageModelUsage>): LanguageModelUsage => ({
    inputTokens: undefined,
    outputTokens: undefined,
    totalTokens: undefined,
    inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined },
    outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
    ...u,
  });

  it("maps the SDK's detailed usage", () => {
    expect(
      fromSdkUsage(
        sdk({
          inputTokens: 1_200,
          outputTokens: 300,
          inputTokenDetails: { noCacheTokens: 200, cacheReadTokens: 800, cacheWriteTokens: 200 },
          outputTokenDetails: { textTokens: 100, reasoningTokens: 200 },
        }),
      ),
    ).toEqual({ inputTokens: 1_200, outputTokens: 300, cachedInputTokens: 800, cacheWriteTokens: 200, reasoningTokens: 200 });
  });

  it("falls back to the deprecated flat fields", () => {
    expect(fromSdkUsage(sdk({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 3 }))).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 4,
      cacheWriteTokens: 0,
      reasoningTokens: 3,
    });
  });

  it("counts missing numbers as 0", () => {
    expect(fromSdkUsage(undefined)).toEqual(emptyUsage());
    expect(fromSdkUsage(sdk({}))).toEqual(emptyUsage());
  });
});
