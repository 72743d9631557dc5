import { oc } from "@orpc/contract";
import { z } from "zod";

/**
 * The overlap radar's shapes: which workspaces of a project change the same files, and whether
 * their branches would conflict with each other or with their base.
 */

const FilesOverlap = {
  /** Files both sides changed (committed or not), sorted. */
  shared: z.array(z.string()),
  /** Of those, the ones a merge would leave in conflict. */
  conflicting: z.array(z.string()),
};

/** What the sidebar badge shows, in every workspace summary; null when nothing overlaps. */
export const OverlapBadgeSchema = z.object({
  others: z.array(z.object({ workspaceId: z.string(), name: z.string(), files: z.number(), conflict: z.boolean() })),
  /** The base branch changed the same lines meanwhile: merging into it would conflict. */
  trunkConflict: z.boolean(),
  base: z.string(),
});
export type OverlapBadge = z.infer<typeof OverlapBadgeSchema>;

export const WorkspaceOverlapSchema = z.object({
  workspaceId: z.string(),
  /** Why the workspace is not checked (an SSH workspace, a missing worktree…); null when it is. */
  skipped: z.string().nullable(),
  /** Files it changed against its base, uncommitted ones included. */
  changedFiles: z.array(z.string()),
  /** Files its base changed too since the branch left it; null when the base has not moved. */
  trunk: z.object({ base: z.string(), ...FilesOverlap }).nullable(),
  others: z.array(z.object({ workspaceId: z.string(), name: z.string(), ...FilesOverlap })),
  /** When this was computed (null: not yet). */
  computedAt: z.number().nullable(),
});
export type WorkspaceOverlapView = z.infer<typeof WorkspaceOverlapSchema>;

export const overlapContract = {
  /** A workspace's overlaps with the other workspaces of its project and with its base. */
  workspace: oc.input(z.object({ workspaceId: z.string(), refresh: z.boolean().optional() })).output(WorkspaceOverlapSchema),
};
