import type { ReviewBase } from "../api/review.js";
import type { Runtime } from "../runtime/types.js";
import type { Workspace } from "../workspace/config.js";
import { detectTrunk } from "../workspace/projects.js";
import type { WorkspaceService } from "../workspace/service.js";
import { resolveBaseSha } from "./gitDiff.js";

/** The commit a review compares with, and how to name it to the user. */
export interface ResolvedBase {
  sha: string;
  label: string;
}

/**
 * `trunk`: the merge-base with the workspace's base branch (the project's trunk by default);
 * `head`: HEAD (uncommitted changes only); `ref`: the merge-base with that branch. Branch names
 * are the project's: an SSH workspace's repository knows them under its own names.
 */
export async function resolveReviewBase(service: WorkspaceService, ws: Workspace, runtime: Runtime, base: ReviewBase): Promise<ResolvedBase> {
  if (base.type === "head") return { sha: await resolveBaseSha(runtime, null), label: "HEAD (uncommitted changes)" };
  const ref = base.type === "ref" ? base.ref : (ws.base ?? (await detectTrunk(ws.projectPath)));
  const sha = await resolveBaseSha(runtime, await service.statusBase(ws, ref));
  return { sha, label: `merge-base with ${ref}` };
}

/** The CLI's --base: HEAD means uncommitted changes only; any other ref its merge-base. */
export function parseBaseOption(ref: string | undefined): ReviewBase {
  if (!ref) return { type: "trunk" };
  return ref === "HEAD" ? { type: "head" } : { type: "ref", ref };
}
