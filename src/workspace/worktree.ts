import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { withFileLock } from "../config/lock.js";
import { git, gitMaybe, mergeTrees } from "./git.js";
import { branchExists } from "./projects.js";

/**
 * Adds a worktree for `branch` at `worktreePath`: a new branch from `base`, or — when the branch
 * already exists (made by hand, or left by a deleted worktree) — that branch as it is.
 */
export async function addWorktree(projectPath: string, worktreePath: string, branch: string, base: string): Promise<void> {
  if (fs.existsSync(worktreePath)) {
    throw new ConfigError(`${worktreePath} already exists (${occupant(worktreePath)}) and is not this workspace's: move it away or choose another name`);
  }
  fs.mkdirSync(path.dirname(worktreePath), { recursive: true });
  // No `worktree prune` here: it would race with a concurrent add's half-made record.
  await oneAddAtATime(projectPath, async () => {
    if (await branchExists(projectPath, branch)) await git(projectPath, ["worktree", "add", worktreePath, branch]);
    else await git(projectPath, ["worktree", "add", "-b", branch, worktreePath, base]);
  });
}

/** Where the repository's worktree adds take turns: its common git directory, which every process using the repository sees. */
export async function worktreeAddLock(repo: string): Promise<string> {
  const common = (await git(repo, ["rev-parse", "--path-format=absolute", "--git-common-dir"])).trim();
  return path.join(common, "mux-worktree-add.lock");
}

/**
 * Runs the repository's worktree adds one after another, across processes: `git worktree add`
 * reads every other worktree's record, and one being written by a concurrent add makes it fail
 * ("failed to read .git/worktrees/NAME/commondir"), as creating several workspaces at once did.
 */
async function oneAddAtATime<T>(repo: string, add: () => Promise<T>): Promise<T> {
  return withFileLock(await worktreeAddLock(repo), add);
}

/**
 * `refs/mux/landed/<branch>`: the commit of a branch last merged into the trunk by Mux. A squash
 * or rebase merge puts copies of the branch's commits on the trunk, not the commits themselves;
 * this record is how the safe delete knows their work is there.
 */
export const LANDED_REFS = "refs/mux/landed/";

export interface UnsavedWork {
  dirtyFiles: string[];
  /** Commits on the branch that no other branch or remote has: deleting would lose them. */
  unmergedCommits: string[];
  /** What a directory that is no longer a git worktree holds: git cannot vouch for any of it. */
  strayFiles: string[];
}

/**
 * What deleting the worktree and its branch would lose. Throws GitError when git cannot answer:
 * a question left unanswered must never pass for "nothing to lose".
 */
export async function unsavedWork(projectPath: string, worktreePath: string, branch: string, base?: string | null): Promise<UnsavedWork> {
  let dirtyFiles: string[] = [];
  let strayFiles: string[] = [];
  if (hasWorktreeGitFile(worktreePath)) {
    dirtyFiles = (await git(worktreePath, ["status", "--porcelain", "-z"]))
      .split("\0")
      .filter(Boolean)
      .map((l) => l.slice(3));
  } else if (fs.existsSync(worktreePath)) {
    // Without its .git file, git in there would answer for whatever repository encloses it.
    strayFiles = fs.readdirSync(worktreePath);
  }
  const unmerged = (await branchExists(projectPath, branch))
    ? await git(projectPath, [
        "rev-list",
        "--oneline",
        `refs/heads/${branch}`,
        "--not",
        `--exclude=${branch}`,
        "--branches",
        "--remotes",
        `--glob=${LANDED_REFS}*`,
      ])
    : "";
  let unmergedCommits = unmerged.split("\n").filter(Boolean);
  // Squashed or rebased into the base outside Mux (a pull request merged on GitHub, then fetched).
  if (unmergedCommits.length && base && (await contentLandedIn(projectPath, `refs/heads/${branch}`, base))) unmergedCommits = [];
  return { dirtyFiles, unmergedCommits, strayFiles };
}

/**
 * Whether everything `branch` changes is already in `into`: merging it there would change
 * nothing. A conflict, or a change `into` lacks, is "no".
 */
export async function contentLandedIn(projectPath: string, branch: string, into: string): Promise<boolean> {
  const merged = await mergeTrees(projectPath, into, branch).catch(() => null);
  if (!merged?.clean) return false;
  const intoTree = await gitMaybe(projectPath, ["rev-parse", "--verify", "--quiet", `${into}^{tree}`]);
  return merged.tree === intoTree?.trim();
}

/**
 * Removes the worktree directory, the branch Mux created for it, and git's records of both.
 * Only `force` lets a directory go that git will not remove as a worktree (it may hold files no
 * git knows of); otherwise such a directory is removed only when empty.
 */
export async function removeWorktree(projectPath: string, worktreePath: string, branch: string | null, opts: { force?: boolean } = {}): Promise<void> {
  if (hasWorktreeGitFile(worktreePath)) {
    try {
      await git(projectPath, ["worktree", "remove", "--force", worktreePath]);
    } catch (err) {
      if (!opts.force) throw err;
      fs.rmSync(worktreePath, { recursive: true, force: true });
    }
  } else if (fs.existsSync(worktreePath)) {
    // No longer a worktree (emptied or replaced by hand): it is still this workspace's directory.
    if (opts.force) fs.rmSync(worktreePath, { recursive: true, force: true });
    else if (fs.readdirSync(worktreePath).length === 0) fs.rmdirSync(worktreePath);
    else throw new ConfigError(`${worktreePath} is no longer a git worktree and holds files; move them away or use --force`);
  }
  await git(projectPath, ["worktree", "prune"]);
  if (branch && (await branchExists(projectPath, branch))) await git(projectPath, ["branch", "-D", branch]);
  if (branch) await gitMaybe(projectPath, ["update-ref", "-d", `${LANDED_REFS}${branch}`]);
}

export async function renameWorktree(projectPath: string, from: { path: string; branch: string }, to: { path: string; branch: string }): Promise<void> {
  if (fs.existsSync(to.path)) throw new ConfigError(`${to.path} already exists`);
  if (await branchExists(projectPath, to.branch)) throw new ConfigError(`branch ${to.branch} already exists`);
  fs.mkdirSync(path.dirname(to.path), { recursive: true });
  await git(projectPath, ["worktree", "move", from.path, to.path]);
  await git(projectPath, ["branch", "-m", from.branch, to.branch]);
  const landed = await gitMaybe(projectPath, ["rev-parse", "--verify", "--quiet", `${LANDED_REFS}${from.branch}`]);
  if (landed) {
    await git(projectPath, ["update-ref", `${LANDED_REFS}${to.branch}`, landed.trim()]);
    await git(projectPath, ["update-ref", "-d", `${LANDED_REFS}${from.branch}`]);
  }
}

export type WorktreeHealth = "ok" | "missing-worktree" | "missing-branch";

/** Detects what users do by hand: a worktree directory or a branch deleted outside Mux. */
export async function worktreeHealth(projectPath: string, worktreePath: string, branch: string): Promise<WorktreeHealth> {
  if (!hasWorktreeGitFile(worktreePath)) return "missing-worktree";
  // A directory that is no longer a worktree resolves to some other (or no) top level.
  const top = await gitMaybe(worktreePath, ["rev-parse", "--show-toplevel"]);
  if (!top || fs.realpathSync(top.trim()) !== fs.realpathSync(worktreePath)) return "missing-worktree";
  if (!(await branchExists(projectPath, branch))) return "missing-branch";
  return "ok";
}

/**
 * worktreeHealth for many worktrees of one project at once, with two git processes in all
 * (`worktree list`, `for-each-ref`) instead of two per worktree: the server checks every
 * workspace now and then, and each process it starts costs its event loop several ms.
 */
export async function worktreeHealthAll(projectPath: string, items: { worktreePath: string; branch: string }[]): Promise<WorktreeHealth[]> {
  if (items.length === 0) return [];
  const [list, refs] = await Promise.all([
    gitMaybe(projectPath, ["worktree", "list", "--porcelain"]),
    gitMaybe(projectPath, ["for-each-ref", "--format=%(refname)", "refs/heads"]),
  ]);
  if (list === null || refs === null) return Promise.all(items.map((it) => worktreeHealth(projectPath, it.worktreePath, it.branch)));
  // Registered worktrees whose directory git still finds ("prunable" ones it does not).
  const live = new Set<string>();
  for (const block of list.split("\n\n")) {
    const lines = block.split("\n");
    const dir = lines.find((l) => l.startsWith("worktree "))?.slice("worktree ".length);
    if (dir && !lines.some((l) => l.startsWith("prunable"))) live.add(realpathOr(dir));
  }
  const branches = new Set(refs.split("\n").map((r) => r.replace(/^refs\/heads\//, "")));
  return items.map(({ worktreePath, branch }) => {
    if (!hasWorktreeGitFile(worktreePath) || !live.has(realpathOr(worktreePath))) return "missing-worktree";
    return branches.has(branch) ? "ok" : "missing-branch";
  });
}

/** What a directory in the way is, in words: whose worktree, a repository, or plain files. */
function occupant(dir: string): string {
  const dotGit = path.join(dir, ".git");
  const stat = fs.statSync(dotGit, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return "a git repository";
  if (stat?.isFile()) {
    // "gitdir: <repo>/.git/worktrees/<name>"
    const gitdir = /^gitdir: (.*)$/m.exec(fs.readFileSync(dotGit, "utf8"))?.[1]?.trim();
    const repo = gitdir?.replace(/[/\\]\.git[/\\]worktrees[/\\][^/\\]+$/, "");
    return repo && repo !== gitdir ? `a worktree of ${repo}` : "a git worktree";
  }
  if (!fs.statSync(dir).isDirectory()) return "a file";
  const entries = fs.readdirSync(dir).length;
  return entries ? `a directory with ${entries} entr${entries === 1 ? "y" : "ies"}` : "an empty directory";
}

/** A worktree's .git is a file; a directory there means another repository took its place. */
function hasWorktreeGitFile(worktreePath: string): boolean {
  return fs.statSync(path.join(worktreePath, ".git"), { throwIfNoEntry: false })?.isFile() ?? false;
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * How long after a checkout git's index must be rewritten to stop treating the files as "racily
 * clean": git compares file and index mtimes in whole seconds here, so entries written in the
 * same second as their files are marked for a content check on every status until then.
 */
export const RACY_GIT_WINDOW_MS = 1_100;

/**
 * Rewrites the worktree's index with fresh stat data (`git update-index --refresh`), once the
 * racy window after its checkout has passed. Without it, a fresh worktree's every file is
 * re-read by each status (the sidebar's refresh uses --no-optional-locks, so it never writes
 * the index back itself): on a large checkout that is seconds per refresh. Takes the index lock
 * for a moment, so only call it while nothing else runs git there; a held lock is skipped.
 */
export async function settleIndex(worktreePath: string): Promise<void> {
  // Exit 1 only means some files are modified (the index is written all the same); a held lock
  // or a vanished worktree just leaves the index as it was.
  await gitMaybe(worktreePath, ["update-index", "-q", "--refresh"]);
}
