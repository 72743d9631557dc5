import { parseDuration } from "./duration.js";
import { parseThinkingInput, THINKING_INPUT_HELP } from "./thinkingInput.js";

/**
 * The one list of `mux run`'s flags: ours, and every flag of the original Mux's `mux run`, so
 * the scripts and CI jobs written for it keep working. main.ts builds both its fast parser and
 * the commander definition from this list, so the two cannot disagree.
 */

/** A value a flag does not take: its message says what it takes instead. */
export class RunFlagError extends Error {}

export interface RunFlag {
  /** As commander writes it: `-d, --dir <path>`, `--json`, `--no-mcp-config`. */
  flags: string;
  description: string;
  /** Checks and converts a value (and collects a repeatable one); throws RunFlagError. */
  parse?: (value: string, previous: unknown) => unknown;
  default?: () => unknown;
  /** An original flag this Mux accepts without acting on it: the note printed when it is given. */
  ignored?: string;
}

const collect = (value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value];

function parseBudget(value: string): number {
  const usd = Number(value);
  if (value.trim() === "" || !Number.isFinite(usd)) throw new RunFlagError(`--budget takes a number of dollars, not "${value}"`);
  return usd;
}

function parseMode(value: string): "exec" | "plan" {
  const v = value.trim().toLowerCase();
  if (v === "plan") return "plan";
  if (v === "exec" || v === "execute") return "exec";
  throw new RunFlagError(`--mode takes exec or plan, not "${value}"`);
}

function parseThinking(value: string) {
  const level = parseThinkingInput(value);
  if (!level) throw new RunFlagError(`--thinking takes ${THINKING_INPUT_HELP}; not "${value}"`);
  return level;
}

/** `--mcp name=command`, collected: the original Mux's form. */
function parseMcpServer(value: string, previous: unknown): { name: string; command: string }[] {
  const at = value.indexOf("=");
  const name = at > 0 ? value.slice(0, at).trim() : "";
  const command = at > 0 ? value.slice(at + 1).trim() : "";
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !command)
    throw new RunFlagError(`--mcp takes name=command (e.g. memory="npx -y @modelcontextprotocol/server-memory"), not "${value}"`);
  return [...((previous as { name: string; command: string }[] | undefined) ?? []), { name, command }];
}

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new RunFlagError(`--timeout takes a duration such as 5m, 300s, 1h30m or milliseconds, not "${value}"`);
  return ms;
}

export const RUN_FLAGS: readonly RunFlag[] = [
  { flags: "-d, --dir <path>", description: "the project directory", default: () => process.cwd() },
  { flags: "-m, --model <provider:model>", description: "model, e.g. anthropic:claude-sonnet-4-5, or an alias (sonnet, gpt, ...)" },
  { flags: "--mode <mode>", description: "exec runs tools; plan only reads and proposes a plan", parse: parseMode, default: () => "exec" },
  {
    flags: "--agent <name>",
    description: "run as this agent: a built-in mode (exec, plan) or a file in .mux/agents/ or ~/.mux/agents/ (its mode, tools, instructions)",
  },
  { flags: "-t, --thinking <level>", description: `reasoning effort: ${THINKING_INPUT_HELP} (default: the agent's, else off)`, parse: parseThinking },
  { flags: "-b, --budget <usd>", description: "stop (exit 2) as soon as the run costs more than this many dollars", parse: parseBudget },
  {
    flags: "-r, --runtime <runtime>",
    description:
      'where the agent runs: local (the directory itself), worktree, "ssh <host>", "docker [image]", devcontainer, "coder <template>" or coder:<workspace>',
  },
  { flags: "--timeout <duration>", description: "stop the run (exit 1) after this long, e.g. 5m, 300s, 1h30m, or milliseconds", parse: parseTimeout },
  { flags: "--workspace <name>", description: "run in this workspace of the project at --dir (created when missing; continues its chat)" },
  { flags: "--session <id>", description: "continue an earlier session (its id is printed at the end of each run)" },
  { flags: "--workspace-id <id>", description: "the session's id: continued when it exists, else started under this id" },
  { flags: "--config-root <path>", description: "Mux's data directory for this run (as MUX_ROOT; default ~/.mux)" },
  {
    flags: "--image <file>",
    description: "attach an image to the message: PNG, JPEG, WebP or GIF, at most 5 MB (repeatable)",
    parse: collect,
  },
  { flags: "--json", description: "print every event as one JSON object per line" },
  { flags: "-q, --quiet", description: "print only the final answer" },
  { flags: "--hide-costs", description: "leave the cost out of the summary line" },
  { flags: "--no-web-fetch", description: "do not offer the agent the web_fetch tool (no web pages fetched)" },
  {
    flags: "--goal <objective>",
    description: "the objective, as the message when none is given (one turn; no goal runs here)",
    ignored: "--goal runs one turn with the objective as its message when none is given; this Mux has no goal runs",
  },
  { flags: "--goal-budget <budget>", description: "accepted for compatibility; no effect", ignored: "--goal-budget has no effect: this Mux has no goal runs" },
  { flags: "--goal-turns <turns>", description: "accepted for compatibility; no effect", ignored: "--goal-turns has no effect: this Mux has no goal runs" },
  { flags: "-v, --verbose", description: "accepted for compatibility; no effect", ignored: "--verbose has no effect: this Mux prints the same either way" },
  { flags: "--log-level <level>", description: "accepted for compatibility; no effect", ignored: "--log-level has no effect: this Mux has no log levels" },
  {
    flags: "--mcp <server>",
    description: "an MCP server for this run, as name=command (repeatable; added to those in mcp.jsonc)",
    parse: parseMcpServer,
  },
  { flags: "--no-mcp-config", description: "leave ~/.mux/mcp.jsonc and the project's .mux/mcp.jsonc out: only --mcp servers" },
  {
    flags: "-e, --experiment <id>",
    description: "accepted for compatibility; no effect (repeatable)",
    parse: collect,
    ignored: "--experiment has no effect: this Mux has no experiments",
  },
  {
    flags: "--service-tier <tier>",
    description: "accepted for compatibility; no effect",
    ignored: "--service-tier has no effect: requests use the provider's default tier",
  },
  {
    flags: "--use-1m",
    description: "accepted for compatibility; no effect",
    ignored: "--use-1m has no effect: requests use the model's default context window",
  },
  {
    flags: "--keep-background-processes",
    description: "accepted for compatibility; no effect",
    ignored: "--keep-background-processes has no effect: this Mux's tools start no background processes",
  },
];

/** What a flag's syntax says: its names, the option key commander derives, whether it takes a value. */
export interface FlagShape {
  short?: string;
  long: string;
  key: string;
  takesValue: boolean;
  /** `--no-x`: sets x to false (default true). */
  negated: boolean;
}

export function flagShape(flag: RunFlag): FlagShape {
  const m = /^(?:(-\w), )?(--[\w-]+)(?: <[^>]+>)?$/.exec(flag.flags);
  if (!m) throw new Error(`malformed flag definition "${flag.flags}"`);
  const long = m[2];
  const negated = long.startsWith("--no-");
  const name = negated ? long.slice(5) : long.slice(2);
  const key = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  return { short: m[1], long, key, takesValue: flag.flags.includes("<"), negated };
}

/** The notes for the original flags given that this Mux does not act on (one line each). */
export function ignoredFlagNotes(givenKeys: Iterable<string>): string[] {
  const given = new Set(givenKeys);
  return RUN_FLAGS.filter((f) => f.ignored && given.has(flagShape(f).key)).map((f) => f.ignored as string);
}
