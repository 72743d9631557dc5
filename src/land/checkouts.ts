import { git, gitRun } from "../workspace/git.js";

/** The worktree (the project directory or any other) that has `branch` checked out, if any. */
export async function checkoutOf(repo: string, branch: string): Promise<string | null> {
  const list = await git(repo, ["worktree", "list", "--porcelain"]);
  for (const block of list.split("\n\n")) {
    const lines = block.split("\n");
    if (lines.includes("bare") || !lines.includes(`branch refs/heads/${branch}`)) continue;
    return lines.find((l) => l.startsWith("worktree "))?.slice("worktree ".length) ?? null;
  }
  return null;
}

/**
 * Why moving the checkout at `dir` from commit `from` to `to` would lose something, as the files
 * at stake: tracked files with changes (staged or not), or untracked files the new commit would
 * overwrite. Empty when the move is safe. Untracked files it leaves alone do not count.
 */
export async function checkoutBlockers(dir: string, from: string, to: string): Promise<string[]> {
  // Fresh stat data first: a file only touched (same content) must not pass for a change.
  await gitRun(dir, ["update-index", "-q", "--refresh"]);
  const changed = parsePorcelain(await git(dir, ["status", "--porcelain=v1", "-z", "--untracked-files=no"]));
  if (changed.length) return changed;
  const dryRun = await gitRun(dir, ["read-tree", "-m", "-u", "-n", from, to]);
  if (dryRun.code === 0) return [];
  // git names the files as `'path' would be overwritten`, or on lines of their own after a tab.
  const named = [...dryRun.stderr.matchAll(/^\t(.+)$|'([^']+)' would be overwritten/gm)].map((m) => m[1] ?? m[2]);
  return named.length ? named : [dryRun.stderr.trim()];
}

/** Moves the checkout's index and files from `from` to `to` (its branch ref has already moved). */
export async function moveCheckout(dir: string, from: string, to: string): Promise<void> {
  await git(dir, ["read-tree", "-m", "-u", from, to]);
}

/** Paths of `git status --porcelain=v1 -z`; a rename's or copy's source follows as a field of its own. */
function parsePorcelain(out: string): string[] {
  const fields = out.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (f.length < 4) continue;
    paths.push(f.slice(3));
    if (/[RC]/.test(f.slice(0, 2))) i++;
  }
  return [...new Set(paths)];
}
