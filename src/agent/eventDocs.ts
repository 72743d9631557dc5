import type { AgentEvent } from "./events.js";

/**
 * One line per event type, for the README's table of `mux run --json` lines. A Record over the
 * union: a new event type does not compile until it is described here, and the README test
 * (eventDocs.test.ts) fails until the README lists it (`npx tsx scripts/readmeEvents.ts`).
 */
export const EVENT_DOCS: Record<AgentEvent["type"], string> = {
  "stream-start": "the agent's answer begins: `messageId`, `model`, `mode`",
  "step-start": "one request to the model begins (`step`); a retry starts the step over",
  "text-delta": "a piece of the answer (`delta`)",
  "reasoning-delta": "a piece of the model's reasoning (`delta`), with `-t` above off",
  "tool-call-start": "the model starts calling a tool (`toolCallId`, `toolName`)",
  "tool-call-args": "the tool's full input (`args`)",
  "tool-output": "live output of a running tool (`stream`: stdout/stderr, `text`)",
  "tool-call-end": "the tool finished: `result`, `isError`, `durationMs`",
  question: "the agent asks the user (`toolCallId`, `questions` with their `options`); `answerable` false: nobody can answer, the agent decides itself",
  usage: "tokens and cost of one request (`usage`, `costUsd`), and the run's cost so far (`totalCostUsd`)",
  retry: "a failed request is tried again (`attempt`, `maxAttempts`, `delayMs`, `reason`)",
  notice: "something to know that is not the model's doing (`level`, `text`)",
  "stream-end": "the answer is complete (`finishReason`, `usage`, `costUsd`)",
  "stream-abort": "the answer stopped early: `reason` interrupted (Ctrl+C, --timeout) or budget",
  error: "what went wrong, by `kind` (auth, rate_limit, network, config, usage, busy, timeout, ...) and `message`",
  "init-start": "a new workspace's `.mux/init` hook starts (`hook`)",
  "init-output": "the hook's output (`stream`, `text`)",
  "init-end": "the hook finished (`exitCode`, `ok`, `durationMs`)",
  command: "a slash command did its work (`name`, `text`), with what it changed: `model`, `mode`, `workspace` (`/fork`, `/new`) or `costs` (`/cost`)",
  "budget-exceeded": "`--budget` stopped the run: `spent` and `budget` in dollars (just before run-complete)",
  "child-event":
    "an event of a sub-agent the `task` tool started: `childId` (its workspace), `parentId` (the workspace or run that started it) and the `event` itself",
  "run-complete":
    "always the last line: `status`, `sessionId`, `model`, `usage` (+ original Mux's `cachedTokens`, `cacheCreateTokens`), `costUsd`/`cost_usd`, `context`, `text` and `durationMs`",
};

/**
 * The README's table of line types (between the markers README_EVENTS_START and _END), its
 * columns padded as the formatter (biome) lays out Markdown tables.
 */
export function eventTable(): string {
  const rows = [["`type`", "what the line says"], ...Object.entries(EVENT_DOCS).map(([type, doc]) => [`\`${type}\``, doc])];
  const widths = [0, 1].map((col) => Math.max(...rows.map((r) => r[col].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(rows[0]), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)].join("\n");
}

export const README_EVENTS_START = "<!-- json-events: generated from src/agent/eventDocs.ts by `npx tsx scripts/readmeEvents.ts` -->";
export const README_EVENTS_END = "<!-- /json-events -->";
