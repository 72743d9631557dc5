import { z } from "zod";
import { defineTool, type TaskReport, type TaskStarted, ToolError } from "./types.js";

const inputSchema = z.object({
  agentId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/)
    .optional()
    .describe('The agent to run as: "exec" (default) or a custom agent that allows running as a sub-agent.'),
  title: z.string().trim().min(1).max(80).describe("A short name for the task (3-6 words); its workspace is named after it."),
  prompt: z.string().trim().min(1).describe("Everything the helper needs to know: it sees none of your conversation."),
  run_in_background: z.boolean().nullish().describe("Return at once with the helper's taskId and keep working meanwhile; collect its report with task_await."),
});

export const taskTool = defineTool({
  name: "task",
  description: [
    "Start a helper agent on a self-contained piece of work, in its own workspace: a new branch from your current commit (commit first what it needs).",
    "It works alone and returns its final report, with its branch and the files it changed; its changes stay on its branch until you apply them with task_apply_git_patch.",
    "Call task several times in one step to run helpers in parallel. Tell each helper to commit its work.",
    "With run_in_background it returns at once: collect the report with task_await before your turn ends (helpers still at work then are stopped).",
  ].join(" "),
  inputSchema,
  mutates: true,
  concurrent: true,
  async execute({ run_in_background, ...request }, ctx) {
    if (!ctx.subagents) throw new ToolError("no helper agents can be started here");
    const call = { toolCallId: ctx.toolCallId, signal: ctx.signal, budgetUsd: ctx.budgetUsd };
    return run_in_background ? ctx.subagents.start(request, call) : ctx.subagents.run(request, call);
  },
  // A background start costs nothing yet: its report (from task_await, or the turn's end) carries the cost.
  costOf: (result) => ((result as TaskReport | TaskStarted).status === "running" ? 0 : (result as TaskReport).costUsd),
});
