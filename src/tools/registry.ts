import { askUserQuestionTool } from "./askUserQuestion.js";
import { bashTool } from "./bash.js";
import { fileEditInsertTool } from "./fileEditInsert.js";
import { fileEditReplaceStringTool } from "./fileEditReplaceString.js";
import { fileReadTool } from "./fileRead.js";
import { fileWriteTool } from "./fileWrite.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { proposePlanTool } from "./proposePlan.js";
import { taskTool } from "./task.js";
import { taskApplyTool } from "./taskApply.js";
import { taskAwaitTool } from "./taskAwait.js";
import { todoWriteTool } from "./todoWrite.js";
import { webFetchTool } from "./webFetch.js";
import type { ToolDefinition } from "./types.js";

/** Every tool, in the order the model is shown them. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  bashTool,
  fileReadTool,
  fileEditReplaceStringTool,
  fileEditInsertTool,
  fileWriteTool,
  globTool,
  grepTool,
  todoWriteTool,
  webFetchTool,
  askUserQuestionTool,
  taskTool,
  taskAwaitTool,
  taskApplyTool,
  proposePlanTool,
];

export type ToolMode = "exec" | "plan";

/** Tools a workspace may turn off (absent: on). */
export interface ToolOptions {
  /** false: the model is not offered web_fetch (the workspace's setting, or `mux run --no-web-fetch`). */
  webFetch?: boolean;
  /** true: helper agents can be started here (task, task_await, task_apply_git_patch); absent: they cannot (no workspace, or too deep). */
  subagents?: boolean;
}

const SUBAGENT_TOOLS: readonly ToolDefinition[] = [taskTool, taskAwaitTool, taskApplyTool];

/** Every tool the workspace has not turned off. */
export function offeredTools(options: ToolOptions = {}): ToolDefinition[] {
  return ALL_TOOLS.filter((t) => (options.webFetch !== false || t !== webFetchTool) && (options.subagents === true || !SUBAGENT_TOOLS.includes(t)));
}

/** exec: everything but propose_plan; plan: only what cannot change the workspace, plus propose_plan. */
export function toolsForMode(mode: ToolMode, options: ToolOptions = {}): ToolDefinition[] {
  const offered = offeredTools(options);
  if (mode === "plan") return offered.filter((t) => !t.mutates);
  return offered.filter((t) => t !== proposePlanTool);
}

export function getTool(name: string): ToolDefinition | undefined {
  return ALL_TOOLS.find((t) => t.name === name);
}
