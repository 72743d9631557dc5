import type { ReviewBase } from "../api/review.js";
import type { Workspace } from "../workspace/config.js";
import { detectTrunk } from "../workspace/projects.js";
import type { WorkspaceService } from "../workspace/service.js";
import type { DiffBase } from "./gitDiff.js";

/** What a review compares with, and how to name it to the user. */
export interface ResolvedBase {
  base: DiffBase;
  label: string;
}

/**
 * `trunk`: the merge-base with the workspace's base branch (the project's trunk by default);
 * `head`: HEAD (uncommitted changes only); `ref`: the merge-base with that branch. Branch names
 * are the project's: an SSH workspace's repository knows them under its own names. The commit
 * itself is found by the diff (in the workspace's runtime).
 */
export async function resolveReviewBase(
  service: WorkspaceService,
  ws: Workspace,
  base: ReviewBase,
  trunk: (projectPath: string) => Promise<string> = detectTrunk,
): Promise<ResolvedBase> {
  if (base.type === "head") return { base: { head: true }, label: "HEAD (uncommitted changes)" };
  const ref = base.type === "ref" ? base.ref : (ws.base ?? (await trunk(ws.projectPath)));
  return { base: { mergeBaseOf: await service.statusBase(ws, ref) }, label: `merge-base with ${ref}` };
}

/** The CLI's --base: HEAD means uncommitted changes only; any other ref its merge-base. */
export function parseBaseOption(ref: string | undefined): ReviewBase {
  if (!ref) return { type: "trunk" };
  return ref === "HEAD" ? { type: "head" } : { type: "ref", ref };
}
