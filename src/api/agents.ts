import { oc } from "@orpc/contract";
import { z } from "zod";
import { ModeSchema } from "../agent/events.js";

/** An agent as the composer's picker shows it. */
export const AgentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  scope: z.enum(["project", "global", "built-in"]),
  /** The built-in mode it builds on (plan: read-only tools and a plan to approve). */
  mode: ModeSchema,
  color: z.string().optional(),
  /** The agent's own model and thinking level, which picking it selects. */
  model: z.string().optional(),
  thinking: z.string().optional(),
});
export type AgentSummary = z.infer<typeof AgentSummarySchema>;

export const AgentListSchema = z.object({
  agents: z.array(AgentSummarySchema),
  /** Agent files that could not be read, each naming its file and line; the others still work. */
  problems: z.array(z.object({ file: z.string(), line: z.number().optional(), message: z.string() })),
});
export type AgentList = z.infer<typeof AgentListSchema>;

export const agentsContract = {
  /** The agents a workspace can run as: its project's, the user's, and the built-in modes. */
  list: oc.input(z.object({ workspaceId: z.string() })).output(AgentListSchema),
};
