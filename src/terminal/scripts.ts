import { SCRIPT_NAME } from "../api/terminal.js";
import { execCapture, type Runtime } from "../runtime/types.js";

/** Where a project keeps its scripts, relative to the workspace's directory. */
export const SCRIPTS_DIR = ".mux/scripts";

/**
 * The executables in the workspace's `.mux/scripts/`, sorted. Asked through the runtime (one
 * shell loop) so a worktree, the project directory and an SSH host answer the same way, each from
 * its own checkout of the scripts.
 */
export async function listScripts(runtime: Runtime): Promise<string[]> {
  const r = await execCapture(runtime, `for f in ${SCRIPTS_DIR}/*; do [ -f "$f" ] && [ -x "$f" ] && printf '%s\\n' "\${f##*/}"; done; true`, {
    timeoutMs: 10_000,
  });
  if (r.exitCode !== 0) throw new Error(`listing ${SCRIPTS_DIR} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  return r.stdout
    .split("\n")
    .filter((n) => SCRIPT_NAME.test(n))
    .sort((a, b) => a.localeCompare(b));
}
