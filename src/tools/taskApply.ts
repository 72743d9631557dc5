import { z } from "zod";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  task_id: z.string().min(1).describe("The taskId a task call returned."),
  dry_run: z.boolean().nullish().describe("Only check whether it applies cleanly; change nothing."),
});

export const taskApplyTool = defineTool({
  name: "task_apply_git_patch",
  description: [
    "Bring a finished helper's committed changes (its branch against the commit it started from) into your workspace as uncommitted, staged changes, merged three-way.",
    "Conflicts are left in the files with conflict markers and listed in the result: resolve them, or undo with git.",
  ].join(" "),
  inputSchema,
  mutates: true,
  async execute(input, ctx) {
    if (!ctx.subagents) throw new ToolError("no helper agents here: there is nothing to apply");
    return ctx.subagents.apply(input.task_id, { dryRun: input.dry_run === true });
  },
});
