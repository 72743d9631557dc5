import { z } from "zod";
import { defineTool, type TaskAwaitResult, ToolError } from "./types.js";

/** The longest one call waits; the model may call again. */
const MAX_WAIT_SECS = 3_600;
const DEFAULT_WAIT_SECS = 600;

const inputSchema = z.object({
  task_ids: z.array(z.string().min(1)).nullish().describe("The taskIds to wait for (default: every background helper whose report you have not had)."),
  timeout_secs: z
    .number()
    .positive()
    .max(MAX_WAIT_SECS)
    .nullish()
    .describe(`Stop waiting after this many seconds (default ${DEFAULT_WAIT_SECS}); those still at work are listed as running.`),
});

export const taskAwaitTool = defineTool({
  name: "task_await",
  description: [
    "Wait for helpers started with task run_in_background, and get the reports of those that finished (each report is given once).",
    "Those still at work when the wait ends are listed as running: await them again later.",
  ].join(" "),
  inputSchema,
  // Only helpers started by task (not offered in plan mode) are awaited.
  mutates: true,
  async execute(input, ctx) {
    if (!ctx.subagents) throw new ToolError("no helper agents here: there is nothing to wait for");
    return ctx.subagents.await(input.task_ids ?? undefined, (input.timeout_secs ?? DEFAULT_WAIT_SECS) * 1000, ctx.signal);
  },
  // Unknown when one report's cost is (as task's own costOf says for it).
  costOf: (result) => {
    let sum = 0;
    for (const r of (result as TaskAwaitResult).reports) {
      if (r.costUsd === null) return null;
      sum += r.costUsd;
    }
    return sum;
  },
});
