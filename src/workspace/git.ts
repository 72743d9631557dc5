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
export function git(cwd: string, args: string[], opts: { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new GitError(args, typeof error.code === "number" ? error.code : null, typeof error.code === "number" ? stderr : spawnFailure(cwd, error)));
      else resolve(stdout);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
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
 * answer (merge-tree's 1 means "conflicts"); only a git that cannot start throws.
 */
export function gitRun(cwd: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...GIT_ENV, ...opts.env };
    const child = execFile("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(new GitError(args, null, spawnFailure(cwd, error)));
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
