import { z } from "zod";
import { defineTool, ToolError } from "./types.js";

const inputSchema = z.object({
  plan: z.string().min(1).describe("The complete implementation plan, in Markdown."),
});

export const proposePlanTool = defineTool({
  name: "propose_plan",
  description: [
    "Present your implementation plan to the user for review and end your turn.",
    "Call it once, after investigating, with the complete plan in Markdown: the files to change, the steps, and how to verify them.",
  ].join(" "),
  inputSchema,
  mutates: false,
  endsTurn: true,
  async execute(input, ctx) {
    if (input.plan.trim() === "") throw new ToolError("plan must not be empty");
    ctx.session.plan = input.plan;
    // Kept as a file too: the user may edit it before approving it.
    const planFile = ctx.session.savePlan?.(input.plan);
    return {
      status: "plan saved",
      message: "The plan was shown to the user; wait for their review.",
      ...(planFile ? { planFile } : {}),
    };
  },
});
