import { z } from "zod";

/**
 * What landing a workspace's work reports: commit, merge into trunk, push, pull request. Shared by
 * the CLI's --json, the server and the web app. Browser-safe: no Node imports here.
 */

export const MergeModeSchema = z.enum(["squash", "merge", "rebase"]);
export type MergeMode = z.infer<typeof MergeModeSchema>;

export const CommitResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("committed"), commit: z.string(), files: z.number() }),
  /** Nothing to commit: the workspace has no changes. */
  z.object({ status: z.literal("clean") }),
]);
export type CommitResult = z.infer<typeof CommitResultSchema>;

/**
 * A refused merge changes nothing: no ref moved, no file touched. `conflict` names the files both
 * sides changed; `dirty-trunk` names the files in the trunk's checkout that the merge would
 * overwrite (changes not committed there, or untracked files in the way).
 */
/** Changes in the workspace that were not committed, so did not land. */
const Uncommitted = z.array(z.string());

export const MergeResultSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("merged"),
    mode: MergeModeSchema,
    trunk: z.string(),
    /** The trunk's new head, and where it was. */
    commit: z.string(),
    previous: z.string(),
    /** The workspace's commits that landed. */
    commits: z.number(),
    /** The checkout of the trunk whose files were brought up to date, if it is checked out. */
    checkout: z.string().nullable(),
    uncommitted: Uncommitted,
  }),
  /** Nothing on the branch that the trunk lacks. */
  z.object({ status: z.literal("up-to-date"), trunk: z.string(), uncommitted: Uncommitted }),
  z.object({
    status: z.literal("conflict"),
    mode: MergeModeSchema,
    trunk: z.string(),
    files: z.array(z.string()),
    /** The trunk as the workspace's own repository names it (an SSH host keeps it under refs/mux-local/). */
    rebaseOnto: z.string(),
  }),
  z.object({ status: z.literal("dirty-trunk"), trunk: z.string(), checkout: z.string(), files: z.array(z.string()) }),
]);
export type MergeResult = z.infer<typeof MergeResultSchema>;

export const PullRequestSchema = z.object({
  number: z.number(),
  url: z.string(),
  state: z.enum(["open", "merged", "closed"]),
  draft: z.boolean(),
  /** The checks' overall state; null when the PR has none. */
  checks: z.enum(["pending", "passing", "failing"]).nullable(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export const PushResultSchema = z.object({
  remote: z.string(),
  branch: z.string(),
  /** Set when a pull request was asked for: the one opened (or already open) with gh. */
  pr: PullRequestSchema.nullable(),
  /** Where to open one in the browser when gh is not there (GitHub/GitLab-style hosts). */
  compareUrl: z.string().nullable(),
  /** Why no pull request was opened with gh, when one was asked for. */
  prNote: z.string().nullable(),
});
export type PushResult = z.infer<typeof PushResultSchema>;
