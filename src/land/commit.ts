import { ConfigError } from "../config/errors.js";
import { execCapture, type Runtime } from "../runtime/types.js";
import type { CommitResult } from "./schemas.js";

/**
 * Stages every change in the workspace (new files too, ignored ones not) and commits it with the
 * user's message, on whatever branch the workspace has checked out. Runs through the workspace's
 * runtime, so the same code commits locally and on an SSH host; the user's hooks run as usual.
 */
export async function commitAll(runtime: Runtime, message: string): Promise<CommitResult> {
  if (!message.trim()) throw new ConfigError("a commit needs a message");
  const r = await execCapture(
    runtime,
    `set -e
git add -A
if git diff --cached --quiet; then echo clean; exit 0; fi
n=$(git diff --cached --name-only | wc -l)
git commit -q -F -
echo "committed $(git rev-parse HEAD) $n"`,
    { stdin: message },
  );
  const done = /^(clean|committed ([0-9a-f]+) +(\d+))$/m.exec(r.stdout);
  if (r.exitCode !== 0 || !done) throw new ConfigError(`git could not commit: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`);
  if (done[1] === "clean") return { status: "clean" };
  return { status: "committed", commit: done[2], files: Number(done[3]) };
}

/** The paths with uncommitted changes in the workspace (untracked files included). */
export async function uncommittedFiles(runtime: Runtime): Promise<string[]> {
  const r = await execCapture(runtime, "git status --porcelain=v1 --untracked-files=all");
  if (r.exitCode !== 0) throw new ConfigError(`git status failed: ${r.stderr.trim()}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3));
}
