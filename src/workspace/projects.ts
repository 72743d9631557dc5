import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { GitError, git, gitMaybe } from "./git.js";

/** A project is identified by its repository's resolved absolute top-level path. */
export async function resolveProjectPath(input: string): Promise<string> {
  const abs = path.resolve(input);
  if (!fs.existsSync(abs)) throw new ConfigError(`${abs} does not exist`);
  const top = await gitMaybe(abs, ["rev-parse", "--show-toplevel"]);
  if (!top) throw new ConfigError(`${abs} is not a git repository (run \`git init\` there first)`);
  return fs.realpathSync(top.trim());
}

/**
 * The branch new workspaces start from: origin's default branch when there is a remote,
 * else the branch the project has checked out.
 */
export async function detectTrunk(projectPath: string): Promise<string> {
  const originHead = await gitMaybe(projectPath, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  if (originHead?.trim()) return originHead.trim();
  const current = await gitMaybe(projectPath, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (current?.trim()) return current.trim();
  // Detached HEAD: start from the commit itself.
  return (await git(projectPath, ["rev-parse", "HEAD"])).trim();
}

/** Whether the branch exists; a git failure throws (it must not pass for "no such branch"). */
export async function branchExists(projectPath: string, branch: string): Promise<boolean> {
  try {
    await git(projectPath, ["show-ref", "--verify", "--quiet", `refs/heads/${branch}`]);
    return true;
  } catch (err) {
    // show-ref exits 1 for a missing ref, 128 when git itself fails.
    if (err instanceof GitError && err.code === 1) return false;
    throw err;
  }
}

export function projectName(projectPath: string): string {
  return path.basename(projectPath);
}

/**
 * The base an SSH workspace's git status compares against, as the host names it: the project's
 * branches travel under refs/mux-local/ (`main` → `refs/mux-local/heads/main`, `origin/main` →
 * `refs/mux-local/remotes/origin/main`), as of the last transfer; a commit id stays as it is.
 */
export async function remoteStatusBase(projectPath: string, base: string): Promise<string> {
  const full = (await gitMaybe(projectPath, ["rev-parse", "--symbolic-full-name", base]))?.trim();
  const m = full ? /^refs\/(heads|remotes)\/(.+)$/.exec(full) : null;
  return m ? `refs/mux-local/${m[1]}/${m[2]}` : base;
}
