import type { LanguageModelUsage } from "ai";
import { knownModel, type ModelRef, type Price } from "../providers/models.js";
import type { Usage } from "./events.js";

/**
 * The price of a model: the user's own table in providers.jsonc first, then the built-in one.
 * With an hour-long prompt cache every cache write is an hour-long one, at its own price (2×
 * input where the table does not say).
 */
export function priceFor(ref: ModelRef, userPrices: Record<string, Price> = {}, cacheTtl: "5m" | "1h" = "5m"): Price | undefined {
  const price = userPrices[ref.modelId] ?? knownModel(ref)?.price;
  if (!price || cacheTtl !== "1h") return price;
  return { ...price, cacheWrite: price.cacheWrite1h ?? price.input * 2 };
}

/** USD for some usage; null when the price is unknown (never pretend it was free). */
export function costUsd(usage: Usage, price: Price | undefined): number | null {
  if (!price) return null;
  const cacheRead = usage.cachedInputTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const fresh = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const dollars =
    fresh * price.input + cacheRead * (price.cacheRead ?? price.input) + cacheWrite * (price.cacheWrite ?? price.input) + usage.outputTokens * price.output;
  return dollars / 1_000_000;
}

/** The cost of some usage had nothing been read from or written to the prompt cache, less its cost. */
export function cacheSavingsUsd(usage: Usage, price: Price | undefined): number | undefined {
  const cost = costUsd(usage, price);
  const inputTokens = Math.max(usage.inputTokens, usage.cachedInputTokens + usage.cacheWriteTokens);
  const uncached = costUsd({ ...usage, inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0 }, price);
  return cost === null || uncached === null ? undefined : uncached - cost;
}

export function fromSdkUsage(u: LanguageModelUsage | undefined): Usage {
  return {
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    cachedInputTokens: u?.inputTokenDetails?.cacheReadTokens ?? u?.cachedInputTokens ?? 0,
    cacheWriteTokens: u?.inputTokenDetails?.cacheWriteTokens ?? 0,
    reasoningTokens: u?.outputTokenDetails?.reasoningTokens ?? u?.reasoningTokens ?? 0,
  };
}
