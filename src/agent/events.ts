import { z } from "zod";
import { ModeSchema, UsageSchema } from "./basicSchemas.js";
import { QuestionsSchema } from "./questions.js";

/**
 * The one event protocol: what the agent emits, what `mux run --json` prints (one per line),
 * and what the server and UI will stream. Every consumer validates with these schemas.
 */

export { type Mode, ModeSchema, type ThinkingLevel, ThinkingLevelSchema, UsageSchema } from "./basicSchemas.js";
export type Usage = z.infer<typeof UsageSchema>;

// Plain helpers live in usage.ts so browser code can fold events without loading zod.
export { addUsage, emptyUsage } from "./usage.js";

/** Errors by kind, so a UI can offer the right action (fix key, retry, raise budget). */
export const ErrorKindSchema = z.enum([
  "auth", // 401/403
  "bad_request", // 400 and other non-retryable 4xx
  "rate_limit", // 429 after retries ran out
  "server", // 5xx after retries ran out
  "network", // reset, refused, DNS
  "stalled", // no bytes for too long, after retries ran out
  "malformed_response",
  "config", // provider or model cannot be resolved, or a settings file is broken
  "usage", // the command line asks for something impossible (no message, no such directory)
  "busy", // another agent is running in this chat
  "timeout", // `mux run --timeout` ran out
  "unknown",
]);
export type ErrorKind = z.infer<typeof ErrorKindSchema>;

const base = { messageId: z.string() };

export const StreamStartEvent = z.object({
  type: z.literal("stream-start"),
  ...base,
  model: z.string(),
  mode: ModeSchema,
  ts: z.number(),
});
/** One LLM request begins; a retry discards what the current step produced so far. */
export const StepStartEvent = z.object({ type: z.literal("step-start"), ...base, step: z.number().int() });
export const TextDeltaEvent = z.object({ type: z.literal("text-delta"), ...base, delta: z.string() });
export const ReasoningDeltaEvent = z.object({
  type: z.literal("reasoning-delta"),
  ...base,
  delta: z.string(),
});
export const ToolCallStartEvent = z.object({
  type: z.literal("tool-call-start"),
  ...base,
  toolCallId: z.string(),
  toolName: z.string(),
});
/** The tool's full, parsed input, emitted once the model finished writing it. */
export const ToolCallArgsEvent = z.object({
  type: z.literal("tool-call-args"),
  ...base,
  toolCallId: z.string(),
  toolName: z.string(),
  args: z.unknown(),
});
/** Live output of a running tool (bash). */
export const ToolOutputEvent = z.object({
  type: z.literal("tool-output"),
  ...base,
  toolCallId: z.string(),
  stream: z.enum(["stdout", "stderr"]),
  text: z.string(),
});
export const ToolCallEndEvent = z.object({
  type: z.literal("tool-call-end"),
  ...base,
  toolCallId: z.string(),
  toolName: z.string(),
  result: z.unknown(),
  isError: z.boolean(),
  durationMs: z.number(),
});
/**
 * The agent asks the user (ask_user_question): `answerable` says whether someone can answer
 * (the web app, or `mux run` on a terminal); when not, the tool tells the model to decide itself.
 * The answer comes as the tool's result (tool-call-end).
 */
export const QuestionEvent = z.object({
  type: z.literal("question"),
  ...base,
  toolCallId: z.string(),
  questions: QuestionsSchema,
  answerable: z.boolean(),
});
export const UsageEvent = z.object({
  type: z.literal("usage"),
  ...base,
  step: z.number().int(),
  usage: UsageSchema,
  /** Cost of this step; null when the model's price is unknown. */
  costUsd: z.number().nullable(),
  /** Running cost of the whole run so far; null when unknown. */
  totalCostUsd: z.number().nullable(),
  /**
   * What the prompt cache saved on this step: its cost with all input at the full price, less
   * `costUsd` (negative when writing the cache cost more than reading it saved). Absent when
   * the price is unknown.
   */
  cacheSavedUsd: z.number().optional(),
  /**
   * The step was interrupted before the provider reported its usage in full: `usage` is what it
   * had reported (input tokens, often; possibly nothing), so the step cost at least `costUsd`.
   */
  incomplete: z.boolean().optional(),
});
export const RetryEvent = z.object({
  type: z.literal("retry"),
  ...base,
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  delayMs: z.number(),
  reason: z.string(),
});
/**
 * Something the user should know about this turn that is not the model's doing (e.g. commands
 * a killed Mux left running were stopped first). Kept on the message; never sent to the model.
 */
export const NoticeEvent = z.object({
  type: z.literal("notice"),
  ...base,
  level: z.enum(["info", "warning"]),
  text: z.string(),
});
export const StreamEndEvent = z.object({
  type: z.literal("stream-end"),
  ...base,
  finishReason: z.string(),
  usage: UsageSchema,
  costUsd: z.number().nullable(),
});
export const StreamAbortEvent = z.object({
  type: z.literal("stream-abort"),
  ...base,
  reason: z.enum(["interrupted", "budget"]),
});
export const ErrorEvent = z.object({
  type: z.literal("error"),
  messageId: z.string().optional(),
  kind: ErrorKindSchema,
  message: z.string(),
  provider: z.string().optional(),
  url: z.string().optional(),
  status: z.number().optional(),
  keySource: z.string().optional(),
});
/** A new workspace's `.mux/init` hook: its output is streamed and kept. */
export const InitStartEvent = z.object({ type: z.literal("init-start"), workspaceId: z.string(), hook: z.string() });
export const InitOutputEvent = z.object({
  type: z.literal("init-output"),
  workspaceId: z.string(),
  stream: z.enum(["stdout", "stderr"]),
  text: z.string(),
});
export const InitEndEvent = z.object({
  type: z.literal("init-end"),
  workspaceId: z.string(),
  exitCode: z.number().nullable(),
  ok: z.boolean(),
  durationMs: z.number(),
});

/**
 * `mux run --budget` stopped the run: emitted once, just before its run-complete. Named and
 * shaped as the original Mux's line, so scripts written for it keep working.
 */
export const BudgetExceededEvent = z.object({
  type: z.literal("budget-exceeded"),
  /** Dollars the run had cost when it stopped. */
  spent: z.number(),
  /** The --budget it passed. */
  budget: z.number(),
});

/**
 * Dollars that may be only partly known: the sum of what is known (null when nothing is), and
 * whether some requests' cost is unknown (a model with no price, a request interrupted before
 * its usage was reported), so the real cost is higher ("$0.42+").
 */
export const PartialCostFields = {
  costUsd: z.number().nullable(),
  costIncomplete: z.boolean(),
};

/** Tokens and dollars of a chat, per model (the Costs panel, `/cost`). */
export const CostSummarySchema = z.object({
  ...PartialCostFields,
  usage: UsageSchema,
  /** What the prompt cache saved, in dollars (requests of unknown price left out; negative when it cost more). */
  cacheSavedUsd: z.number(),
  byModel: z.array(z.object({ model: z.string(), usage: UsageSchema, ...PartialCostFields, requests: z.number() })),
  /** The sub-agents its agent started (the task tool): how many, and what they cost (counted in costUsd above). */
  subagents: z
    .object({ tasks: z.number(), ...PartialCostFields })
    .nullable()
    .optional(),
  /** History copied when this workspace was forked: shown, but its cost counts in the parent only. */
  inherited: z.object({ messages: z.number(), ...PartialCostFields }).nullable(),
  /** Tokens sent with the latest request vs. the model's context window (null when unknown). */
  context: z.object({ usedTokens: z.number(), windowTokens: z.number().nullable() }).nullable(),
});
export type CostSummary = z.infer<typeof CostSummarySchema>;

/**
 * A slash command did its work (see src/session/slashCommands.ts): what it says to the user, and
 * what it changed. With a messageId it is the whole answer (kept as its notice); without one a
 * message follows it (`/plan fix the bug`), whose answer carries the same text as a notice.
 */
export const CommandEvent = z.object({
  type: z.literal("command"),
  messageId: z.string().optional(),
  name: z.enum(["compact", "clear", "model", "plan", "exec", "fork", "new", "cost"]),
  text: z.string(),
  /** `/model`: the model now set. */
  model: z.string().optional(),
  /** `/plan`, `/exec`: the mode now set. */
  mode: ModeSchema.optional(),
  /** `/fork`, `/new`: the workspace made. */
  workspace: z.object({ id: z.string(), name: z.string() }).optional(),
  /** `/cost`: the chat's breakdown. */
  costs: CostSummarySchema.optional(),
});

export const RunStatusSchema = z.enum(["completed", "aborted", "error", "budget-exceeded"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;
/**
 * A run's token totals: ours, and the same cache counts under the original Mux's names
 * (`cachedTokens`, `cacheCreateTokens`), which scripts written for it read.
 */
export const RunUsageSchema = UsageSchema.extend({
  cachedTokens: z.number().int().nonnegative(),
  cacheCreateTokens: z.number().int().nonnegative(),
});
export const RunCompleteEvent = z.object({
  type: z.literal("run-complete"),
  status: RunStatusSchema,
  /** "" when the run failed before its session existed (there is nothing to continue). */
  sessionId: z.string(),
  /** The model asked for; "" when the run failed before one was chosen. */
  model: z.string(),
  usage: RunUsageSchema,
  /** null when the model's price is unknown. */
  costUsd: z.number().nullable(),
  /** The same as costUsd, under the original Mux's name. */
  cost_usd: z.number().nullable(),
  /** Some usage was never reported (an interrupted request): the run cost at least `costUsd`. */
  costIncomplete: z.boolean().optional(),
  /**
   * How full the model's context window was at the run's last request: its input tokens, and the
   * window (null when Mux does not know it). Absent when no request reported its usage.
   */
  context: z.object({ usedTokens: z.number().int().nonnegative(), windowTokens: z.number().int().positive().nullable() }).optional(),
  /** The final assistant text (for plan mode: the proposed plan). */
  text: z.string(),
  plan: z.string().optional(),
  durationMs: z.number(),
});

/** Every event a turn emits about itself (a child's events are wrapped: see ChildEvent). */
const OWN_EVENTS = [
  StreamStartEvent,
  StepStartEvent,
  TextDeltaEvent,
  ReasoningDeltaEvent,
  ToolCallStartEvent,
  ToolCallArgsEvent,
  ToolOutputEvent,
  ToolCallEndEvent,
  QuestionEvent,
  UsageEvent,
  RetryEvent,
  NoticeEvent,
  StreamEndEvent,
  StreamAbortEvent,
  ErrorEvent,
  InitStartEvent,
  InitOutputEvent,
  InitEndEvent,
  BudgetExceededEvent,
  CommandEvent,
  RunCompleteEvent,
] as const;

/** An event of the agent's own turn, never a child's wrapped one. */
export const OwnAgentEventSchema = z.discriminatedUnion("type", [...OWN_EVENTS]);
export type OwnAgentEvent = z.infer<typeof OwnAgentEventSchema>;

/**
 * An event of a sub-agent the `task` tool started (`mux run --json` prints them between the
 * parent's own): `childId` is the child workspace's id, `parentId` the workspace (or run) that
 * started it. A grandchild's events come the same way, tagged with its own ids (never nested).
 */
export const ChildEvent = z.object({
  type: z.literal("child-event"),
  childId: z.string(),
  parentId: z.string(),
  event: OwnAgentEventSchema,
});

export const AgentEventSchema = z.discriminatedUnion("type", [...OWN_EVENTS, ChildEvent]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;
export type AgentEventOf<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;
