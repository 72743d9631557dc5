import { useEffect, useState } from "react";
import { call } from "../api/client";
import { costTitle, formatCost, formatTokens, INCOMPLETE_COST_REASON } from "../app/format";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import type { CostSummary } from "../state/types";
import { workspacesStore } from "../state/workspaces";

/** Tokens and dollars per model, and how full the context window is; refreshed as the cost changes. */
export function CostsPanel({ workspaceId }: { workspaceId: string }) {
  const [costs, setCosts] = useState<CostSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Refetch whenever the live summary moves (a step finished, a turn ended).
  const version = useStore(workspacesStore, (s) => {
    const w = s.byId[workspaceId];
    return w ? `${w.costUsd}|${w.costIncomplete}|${w.activity.state}|${w.activity.lastActivityAt}` : "";
  });

  useEffect(() => {
    let live = true;
    call((api) => api.workspaces.costs({ workspaceId }))
      .then((c) => {
        if (!live) return;
        setCosts(c);
        setError(null);
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [workspaceId, version]);

  return (
    <div data-testid="costs-panel" className="min-h-0 flex-1 space-y-4 overflow-y-auto p-3">
      {error && (
        <p role="alert" className="text-err">
          {error}
        </p>
      )}
      {!costs && !error && <p className="text-muted">Loading…</p>}
      {costs && <CostsBody costs={costs} />}
    </div>
  );
}

function CostsBody({ costs }: { costs: CostSummary }) {
  const u = costs.usage;
  return (
    <>
      <div>
        <div className="text-[11px] text-muted uppercase">Total</div>
        <div data-testid="costs-total" className="font-mono text-xl tabular-nums" title={costTitle(costs.costUsd, costs.costIncomplete)}>
          {formatCost(costs.costUsd, costs.costIncomplete)}
        </div>
        {costs.costIncomplete && (
          <p data-testid="costs-incomplete" className="text-[11px] text-warn">
            {costs.costUsd == null ? "Unknown" : "At least this much"}: {INCOMPLETE_COST_REASON}.
          </p>
        )}
        <p className="mt-1 text-[11px] text-muted">
          {formatTokens(u.inputTokens)} in ({formatTokens(u.cachedInputTokens)} cached) · {formatTokens(u.outputTokens)} out
          {u.reasoningTokens > 0 && <> ({formatTokens(u.reasoningTokens)} reasoning)</>}
        </p>
      </div>
      <PromptCache costs={costs} />
      {costs.subagents && (
        <p data-testid="costs-subagents" className="text-[11px] text-muted">
          Includes {costs.subagents.tasks} helper {costs.subagents.tasks === 1 ? "agent" : "agents"} (
          {formatCost(costs.subagents.costUsd, costs.subagents.costIncomplete)}); each helper's workspace shows its own.
        </p>
      )}
      {costs.inherited && (
        <p data-testid="costs-inherited" className="text-[11px] text-muted">
          Forked with {costs.inherited.messages} earlier {costs.inherited.messages === 1 ? "reply" : "replies"} (
          {formatCost(costs.inherited.costUsd, costs.inherited.costIncomplete)}): shown in the chat, counted in the parent workspace, not here.
        </p>
      )}
      <ContextBar context={costs.context} />
      <div>
        <div className="mb-1 text-[11px] text-muted uppercase">By model</div>
        {costs.byModel.length === 0 ? (
          <p className="text-muted">No requests yet.</p>
        ) : (
          <ul className="space-y-2" data-testid="costs-by-model">
            {costs.byModel.map((m) => (
              <li key={m.model} data-testid={`costs-model-${m.model}`} className="border-t border-line pt-1.5">
                <div className="flex gap-2">
                  <span className="min-w-0 flex-1 font-mono text-[12px] break-all">{m.model}</span>
                  <span className="font-mono tabular-nums" title={costTitle(m.costUsd, m.costIncomplete)}>
                    {formatCost(m.costUsd, m.costIncomplete)}
                  </span>
                </div>
                <div className="text-[11px] text-muted tabular-nums">
                  {m.requests} req · {formatTokens(m.usage.inputTokens)} in ({formatTokens(m.usage.cachedInputTokens)} cached) ·{" "}
                  {formatTokens(m.usage.outputTokens)} out
                  {m.usage.reasoningTokens > 0 && ` (${formatTokens(m.usage.reasoningTokens)} reasoning)`}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </>
  );
}

/**
 * How much of the input the provider's prompt cache served (billed at a fraction of the input
 * price), and what that saved against paying full price for every token: a long agent session
 * resends its whole context at every step.
 */
function PromptCache({ costs }: { costs: CostSummary }) {
  const u = costs.usage;
  if (u.inputTokens === 0) return null;
  const ratio = u.cachedInputTokens / u.inputTokens;
  const saved = costs.cacheSavedUsd;
  return (
    <div data-testid="costs-cache">
      <div className="mb-1 text-[11px] text-muted uppercase">Prompt cache</div>
      <p>
        <span data-testid="costs-cache-ratio" className="font-mono tabular-nums">
          {Math.round(ratio * 100)}%
        </span>{" "}
        of input read from the cache
        {u.cacheWriteTokens > 0 && <span className="text-muted"> · {formatTokens(u.cacheWriteTokens)} written</span>}
      </p>
      <p className="text-[11px] text-muted" title="Against the same requests with every input token at the full price">
        {saved >= 0 ? "Saved " : "Cost "}
        <span data-testid="costs-cache-saved" className="font-mono tabular-nums">
          {formatCost(Math.abs(saved))}
        </span>
        {saved < 0 && " more (written to the cache, not read back yet)"}
      </p>
    </div>
  );
}

function ContextBar({ context }: { context: CostSummary["context"] }) {
  if (!context) return null;
  const { usedTokens, windowTokens } = context;
  const pct = windowTokens ? Math.min(100, (usedTokens / windowTokens) * 100) : null;
  const color = pct == null ? "bg-muted" : pct > 85 ? "bg-err" : pct > 60 ? "bg-warn" : "bg-accent";
  return (
    <div data-testid="context-usage">
      <div className="mb-1 flex text-[11px] text-muted uppercase">
        <span className="flex-1">Context window</span>
        <span className="normal-case">
          {formatTokens(usedTokens)} / {windowTokens ? formatTokens(windowTokens) : "?"}
          {pct != null && ` (${pct.toFixed(0)}%)`}
        </span>
      </div>
      <div
        className="h-1.5 overflow-hidden rounded bg-elev"
        role="meter"
        aria-label="Context window used"
        aria-valuemin={0}
        aria-valuemax={windowTokens ?? usedTokens}
        aria-valuenow={usedTokens}
      >
        <div className={`h-full ${color}`} style={{ width: `${pct ?? 100}%`, opacity: pct == null ? 0.3 : 1 }} />
      </div>
    </div>
  );
}
