import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { git, gitMaybe } from "./git.js";
import { branchExists } from "./projects.js";

/**
 * Adds a worktree for `branch` at `worktreePath`: a new branch from `base`, or — when the branch
 * already exists (made by hand, or left by a deleted worktree) — that branch as it is.
 */
export async function addWorktree(projectPath: string, worktreePath: string, branch: string, base: string): Promise<void> {
  if (fs.existsSync(worktreePath)) throw new ConfigError(`${worktreePath} already exists`);
  fs.mkdirSync(path.dirname(worktreePath), { recursive: true });
  // No `worktree prune` here: it would race with a concurrent add's half-made record.
  if (await branchExists(projectPath, branch)) await git(projectPath, ["worktree", "add", worktreePath, branch]);
  else await git(projectPath, ["worktree", "add", "-b", branch, worktreePath, base]);
}

export interface UnsavedWork {
  dirtyFiles: string[];
  /** Commits on the branch that no other branch or remote has: deleting would lose them. */
  unmergedCommits: string[];
}

export async function unsavedWork(projectPath: string, worktreePath: string, branch: string): Promise<UnsavedWork> {
  const dirty = fs.existsSync(worktreePath) ? await gitMaybe(worktreePath, ["status", "--porcelain", "-z"]) : "";
  const dirtyFiles = (dirty ?? "")
    .split("\0")
    .filter(Boolean)
    .map((l) => l.slice(3));
  const unmerged = (await branchExists(projectPath, branch))
    ? await git(projectPath, ["rev-list", "--oneline", `refs/heads/${branch}`, "--not", `--exclude=${branch}`, "--branches", "--remotes"])
    : "";
  return { dirtyFiles, unmergedCommits: unmerged.split("\n").filter(Boolean) };
}

/** Removes the worktree directory, the branch Mux created for it, and git's records of both. */
export async function removeWorktree(projectPath: string, worktreePath: string, branch: string | null): Promise<void> {
  if (fs.existsSync(worktreePath)) {
    const removed = await gitMaybe(projectPath, ["worktree", "remove", "--force", worktreePath]);
    // No longer a worktree (emptied or replaced by hand): it is still this workspace's directory.
    if (removed === null) fs.rmSync(worktreePath, { recursive: true, force: true });
  }
  await git(projectPath, ["worktree", "prune"]);
  if (branch && (await branchExists(projectPath, branch))) await git(projectPath, ["branch", "-D", branch]);
}

export async function renameWorktree(
  projectPath: string,
  from: { path: string; branch: string },
  to: { path: string; branch: string },
): Promise<void> {
  if (fs.existsSync(to.path)) throw new ConfigError(`${to.path} already exists`);
  if (await branchExists(projectPath, to.branch)) throw new ConfigError(`branch ${to.branch} already exists`);
  fs.mkdirSync(path.dirname(to.path), { recursive: true });
  await git(projectPath, ["worktree", "move", from.path, to.path]);
  await git(projectPath, ["branch", "-m", from.branch, to.branch]);
}

export type WorktreeHealth = "ok" | "missing-worktree" | "missing-branch";

/** Detects what users do by hand: a worktree directory or a branch deleted outside Mux. */
export async function worktreeHealth(projectPath: string, worktreePath: string, branch: string): Promise<WorktreeHealth> {
  if (!fs.existsSync(worktreePath)) return "missing-worktree";
  // A directory that is no longer a worktree resolves to some other (or no) top level.
  const top = await gitMaybe(worktreePath, ["rev-parse", "--show-toplevel"]);
  if (!top || fs.realpathSync(top.trim()) !== fs.realpathSync(worktreePath)) return "missing-worktree";
  if (!(await branchExists(projectPath, branch))) return "missing-branch";
  return "ok";
}
