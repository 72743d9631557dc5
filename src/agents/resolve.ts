import type { Mode, ThinkingLevel } from "../agent/events.js";
import { thinkingLevelNamed } from "../agent/thinkingNames.js";
import type { AgentDefinition, AgentScope } from "./definition.js";
import type { AgentCatalog } from "./discover.js";

/** An agent with its `base` chain applied: what a turn needs to run as it. */
export interface ResolvedAgent {
  id: string;
  name: string;
  description?: string;
  scope: AgentScope;
  color?: string;
  hidden: boolean;
  /** The built-in mode at the root of its chain (plan prompt and plan tools); exec without one. */
  mode: Mode;
  /** Whether the mode's own tools are the starting set (false: an agent with no base starts from none). */
  fromMode: boolean;
  /** Instructions for the system prompt, base first. */
  instructions: string[];
  /** Tool patterns, base first: each step adds, then removes. */
  toolSteps: { add: RegExp[]; remove: RegExp[] }[];
  model?: string;
  thinking?: ThinkingLevel;
}

const SCOPE_ORDER: AgentScope[] = ["project", "global", "built-in"];

/** The definition of `id` visible from `below` (exclusive): a file extending `exec` reaches the one under it. */
function find(catalog: AgentCatalog, id: string, below?: AgentScope): AgentDefinition | undefined {
  const from = below ? SCOPE_ORDER.indexOf(below) + 1 : 0;
  return catalog.definitions.find((d) => d.id === id && SCOPE_ORDER.indexOf(d.scope) >= from);
}

export class AgentNotFoundError extends Error {}

/** Whole-name pattern; an invalid one matches its literal text only. */
function pattern(p: string): RegExp {
  try {
    return new RegExp(`^(?:${p})$`);
  } catch {
    return new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  }
}

/** The agents a user can pick (a disabled one is gone; a hidden one still runs by name). */
export function listAgents(catalog: AgentCatalog): ResolvedAgent[] {
  const seen = new Set<string>();
  const out: ResolvedAgent[] = [];
  for (const d of catalog.definitions) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    if (d.front.ui?.disabled) continue;
    try {
      out.push(resolveAgent(catalog, d.id));
    } catch {
      // A broken chain (missing base, cycle) is reported when the agent is used.
    }
  }
  return out;
}

/** Resolves `id` with its `base` chain; throws AgentNotFoundError naming what is wrong. */
export function resolveAgent(catalog: AgentCatalog, id: string): ResolvedAgent {
  const top = find(catalog, id);
  if (!top || top.front.ui?.disabled) {
    const known = listNames(catalog);
    throw new AgentNotFoundError(`No agent "${id}"${known ? ` (agents: ${known})` : ""}`);
  }
  const chain: AgentDefinition[] = [top];
  for (let d = top; d.front.base; ) {
    const base = find(catalog, d.front.base, d.front.base === d.id ? d.scope : undefined);
    if (!base) throw new AgentNotFoundError(`${d.file ?? d.id}: its base "${d.front.base}" is not an agent`);
    if (chain.includes(base) || chain.length > 16) throw new AgentNotFoundError(`${d.file ?? d.id}: its base chain loops back to "${base.id}"`);
    chain.push(base);
    d = base;
  }
  chain.reverse(); // base first
  const root = chain[0];
  const resolved: ResolvedAgent = {
    id: top.id,
    name: top.front.name,
    description: top.front.description,
    scope: top.scope,
    hidden: top.front.ui?.hidden === true,
    mode: root.scope === "built-in" && root.id === "plan" ? "plan" : "exec",
    fromMode: root.scope === "built-in",
    instructions: [],
    toolSteps: [],
  };
  for (const d of chain) {
    if (d.front.ui?.color) resolved.color = d.front.ui.color;
    if (d.body) resolved.instructions = d.front.prompt?.append === false ? [d.body] : [...resolved.instructions, d.body];
    const tools = d.front.tools;
    if (tools) {
      const add = Array.isArray(tools) ? tools : (tools.add ?? []);
      const remove = Array.isArray(tools) ? [] : (tools.remove ?? []);
      resolved.toolSteps.push({ add: add.map(pattern), remove: remove.map(pattern) });
    }
    if (d.front.ai?.model) resolved.model = d.front.ai.model;
    const thinking = d.front.ai?.thinkingLevel ? thinkingLevelNamed(d.front.ai.thinkingLevel) : undefined;
    if (thinking) resolved.thinking = thinking;
  }
  return resolved;
}

function listNames(catalog: AgentCatalog): string {
  return [...new Set(catalog.definitions.filter((d) => !d.front.ui?.disabled).map((d) => d.id))].join(", ");
}

/**
 * Whether the agent may use a tool: the mode's choice to start with, then each step's patterns
 * in order (adds, then removes), as the original applies them.
 */
export function agentAllowsTool(agent: ResolvedAgent, name: string, modeAllows: boolean): boolean {
  let allowed = agent.fromMode && modeAllows;
  for (const step of agent.toolSteps) {
    if (step.add.some((r) => r.test(name))) allowed = true;
    if (step.remove.some((r) => r.test(name))) allowed = false;
  }
  return allowed;
}
