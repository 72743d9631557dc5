import type { ThinkingLevel } from "./events.js";

// Its own module, free of zod: `mux run` parses its flags before it loads anything else.

/**
 * Every name a thinking level goes by: ours, and the original Mux's (`med`, and `xhigh`, its
 * level between high and max, for which we send our highest effort).
 */
const THINKING_LEVEL_NAMES: Readonly<Record<string, ThinkingLevel>> = {
  off: "off",
  low: "low",
  med: "medium",
  medium: "medium",
  high: "high",
  xhigh: "max",
  max: "max",
};

/** The level a name (any case) stands for; undefined for a name no Mux uses. */
export function thinkingLevelNamed(name: string): ThinkingLevel | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(THINKING_LEVEL_NAMES, key) ? THINKING_LEVEL_NAMES[key] : undefined;
}
