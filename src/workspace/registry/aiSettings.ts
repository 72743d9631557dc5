import { type ThinkingLevel, ThinkingLevelSchema } from "../../agent/basicSchemas.js";
import { thinkingLevelNamed } from "../../agent/thinkingNames.js";
import { formatModel, parseModelString } from "../../providers/models.js";
import { AGENT_ID, type Workspace } from "../schemas.js";
import { isObject, type RawObject } from "./raw.js";

type Settings = Workspace["settings"];

/** Ours in the original's words: `xhigh` is the top level every version of it understands. */
const TO_ORIGINAL: Record<ThinkingLevel, string> = { off: "off", low: "low", medium: "medium", high: "high", max: "xhigh" };

/**
 * The original keeps a choice per agent (`aiSettingsByAgent`, keyed by agent id); our exec and
 * plan modes are its `exec` and `plan` agents, and a custom agent is its own entry.
 */
function agentOf(settings: Settings): string {
  return settings.agent ?? (settings.mode === "plan" ? "plan" : "exec");
}

/**
 * A workspace's model, thinking level and mode from its record: the original's `aiSettings`
 * (or its per-agent choice for the mode, which it prefers when both exist), and our `mode`,
 * `thinking` (a level picked before any model, which `aiSettings` cannot hold without one),
 * `autoCompactPercent` and `webFetch`.
 */
export function settingsFromRaw(raw: RawObject): Settings {
  const agent = typeof raw.agentId === "string" && AGENT_ID.test(raw.agentId) ? raw.agentId : undefined;
  // The original records the agent (`agentId`) and no mode: its built-in agents are the modes.
  const mode = raw.mode === "exec" || raw.mode === "plan" ? raw.mode : agent === "exec" || agent === "plan" ? agent : undefined;
  const byAgent = isObject(raw.aiSettingsByAgent) ? raw.aiSettingsByAgent[agentOf({ mode, agent })] : undefined;
  const chosen = isObject(byAgent) ? byAgent : isObject(raw.aiSettings) ? raw.aiSettings : {};
  const settings: Settings = {};
  if (typeof chosen.model === "string" && chosen.model) settings.model = chosen.model;
  const thinking = typeof chosen.thinkingLevel === "string" ? thinkingLevelNamed(chosen.thinkingLevel) : undefined;
  const own = ThinkingLevelSchema.safeParse(raw.thinking);
  if (thinking) settings.thinking = thinking;
  else if (own.success) settings.thinking = own.data;
  if (mode) settings.mode = mode;
  if (agent) settings.agent = agent;
  const percent = raw.autoCompactPercent;
  if (typeof percent === "number" && Number.isInteger(percent) && percent >= 0 && percent <= 100) settings.autoCompactPercent = percent;
  if (typeof raw.webFetch === "boolean") settings.webFetch = raw.webFetch;
  return settings;
}

/**
 * Writes what changed between `before` and `after` into the record, where the original reads it:
 * `aiSettings` and, when it keeps per-agent choices, the entry of the current mode's agent. Only
 * the changed part is written, so a level ours reads differently (`max` read as ours) stays as it was.
 */
export function writeSettings(raw: RawObject, before: Settings, after: Settings): void {
  if (before.mode !== after.mode) {
    if (after.mode) raw.mode = after.mode;
    else delete raw.mode;
  }
  if (before.agent !== after.agent) {
    if (after.agent) raw.agentId = after.agent;
    else delete raw.agentId;
  }
  // Ours alone (the original has no such field in its record).
  if (before.autoCompactPercent !== after.autoCompactPercent) {
    if (after.autoCompactPercent === undefined) delete raw.autoCompactPercent;
    else raw.autoCompactPercent = after.autoCompactPercent;
  }
  if (before.webFetch !== after.webFetch) {
    if (after.webFetch === undefined) delete raw.webFetch;
    else raw.webFetch = after.webFetch;
  }
  const modelChanged = before.model !== after.model && after.model !== undefined;
  const thinkingChanged = before.thinking !== after.thinking && after.thinking !== undefined;
  if (!modelChanged && !thinkingChanged) return;
  const targets: RawObject[] = [];
  if (isObject(raw.aiSettings)) targets.push(raw.aiSettings);
  else if (after.model !== undefined) targets.push((raw.aiSettings = {}));
  if (isObject(raw.aiSettingsByAgent)) {
    const agents = raw.aiSettingsByAgent;
    const agent = agentOf(after);
    if (isObject(agents[agent])) targets.push(agents[agent]);
    else if (after.model !== undefined) targets.push((agents[agent] = {}));
  }
  if (targets.length === 0) {
    // No model chosen yet, so nothing the original could read: the level waits in our own field.
    raw.thinking = after.thinking;
    return;
  }
  delete raw.thinking;
  for (const target of targets) {
    // The original requires both fields: one missing is filled with what this Mux will use.
    if (after.model !== undefined && (modelChanged || typeof target.model !== "string")) target.model = canonicalModel(after.model);
    if (thinkingChanged || typeof target.thinkingLevel !== "string") target.thinkingLevel = TO_ORIGINAL[after.thinking ?? "off"];
  }
}

/** `sonnet` → `anthropic:claude-sonnet-4-5`: the original accepts only `provider:model`. */
function canonicalModel(model: string): string {
  try {
    return formatModel(parseModelString(model));
  } catch {
    return model;
  }
}
