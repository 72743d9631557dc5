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
  execute(input: Input, ctx: ToolContext): Promise<unknown>;
}

export function defineTool<Input>(def: ToolDefinition<Input>): ToolDefinition<Input> {
  return def;
}
