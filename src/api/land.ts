import { oc } from "@orpc/contract";
import { z } from "zod";
import { CommitResultSchema, MergeModeSchema, MergeResultSchema, PullRequestSchema, PushResultSchema } from "../land/schemas.js";

export * from "../land/schemas.js";

const id = z.object({ workspaceId: z.string() });

/** Landing a workspace's work: commit, merge into the trunk, push, pull requests. */
export const landContract = {
  /** Commits every change with the user's message (no message is ever written for them). */
  commit: oc.input(id.extend({ message: z.string().trim().min(1) })).output(CommitResultSchema),
  /** A refusal (conflict, a trunk checkout with changes) is a result that changed nothing. */
  merge: oc
    .input(id.extend({ mode: MergeModeSchema.default("squash"), message: z.string().trim().min(1).optional(), into: z.string().min(1).optional() }))
    .output(MergeResultSchema),
  push: oc.input(id.extend({ pr: z.boolean().optional(), title: z.string().optional(), body: z.string().optional() })).output(PushResultSchema),
  /** The pull request of each workspace that has one, by workspace id (none when gh is absent). */
  pullRequests: oc.output(z.record(z.string(), PullRequestSchema)),
};
