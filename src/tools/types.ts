import type { z } from "zod";
import type { Answers, Question } from "../agent/questions.js";
import type { Runtime } from "../runtime/types.js";

export interface TodoItem {
  content: string;
  status: "pending" | "in_progress" | "completed";
}

/** Everything a tool may touch, passed explicitly (never process-wide state). */
export interface ToolContext {
  runtime: Runtime;
  toolCallId: string;
  signal: AbortSignal;
  /** Live output for the UI/CLI (bash). */
  onOutput: (stream: "stdout" | "stderr", text: string) => void;
  /** Session-scoped state shared between tool calls (the todo list, the proposed plan). */
  session: ToolSessionState;
  /**
   * Asks the user and waits for the answers (ask_user_question); null (or absent) when nobody
   * can answer (`mux run` without a terminal). Rejects when the turn is interrupted while it waits.
   */
  askUser?: (questions: Question[]) => Promise<Answers | null>;
  /** Starts sub-agents in child workspaces and applies their changes (task, task_apply_git_patch); absent: none can be started. */
  subagents?: Subagents;
  /** What is left of the run's budget (`mux run --budget`) when the call starts, in dollars; absent: no budget. */
  budgetUsd?: number;
}

/** What a sub-agent is asked to do (the `task` tool's input, in the original Mux's words). */
export interface TaskRequest {
  /** The agent it runs as (`exec` by default, or a custom agent marked `subagent.runnable`). */
  agentId?: string;
  title: string;
  prompt: string;
}

/** A sub-agent's final report, the `task` tool's result. */
export interface TaskReport {
  status: "completed" | "interrupted" | "error";
  /** The child workspace's id (what task_apply_git_patch takes). */
  taskId: string;
  workspaceId: string;
  title: string;
  agentId: string;
  /** Its last answer. */
  reportMarkdown: string;
  /** Where its changes are: its branch, the commit it started from, and `git diff --stat` of them. */
  branch: string | null;
  baseCommit: string;
  commits: number;
  diffStat: string;
  /** Files it changed without committing them (not part of its branch, so not applied). */
  uncommittedFiles: number;
  /** What its turn cost (its own sub-agents included); null when unknown. */
  costUsd: number | null;
  costIncomplete?: boolean;
  error?: string;
}

/** What applying a child's changes did (task_apply_git_patch's result). */
export interface TaskApplyResult {
  taskId: string;
  status: "applied" | "conflicts" | "nothing-to-apply" | "would-apply" | "would-conflict";
  /** Files the patch touches. */
  files: string[];
  /** Files left with conflict markers (status conflicts), or that would conflict (dry run). */
  conflicts: string[];
  note: string;
}

/** A helper started in the background (`task` with run_in_background): its report comes from task_await. */
export interface TaskStarted {
  status: "running";
  taskId: string;
  workspaceId: string;
  title: string;
  agentId: string;
  branch: string | null;
}

/** task_await's result: the reports of the helpers that finished (each given once), and those still at work. */
export interface TaskAwaitResult {
  reports: TaskReport[];
  running: { taskId: string; title: string }[];
  /** Ids asked for that are not background helpers of this turn, or whose report was already given. */
  unknown: string[];
}

export type TaskCallContext = { toolCallId: string; signal: AbortSignal; budgetUsd?: number };

/** Sub-agents as a capability the session hands the tools (the loop knows nothing of workspaces). */
export interface Subagents {
  /** `budgetUsd`: the most the helper may spend (its turn stops as a budget-exceeded one past it). */
  run(request: TaskRequest, ctx: TaskCallContext): Promise<TaskReport>;
  /** Starts the helper and returns once its workspace exists; it works on while the turn goes on. */
  start(request: TaskRequest, ctx: TaskCallContext): Promise<TaskStarted>;
  /** Waits up to `timeoutMs` for background helpers (`taskIds`, or all not yet reported). */
  await(taskIds: string[] | undefined, timeoutMs: number, signal: AbortSignal): Promise<TaskAwaitResult>;
  /**
   * The turn is over: background helpers still at work are interrupted. Returns the reports never
   * given to the model (their cost counts in the turn's).
   */
  settle(): Promise<TaskReport[]>;
  apply(taskId: string, opts: { dryRun: boolean }): Promise<TaskApplyResult>;
}

export interface ToolSessionState {
  todos: TodoItem[];
  plan?: string;
  /** Keeps the proposed plan as a file the user can edit; returns where it is. */
  savePlan?: (plan: string) => string;
}

/** A tool failure the model should read and recover from; never crashes the loop. */
export class ToolError extends Error {}

export interface ToolDefinition<Input = any> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  /** The input's JSON Schema as its author gave it (an MCP server's tool): shown to the model instead of inputSchema's. */
  jsonSchema?: Record<string, unknown>;
  /** Changes files or runs arbitrary commands: unavailable in plan mode. */
  mutates: boolean;
  /** Ends the agent's turn once it ran successfully (propose_plan). */
  endsTurn?: boolean;
  /** Several calls of it in one step run at the same time (task: sub-agents work in parallel); others run one at a time. */
  concurrent?: boolean;
  execute(input: Input, ctx: ToolContext): Promise<unknown>;
  /** What a successful call spent on models, in dollars (task: its helper's turn), so a budget counts it. */
  costOf?: (result: unknown) => number | null;
}

export function defineTool<Input>(def: ToolDefinition<Input>): ToolDefinition<Input> {
  return def;
}
