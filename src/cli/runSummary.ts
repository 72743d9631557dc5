import type { AgentEventOf, Usage } from "../agent/events.js";

type RunComplete = AgentEventOf<"run-complete">;

/**
 * The run-complete line: our fields, plus the original Mux's names for what scripts written for
 * it read (`usage.cachedTokens`, `usage.cacheCreateTokens`, `cost_usd`), fed from our totals.
 */
export function runComplete(fields: Omit<RunComplete, "type" | "usage" | "cost_usd"> & { usage: Usage }): RunComplete {
  const { usage, ...rest } = fields;
  return {
    type: "run-complete",
    ...rest,
    usage: { ...usage, cachedTokens: usage.cachedInputTokens ?? 0, cacheCreateTokens: usage.cacheWriteTokens ?? 0 },
    cost_usd: fields.costUsd,
  };
}
