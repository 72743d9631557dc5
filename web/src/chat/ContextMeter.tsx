import { useEffect } from "react";
import { formatTokens } from "../app/format";
import { ensureModelChoices, modelChoicesStore } from "../state/models";
import { useStore } from "../state/store";
import { workspacesStore } from "../state/workspaces";

/** The session core compacts a turn's chat first past this share of the window (workspace setting). */
const DEFAULT_AUTO_COMPACT_PERCENT = 70;

/**
 * How full the model's context window was at the chat's latest request: used / window, a bar that
 * turns to the warning colour past the workspace's auto-compaction threshold, numbers in the tooltip.
 * Nothing shows before a request reported its usage; without a known window only the tokens show.
 */
export function ContextMeter({ workspaceId, usedTokens, model }: { workspaceId: string; usedTokens?: number; model?: string }) {
  useEffect(ensureModelChoices, []);
  const windowTokens = useStore(modelChoicesStore, (s) => (model ? (s?.models.find((m) => m.id === model)?.contextWindow ?? null) : null));
  const threshold = useStore(workspacesStore, (s) => s.byId[workspaceId]?.settings.autoCompactPercent) ?? DEFAULT_AUTO_COMPACT_PERCENT;
  if (usedTokens === undefined) return null;
  const percent = windowTokens ? Math.min(100, Math.round((usedTokens / windowTokens) * 100)) : null;
  const over = percent !== null && threshold > 0 && percent >= threshold;
  const title =
    percent === null
      ? `Context: ${usedTokens.toLocaleString("en-US")} tokens at the latest request of ${model ?? "the model"} (its window is not known)`
      : `Context: ${usedTokens.toLocaleString("en-US")} of ${windowTokens?.toLocaleString("en-US")} tokens (${percent}%) at the latest request of ${model}.` +
        (threshold > 0 ? ` The next turn compacts the chat first past ${threshold}%; /compact does it now.` : "");
  return (
    <span
      data-testid="context-meter"
      data-over={over ? "true" : "false"}
      data-percent={percent ?? ""}
      title={title}
      role="img"
      aria-label={title}
      className={`inline-flex items-center gap-1 text-[11px] tabular-nums ${over ? "text-warn" : "text-muted"}`}
    >
      {percent !== null && (
        <span className="relative inline-block h-1.5 w-10 overflow-hidden rounded bg-line max-sm:w-6" aria-hidden="true">
          <span className={`absolute inset-y-0 left-0 ${over ? "bg-warn" : "bg-accent"}`} style={{ width: `${percent}%` }} />
        </span>
      )}
      <span>
        {formatTokens(usedTokens)}
        {windowTokens ? <span className="max-sm:hidden"> / {formatTokens(windowTokens)}</span> : null}
      </span>
    </span>
  );
}
