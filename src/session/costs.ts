import type { CostSummary } from "../api/schemas.js";
import { addUsage, emptyUsage, type Usage } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";

/**
 * Tokens and dollars per model for a conversation, and how full the context window was at the
 * latest request. Costs are null when any model's price is unknown (never silently zero).
 */
export function costSummary(messages: ChatMessage[], contextWindowFor: (model: string) => number | null = () => null): CostSummary {
  const byModel = new Map<string, { usage: Usage; costUsd: number | null; requests: number }>();
  let total = emptyUsage();
  let totalCost: number | null = 0;
  let last: { model: string; contextTokens: number } | null = null;
  for (const m of messages) {
    if (m.role !== "assistant" || !m.metadata?.usage) continue;
    const model = m.metadata.model ?? "unknown";
    const usage = m.metadata.usage;
    const cost = m.metadata.costUsd ?? null;
    const steps = Math.max(1, m.parts.filter((p) => p.type === "step-start").length);
    const entry = byModel.get(model) ?? { usage: emptyUsage(), costUsd: 0, requests: 0 };
    entry.usage = addUsage(entry.usage, usage);
    entry.costUsd = entry.costUsd === null || cost === null ? null : entry.costUsd + cost;
    entry.requests += steps;
    byModel.set(model, entry);
    total = addUsage(total, usage);
    totalCost = totalCost === null || cost === null ? null : totalCost + cost;
    if (m.metadata.contextTokens !== undefined) last = { model, contextTokens: m.metadata.contextTokens };
  }
  const context = last ? { usedTokens: last.contextTokens, windowTokens: contextWindowFor(last.model) } : null;
  return {
    costUsd: byModel.size === 0 ? 0 : totalCost,
    usage: total,
    byModel: [...byModel].map(([model, e]) => ({ model, ...e })),
    context,
  };
}
