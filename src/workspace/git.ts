import { execFile } from "node:child_process";
import * as fs from "node:fs";

/** A git command failed; `stderr` says why in git's words. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed: ${stderr.trim() || `exit ${code}`}`);
    this.name = "GitError";
  }
}

const GIT_ENV = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  GIT_OPTIONAL_LOCKS: "0",
  LC_ALL: "C",
};

/** Runs git in `cwd` (local only) and returns stdout; throws GitError on a non-zero exit. */
export async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const r = await gitRun(cwd, args, opts);
  if (r.code !== 0) throw new GitError(args, r.code, r.stderr);
  return r.stdout;
}

export interface GitOptions {
  input?: string;
  /** Added to the environment (an author for commit-tree, say). */
  env?: Record<string, string>;
}

/** Why git could not even start (Node says "spawn git ENOENT" for a missing cwd as for a missing git). */
function spawnFailure(cwd: string, error: Error & { code?: unknown }): string {
  if (!fs.existsSync(cwd)) return `cannot run git in ${cwd}: the directory does not exist`;
  if (error.code === "ENOENT") return "cannot run git: it is not installed or not on PATH";
  return `cannot run git: ${error.message}`;
}

/** Like git() but returns null instead of throwing (for questions whose answer may be "no"). */
export async function gitMaybe(cwd: string, args: string[]): Promise<string | null> {
  try {
    return await git(cwd, args);
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git and returns its exit code with the output, for commands whose non-zero exit is an
 * answer (merge-tree's 1 means "conflicts"); only a git that cannot start (or is killed) throws.
 */
export function gitRun(cwd: string, args: string[], opts: GitOptions = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...GIT_ENV, ...opts.env };
    const child = execFile("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(new GitError(args, null, spawnFailure(cwd, error)));
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export type TreeMerge = { clean: true; tree: string } | { clean: false; files: string[] };

/**
 * Three-way merge of two commits (their merge base as the base), written as a tree object only:
 * no index, worktree or ref is touched. `git merge-tree --write-tree -z --name-only` prints the
 * tree, then each conflicted path, then an empty field; exit 1 means conflicts.
 */
export async function mergeTrees(repo: string, ours: string, theirs: string): Promise<TreeMerge> {
  const args = ["merge-tree", "--write-tree", "-z", "--name-only", ours, theirs];
  const r = await gitRun(repo, args);
  if (r.code !== 0 && r.code !== 1) throw new GitError(args, r.code, r.stderr);
  const fields = r.stdout.split("\0");
  if (r.code === 0) return { clean: true, tree: fields[0] };
  const files: string[] = [];
  for (const f of fields.slice(1)) {
    if (f === "") break;
    if (!files.includes(f)) files.push(f);
  }
  return { clean: false, files };
}
