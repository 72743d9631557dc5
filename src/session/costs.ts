import { addUsage, emptyUsage, type Usage } from "../agent/usage.js";
import type { ChatMessage } from "../agent/messages.js";
import { sumCosts } from "../api/partialCost.js";
import type { CostSummary } from "../api/schemas.js";

type MessageCost = { costUsd: number | null | undefined; costIncomplete?: boolean };

/**
 * Tokens and dollars per model for a conversation, what the prompt cache saved, and how full the
 * context window was at the latest request. A request whose cost is unknown leaves the rest counted (see partialCost.ts).
 * Messages copied from the workspace this one was forked from are shown apart (`inherited`):
 * their cost is that workspace's, and counting it here too would count it twice in any total.
 */
export function costSummary(messages: ChatMessage[], contextWindowFor: (model: string) => number | null = () => null): CostSummary {
  const byModel = new Map<string, { usage: Usage; costs: MessageCost[]; requests: number }>();
  let total = emptyUsage();
  const own: MessageCost[] = [];
  const inherited: MessageCost[] = [];
  let last: { model: string; contextTokens: number } | null = null;
  let cacheSavedUsd = 0;
  for (const m of messages) {
    if (m.role !== "assistant" || !m.metadata?.usage) continue;
    const model = m.metadata.model ?? "unknown";
    const { usage, costUsd, costIncomplete, contextTokens } = m.metadata;
    if (contextTokens !== undefined) last = { model, contextTokens };
    const cost = { costUsd: costUsd ?? null, costIncomplete };
    if (m.metadata.inheritedFrom) {
      inherited.push(cost);
      continue;
    }
    const steps = Math.max(1, m.parts.filter((p) => p.type === "step-start").length);
    const entry = byModel.get(model) ?? { usage: emptyUsage(), costs: [], requests: 0 };
    entry.usage = addUsage(entry.usage, usage);
    entry.costs.push(cost);
    entry.requests += steps;
    byModel.set(model, entry);
    total = addUsage(total, usage);
    cacheSavedUsd += m.metadata.cacheSavedUsd ?? 0;
    own.push(cost);
  }
  const context = last ? { usedTokens: last.contextTokens, windowTokens: contextWindowFor(last.model) } : null;
  const children = subagentCosts(messages.filter((m) => !m.metadata?.inheritedFrom));
  return {
    // Its sub-agents' cost is counted in it (a child's own summary has only its own).
    ...sumCosts([...own, ...children.costs]),
    subagents: children.costs.length ? { tasks: children.costs.length, ...sumCosts(children.costs) } : null,
    usage: total,
    cacheSavedUsd,
    byModel: [...byModel].map(([model, e]) => ({ model, usage: e.usage, ...sumCosts(e.costs), requests: e.requests })),
    inherited: inherited.length ? { messages: inherited.length, ...sumCosts(inherited) } : null,
    context,
  };
}

/**
 * What the sub-agents the `task` tool ran cost, from their reports in the chat (a report says
 * what its child's turn cost, its own children included).
 */
export function subagentCosts(messages: ChatMessage[]): { costs: MessageCost[] } {
  const costs: MessageCost[] = [];
  for (const m of messages) {
    if (m.role !== "assistant") continue;
    for (const p of m.parts) {
      if (p.type !== "tool" || p.state !== "done") continue;
      // A helper's report: task's result, or each of task_await's (a background start has none yet).
      const outs = p.toolName === "task" ? [p.output] : p.toolName === "task_await" ? ((p.output as { reports?: unknown[] })?.reports ?? []) : [];
      for (const out of outs as ({ costUsd?: unknown; costIncomplete?: unknown } | undefined)[]) {
        if (out && "costUsd" in out) costs.push(reportCost(out));
      }
    }
  }
  return { costs };
}

/** What a helper's report says it cost. */
export function reportCost(report: { costUsd?: unknown; costIncomplete?: unknown }): MessageCost {
  return { costUsd: typeof report.costUsd === "number" ? report.costUsd : null, costIncomplete: report.costIncomplete === true };
}
