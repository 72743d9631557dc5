import type { ThinkingLevel } from "../agent/events.js";
import { thinkingLevelNamed } from "../agent/thinkingNames.js";

/** Our levels, lowest to highest: a number given to `--thinking` counts along this list. */
const LEVELS: readonly ThinkingLevel[] = ["off", "low", "medium", "high", "max"];

/** The largest number `--thinking` accepts, as in the original Mux (larger levels clamp to max). */
const MAX_INDEX = 9;

/**
 * `--thinking` as a level: a name (`off`, `LOW`, `MED`, `medium`, `High`, `max`, …) or a number
 * 0–9 counting up from `off` (0 off, 1 low, 2 medium, 3 high, 4 and above max). The original
 * Mux counts along the levels the chosen model allows; every model here takes all five, so the
 * numbers land on the same levels. Undefined for anything else.
 */
export function parseThinkingInput(value: string): ThinkingLevel | undefined {
  const named = thinkingLevelNamed(value);
  if (named) return named;
  const v = value.trim();
  if (!/^\d$/.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_INDEX ? LEVELS[Math.min(n, LEVELS.length - 1)] : undefined;
}

export const THINKING_INPUT_HELP = "off, low, medium (MED), high, max (any case), or 0-9 (0 off … 4+ max)";
