import type { ThinkingLevel } from "../../../src/agent/events";
import { AgentPicker } from "./AgentPicker";
import type { ChatSettings } from "./settings";
import type { useAgents } from "./useAgents";

const THINKING: ThinkingLevel[] = ["off", "low", "medium", "high", "max"];

/** Exec ↔ Plan; a workspace that had an agent now runs as that mode's built-in one. */
export function otherMode(settings: ChatSettings): Partial<ChatSettings> {
  const mode = settings.mode === "plan" ? "exec" : "plan";
  return settings.agent ? { mode, agent: mode } : { mode };
}

interface Props {
  settings: ChatSettings;
  onSettings: (patch: Partial<ChatSettings>) => void;
  agents: ReturnType<typeof useAgents>;
  /** The project or the user has agents of their own: the agent picker replaces the Exec/Plan switch. */
  ownAgents: boolean;
}

/** The composer's per-workspace switches beside the model: thinking level, agent (or Exec/Plan), web fetch. */
export function ComposerOptions({ settings, onSettings, agents: [list, refresh], ownAgents }: Props) {
  return (
    <>
      <label className="inline-flex items-center gap-1 text-[12px] text-muted">
        <span className="max-sm:sr-only">Thinking</span>
        <select
          data-testid="thinking-select"
          aria-label="Thinking level"
          className="rounded border border-line bg-bg px-1 py-0.5 text-[12px] text-fg"
          value={settings.thinking}
          onChange={(e) => onSettings({ thinking: e.target.value as ThinkingLevel })}
        >
          {THINKING.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {ownAgents ? (
        <AgentPicker settings={settings} list={list} onRefresh={refresh} onSettings={onSettings} />
      ) : (
        <button
          type="button"
          data-testid="mode-toggle"
          data-mode={settings.mode}
          aria-pressed={settings.mode === "plan"}
          title="Plan mode: read-only, ends with a plan to approve"
          className="inline-flex overflow-hidden rounded border border-line text-[12px]"
          onClick={() => onSettings(otherMode(settings))}
        >
          <span className={`px-1.5 py-0.5 ${settings.mode === "exec" ? "bg-accent text-accent-fg" : "text-muted"}`}>Exec</span>
          <span className={`px-1.5 py-0.5 ${settings.mode === "plan" ? "bg-accent text-accent-fg" : "text-muted"}`}>Plan</span>
        </button>
      )}
      <button
        type="button"
        data-testid="web-fetch-toggle"
        aria-pressed={settings.webFetch}
        title={
          settings.webFetch ? "The agent may fetch web pages (web_fetch): click to turn it off here" : "Web fetch is off in this workspace: click to allow it"
        }
        className={`rounded border px-1.5 py-0.5 text-[12px] ${settings.webFetch ? "border-accent/60 text-fg" : "border-line text-muted line-through"}`}
        onClick={() => onSettings({ webFetch: !settings.webFetch })}
      >
        Web
      </button>
    </>
  );
}
