import { GitError, git, gitRun, mergeTrees } from "../workspace/git.js";

/**
 * Git plumbing that computes merges as objects only: no index, no worktree, no ref is touched,
 * so a merge can be worked out while any branch is checked out anywhere.
 */

export async function revParse(repo: string, rev: string): Promise<string> {
  return (await git(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])).trim();
}

/** The tree of a commit. */
export async function treeOf(repo: string, commit: string): Promise<string> {
  return (await git(repo, ["rev-parse", `${commit}^{tree}`])).trim();
}

/** Whether `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(repo: string, a: string, b: string): Promise<boolean> {
  const r = await gitRun(repo, ["merge-base", "--is-ancestor", a, b]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new GitError(["merge-base", "--is-ancestor", a, b], r.code, r.stderr);
}

export interface Author {
  name: string;
  email: string;
  date: string;
}

/** Writes a commit object (no ref moves); the author defaults to the user's git identity. */
export async function commitTree(repo: string, tree: string, parents: string[], message: string, author?: Author): Promise<string> {
  const env = author ? { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: author.date } : undefined;
  return (await git(repo, ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])], { input: message, env })).trim();
}

export interface CommitInfo {
  sha: string;
  parent: string;
  author: Author;
  /** The full message, as written. */
  message: string;
}

/** The commits of `tip` not in `base`, oldest first, merges left out (as `git rebase` does). */
export async function commitsBetween(repo: string, base: string, tip: string): Promise<CommitInfo[]> {
  const out = await git(repo, [
    "log",
    "--reverse",
    "--topo-order",
    "--no-merges",
    "-z",
    "--format=%H%x01%P%x01%an%x01%ae%x01%ad%x01%B",
    "--date=raw",
    `${base}..${tip}`,
  ]);
  return out
    .split("\0")
    .filter((r) => r.trim())
    .map((record) => {
      const [sha, parents, name, email, date, message] = record.replace(/^\n/, "").split("\x01");
      return { sha, parent: parents.split(" ")[0], author: { name, email, date }, message };
    });
}

/**
 * Replays `commits` on top of `onto`, each as a cherry-pick would: a three-way merge whose base is
 * the commit's parent. git 2.39's merge-tree cannot be given a base, so each step merges a
 * throwaway commit (the current tree on the parent) with the commit, whose merge base is then
 * exactly that parent. A commit whose changes are already there is dropped, as rebase does.
 */
export async function replay(
  repo: string,
  onto: string,
  commits: CommitInfo[],
): Promise<{ clean: true; head: string; replayed: number } | { clean: false; files: string[]; at: string }> {
  let head = onto;
  let headTree = await treeOf(repo, onto);
  let replayed = 0;
  for (const c of commits) {
    const stand = await commitTree(repo, headTree, [c.parent], "mux: replay base");
    const merged = await mergeTrees(repo, stand, c.sha);
    if (!merged.clean) return { clean: false, files: merged.files, at: c.sha };
    if (merged.tree === headTree) continue;
    head = await commitTree(repo, merged.tree, [head], c.message, c.author);
    headTree = merged.tree;
    replayed++;
  }
  return { clean: true, head, replayed };
}
