import { eventIterator, oc } from "@orpc/contract";
import { z } from "zod";

/**
 * What the review compares the workspace with: the merge-base with the project's trunk (default),
 * HEAD (uncommitted changes only), or the merge-base with any branch or ref.
 */
export const ReviewBaseSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("trunk") }),
  z.object({ type: z.literal("head") }),
  z.object({ type: z.literal("ref"), ref: z.string().min(1) }),
]);
export type ReviewBase = z.infer<typeof ReviewBaseSchema>;

export const ReviewFileStatusSchema = z.enum(["added", "modified", "deleted", "renamed", "copied"]);
export type ReviewFileStatus = z.infer<typeof ReviewFileStatusSchema>;

export const ReviewFileSchema = z.object({
  path: z.string(),
  /** Where a renamed or copied file came from. */
  oldPath: z.string().optional(),
  status: ReviewFileStatusSchema,
  binary: z.boolean(),
  /** Not known to git yet (shown as added). */
  untracked: z.boolean(),
  /** Unmerged: the workspace is in the middle of a merge (or rebase) that left conflicts in this file. */
  conflicted: z.boolean().optional(),
  added: z.number(),
  removed: z.number(),
  hunks: z.number(),
  /** Hunks marked reviewed (with their content unchanged since). */
  reviewed: z.number(),
  /** Changes exactly when what the file shows does (a refresh asks again only for such files). */
  version: z.string().optional(),
});
export type ReviewFile = z.infer<typeof ReviewFileSchema>;

export const ReviewHunkSchema = z.object({
  /** Key of the review mark: a hash of the file's path and the hunk's lines. */
  hash: z.string(),
  /** `@@ -a,b +c,d @@ …`; empty for a file without hunks (binary, pure rename, mode change). */
  header: z.string(),
  oldStart: z.number(),
  oldLines: z.number(),
  newStart: z.number(),
  newLines: z.number(),
  /** The hunk's lines as git prints them: `+`, `-`, ` ` or `\` first; header lines when `meta`. */
  lines: z.array(z.string()),
  /** No text hunks: `lines` says what changed (e.g. "Binary files … differ", "rename from …"). */
  meta: z.boolean().optional(),
  reviewed: z.boolean().optional(),
});
export type ReviewHunk = z.infer<typeof ReviewHunkSchema>;

export const ReviewFileDiffSchema = z.object({ path: z.string(), hunks: z.array(ReviewHunkSchema) });
export type ReviewFileDiff = z.infer<typeof ReviewFileDiffSchema>;

export const ReviewSummarySchema = z.object({
  /** Changes when anything in the diff changes; file pages are asked for with it. */
  version: z.string(),
  base: z.object({ label: z.string(), sha: z.string() }),
  files: z.array(ReviewFileSchema),
  /** The hunks of the first `firstFiles` files, so the view shows them without another round trip. */
  first: z.array(ReviewFileDiffSchema).optional(),
  /** The last diff taken, not checked against the working tree now (asked with `cached`). */
  cached: z.boolean().optional(),
});
export type ReviewSummary = z.infer<typeof ReviewSummarySchema>;

const target = z.object({ workspaceId: z.string(), base: ReviewBaseSchema.default({ type: "trunk" }), untracked: z.boolean().default(true) });

/** Reviewing a workspace's changes: diff pages, live change notices, marks, reverts. */
export const reviewContract = {
  /** The file tree with +/- and review counts. */
  summary: oc
    .input(
      target.extend({
        firstFiles: z.number().int().min(0).max(50).default(0),
        /**
         * Answer from the last diff the server took of this view, without running git, when it has one
         * (`cached: true` in the answer): a pane opens on it at once and then asks again without it.
         */
        cached: z.boolean().default(false),
      }),
    )
    .output(ReviewSummarySchema),
  /** Hunks of some files (a page); `version` is the summary's (a newer one is returned when the diff moved on). */
  files: oc
    .input(target.extend({ paths: z.array(z.string()).max(200), version: z.string().optional() }))
    .output(z.object({ version: z.string(), files: z.array(ReviewFileDiffSchema) })),
  /** The file as it is in the workspace, for "expand context" and "whole file" (text files). */
  fileText: oc.input(z.object({ workspaceId: z.string(), path: z.string() })).output(z.object({ text: z.string(), truncated: z.boolean() })),
  /** A notice each time the workspace's files may have changed (the view refreshes itself). */
  watch: oc.input(z.object({ workspaceId: z.string() })).output(eventIterator(z.object({ type: z.literal("changed"), at: z.number() }))),
  /** Marks hunks reviewed or not (a file: all its hunks); kept per workspace. */
  mark: oc
    .input(z.object({ workspaceId: z.string(), hashes: z.array(z.string()).max(100_000), reviewed: z.boolean() }))
    .output(z.object({ ok: z.literal(true) })),
  /** Undoes a file's change, or one hunk of it, as uncommitted edits (history is never rewritten). */
  revert: oc.input(target.extend({ path: z.string(), hunk: z.string().optional() })).output(z.object({ ok: z.literal(true) })),
  /** Branches the base picker offers. */
  branches: oc.input(z.object({ workspaceId: z.string() })).output(z.object({ trunk: z.string().nullable(), branches: z.array(z.string()) })),
};
