import type { ThinkingLevel } from "../../../src/agent/events";

type Choice = { model?: string; thinking?: ThinkingLevel };

/**
 * The model and thinking level picked last, in any workspace: what a new workspace starts with.
 * The mode is not carried over: plan mode is a decision about one task, not a preference.
 */
const KEY = "mux.chat.lastChoice";
const LEVELS: readonly string[] = ["off", "low", "medium", "high", "max"] satisfies ThinkingLevel[];

export function lastChoice(): Choice {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? "{}");
  } catch {
    return {};
  }
  // Whatever is stored goes to the server, which refuses a bad value: pass only sound ones.
  const { model, thinking } = (raw ?? {}) as Record<string, unknown>;
  return {
    ...(typeof model === "string" && model ? { model } : {}),
    ...(typeof thinking === "string" && LEVELS.includes(thinking) ? { thinking: thinking as ThinkingLevel } : {}),
  };
}

export function rememberChoice(patch: Choice) {
  const picked = { ...(patch.model ? { model: patch.model } : {}), ...(patch.thinking ? { thinking: patch.thinking } : {}) };
  if (!Object.keys(picked).length) return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...lastChoice(), ...picked }));
  } catch {
    // storage full or disabled: new workspaces start from the defaults
  }
}
