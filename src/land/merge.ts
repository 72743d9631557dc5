import { ConfigError } from "../config/errors.js";
import { git, gitRun, mergeTrees } from "../workspace/git.js";
import { LANDED_REFS } from "../workspace/worktree.js";
import { checkoutBlockers, checkoutOf, moveCheckout } from "./checkouts.js";
import { commitTree, commitsBetween, isAncestor, replay, revParse, treeOf } from "./plumbing.js";
import type { MergeMode, MergeResult } from "./schemas.js";

export interface MergeRequest {
  /** The local repository holding both the trunk and the commits to land. */
  repo: string;
  /** The workspace's branch name (for messages and the landed record). */
  branch: string;
  /** The commit to land (the branch's tip). */
  source: string;
  /** The local branch to land it on. */
  trunk: string;
  mode: MergeMode;
  /** The squash or merge commit's message; a default is made from the commits otherwise. */
  message?: string;
}

type Computed = { ok: true; head: string } | { ok: false; result: MergeResult };

/** Times the merge is made again on a trunk that moved meanwhile (another merge landed), before giving up. */
const ATTEMPTS = 3;

/**
 * Lands `source` on `trunk`: computes the result as objects only (merge-tree, commit-tree), then
 * moves the trunk ref with a compare-and-swap, and brings a checkout of the trunk up to date only
 * when it has nothing that would be lost. A conflict or a checkout in the way changes nothing.
 * When the trunk moves between the computing and the swap, the merge is made again on the new
 * trunk (conflicts and the checkout checked again); a trunk that keeps moving is refused.
 */
export async function mergeIntoTrunk(req: MergeRequest): Promise<MergeResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await attemptMerge(req);
    if (r !== "moved") return r;
    if (attempt === ATTEMPTS)
      throw new ConfigError(`${req.trunk} kept moving while the merge was being made (${ATTEMPTS} tries); nothing was changed, try again`);
  }
}

async function attemptMerge(req: MergeRequest): Promise<MergeResult | "moved"> {
  const { repo, trunk, source } = req;
  const trunkRef = `refs/heads/${trunk}`;
  const old = await revParse(repo, trunkRef).catch(() => {
    throw new ConfigError(`there is no branch ${trunk} to merge into`);
  });
  if (await isAncestor(repo, source, old)) return { status: "up-to-date", trunk, uncommitted: [] };
  const computed = await compute(req, old);
  if (!computed.ok) return computed.result;
  const head = computed.head;

  const checkout = await checkoutOf(repo, trunk);
  if (checkout) {
    const files = await checkoutBlockers(checkout, old, head);
    if (files.length) return { status: "dirty-trunk", trunk, checkout, files };
  }
  const reason = `mux: ${req.mode} ${req.branch} into ${trunk}`;
  const swap = await gitRun(repo, ["update-ref", "-m", reason, trunkRef, head, old]);
  if (swap.code !== 0) return "moved";
  if (checkout) {
    try {
      await moveCheckout(checkout, old, head);
    } catch (err) {
      // Something changed in the checkout since it was checked: put the trunk back where it was.
      await gitRun(repo, ["update-ref", "-m", `${reason} (undone)`, trunkRef, old, head]);
      throw new ConfigError(`${checkout} changed during the merge, so ${trunk} was left as it was: ${(err as Error).message}`);
    }
  }
  // Squash and rebase leave the branch's own commits off the trunk: this record tells the safe
  // delete that their work has landed.
  await git(repo, ["update-ref", "-m", reason, `${LANDED_REFS}${req.branch}`, source]);
  const commits = Number((await git(repo, ["rev-list", "--count", `${old}..${source}`])).trim());
  return { status: "merged", mode: req.mode, trunk, commit: head, previous: old, commits, checkout, uncommitted: [] };
}

async function compute(req: MergeRequest, old: string): Promise<Computed> {
  const { repo, trunk, source, mode } = req;
  if (mode === "rebase") {
    // Already on top of the trunk: the branch's commits land as they are.
    if (await isAncestor(repo, old, source)) return { ok: true, head: source };
    const replayed = await replay(repo, old, await commitsBetween(repo, old, source));
    if (!replayed.clean) return { ok: false, result: { status: "conflict", mode, trunk, files: replayed.files, rebaseOnto: trunk } };
    if (replayed.replayed === 0) return { ok: false, result: { status: "up-to-date", trunk, uncommitted: [] } };
    return { ok: true, head: replayed.head };
  }
  const merged = await mergeTrees(repo, old, source);
  if (!merged.clean) return { ok: false, result: { status: "conflict", mode, trunk, files: merged.files, rebaseOnto: trunk } };
  if (mode === "squash") {
    if (merged.tree === (await treeOf(repo, old))) return { ok: false, result: { status: "up-to-date", trunk, uncommitted: [] } };
    return { ok: true, head: await commitTree(repo, merged.tree, [old], req.message ?? (await squashMessage(req, old))) };
  }
  return { ok: true, head: await commitTree(repo, merged.tree, [old, source], req.message ?? `Merge branch '${req.branch}'\n`) };
}

/** One commit keeps its message; several become the branch name over their subjects. */
async function squashMessage(req: MergeRequest, old: string): Promise<string> {
  const commits = await commitsBetween(req.repo, old, req.source);
  if (commits.length === 1) return commits[0].message;
  const subjects = commits.map((c) => `* ${c.message.split("\n")[0]}`);
  return `${req.branch}\n\n${subjects.join("\n")}\n`;
}
