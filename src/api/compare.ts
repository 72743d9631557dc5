import { oc } from "@orpc/contract";
import { z } from "zod";
import { ModeSchema, ThinkingLevelSchema } from "../agent/events.js";
import { ActivitySchema, RuntimeChoiceSchema } from "./schemas.js";

/** Best-of-N: one prompt run in N new workspaces at once, then compared side by side. */

import { MAX_RUNS } from "./compareLimits.js";

export { MAX_RUNS };

export const BestOfGroupSchema = z.object({
  id: z.string(),
  projectPath: z.string(),
  prompt: z.string(),
  createdAt: z.number(),
  /** The workspaces of the run and the model each was given, in launch order. */
  workspaces: z.array(z.object({ id: z.string(), model: z.string().nullable() })),
});
export type BestOfGroup = z.infer<typeof BestOfGroupSchema>;

export const LaunchInputSchema = z.object({
  projectPath: z.string(),
  prompt: z.string().min(1),
  /** One entry per workspace: the same model N times, or a list of models (null: the default model). */
  models: z.array(z.string().nullable()).min(2).max(MAX_RUNS),
  runtime: RuntimeChoiceSchema.default({ type: "worktree" }),
  base: z.string().optional(),
  mode: ModeSchema.optional(),
  thinking: ThinkingLevelSchema.optional(),
});
export type LaunchInput = z.infer<typeof LaunchInputSchema>;

export const CompareRowSchema = z.object({
  workspaceId: z.string(),
  name: z.string(),
  model: z.string().nullable(),
  state: ActivitySchema.shape.state,
  error: z.string().optional(),
  /** Against the workspace's base since its branch left it, uncommitted changes included (git diff --shortstat). */
  diff: z.object({ files: z.number(), insertions: z.number(), deletions: z.number() }).nullable(),
  /** Why there are no diff figures (a missing worktree, an SSH workspace…). */
  diffError: z.string().optional(),
  costUsd: z.number().nullable(),
  costIncomplete: z.boolean(),
  /** From the launch until the agent last stopped working (so far, while it works); null before it did anything. */
  durationMs: z.number().nullable(),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

export const CompareViewSchema = z.object({
  group: BestOfGroupSchema,
  /** The group's workspaces that still exist, in launch order. */
  rows: z.array(CompareRowSchema),
});
export type CompareView = z.infer<typeof CompareViewSchema>;

export const compareContract = {
  /** Creates one workspace per entry of `models` and sends each the prompt. */
  launch: oc.input(LaunchInputSchema).output(z.object({ group: BestOfGroupSchema, errors: z.array(z.string()) })),
  /** Every recorded run that still has workspaces, newest first. */
  groups: oc.output(z.array(BestOfGroupSchema)),
  get: oc.input(z.object({ groupId: z.string() })).output(CompareViewSchema),
};
