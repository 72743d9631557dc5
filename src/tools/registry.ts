import { bashTool } from "./bash.js";
import { fileEditInsertTool } from "./fileEditInsert.js";
import { fileEditReplaceStringTool } from "./fileEditReplaceString.js";
import { fileReadTool } from "./fileRead.js";
import { fileWriteTool } from "./fileWrite.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { proposePlanTool } from "./proposePlan.js";
import { todoWriteTool } from "./todoWrite.js";
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
  proposePlanTool,
];

export type ToolMode = "exec" | "plan";

/** exec: everything but propose_plan; plan: only what cannot change the workspace, plus propose_plan. */
export function toolsForMode(mode: ToolMode): ToolDefinition[] {
  if (mode === "plan") return ALL_TOOLS.filter((t) => !t.mutates);
  return ALL_TOOLS.filter((t) => t.name !== proposePlanTool.name);
}

export function getTool(name: string): ToolDefinition | undefined {
  return ALL_TOOLS.find((t) => t.name === name);
}
