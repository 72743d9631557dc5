import type { AgentList, AgentSummary } from "../../../src/api/agents";
import type { ThinkingLevel } from "../../../src/agent/events";
import type { ChatSettings } from "./settings";

interface Props {
  settings: ChatSettings;
  list: AgentList;
  onRefresh: () => void;
  onSettings: (patch: Partial<ChatSettings>) => void;
}

/** Picking an agent selects its mode, and its model and thinking level when it names them. */
export function agentPatch(agent: AgentSummary): Partial<ChatSettings> {
  return {
    agent: agent.id,
    mode: agent.mode,
    ...(agent.model ? { model: agent.model } : {}),
    ...(agent.thinking ? { thinking: agent.thinking as ThinkingLevel } : {}),
  };
}

/**
 * The mode picker: Exec and Plan, and the project's and user's own agents (`.mux/agents/*.md`,
 * `~/.mux/agents/*.md`) when there are any. Files that could not be read are listed in its tooltip.
 */
export function AgentPicker({ settings, list, onRefresh, onSettings }: Props) {
  const current = settings.agent ?? settings.mode;
  const known = list.agents.some((a) => a.id === current);
  const problems = list.problems.map((p) => p.message).join("\n");
  return (
    <label className="inline-flex items-center gap-1 text-[12px] text-muted">
      <span className="max-sm:sr-only">Agent</span>
      <select
        data-testid="agent-select"
        aria-label="Agent"
        className="max-w-[9rem] rounded border border-line bg-bg px-1 py-0.5 text-[12px] text-fg"
        value={current}
        title={list.agents.find((a) => a.id === current)?.description}
        onFocus={onRefresh}
        onChange={(e) => {
          const agent = list.agents.find((a) => a.id === e.target.value);
          if (agent) onSettings(agentPatch(agent));
        }}
      >
        {!known && <option value={current}>{current} (not found)</option>}
        {list.agents.map((a) => (
          <option key={a.id} value={a.id} title={a.description}>
            {a.name}
            {a.scope === "built-in" ? "" : a.scope === "project" ? " · project" : " · yours"}
          </option>
        ))}
      </select>
      {problems && (
        <span className="text-warn" data-testid="agent-problems" title={problems} role="img" aria-label={`Agent files with problems: ${problems}`}>
          ⚠
        </span>
      )}
    </label>
  );
}
