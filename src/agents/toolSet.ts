import { offeredTools, type ToolOptions, toolsForMode } from "../tools/registry.js";
import type { ToolDefinition } from "../tools/types.js";
import { agentAllowsTool, type ResolvedAgent } from "./resolve.js";
import type { Mode } from "../agent/events.js";

/** The tools a turn offers: the mode's, or what the agent's patterns make of them. */
export function toolsForTurn(mode: Mode, agent?: ResolvedAgent, options: ToolOptions = {}): ToolDefinition[] {
  const ofMode = toolsForMode(mode, options);
  if (!agent) return ofMode;
  const inMode = new Set(ofMode.map((t) => t.name));
  return offeredTools(options).filter((t) => agentAllowsTool(agent, t.name, inMode.has(t.name)));
}
