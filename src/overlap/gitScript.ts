import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { shq } from "../tools/shellQuote.js";
import { GIT_ENV_TO_CLEAR } from "../workspace/gitStatusScript.js";

/**
 * Shell prelude of every overlap script: no inherited git variable may point git elsewhere, no
 * optional locks (the agent's own git must never meet ours), C locale for stable output.
 */
export const PRELUDE = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 GIT_TERMINAL_PROMPT=0 LC_ALL=C
`;

export class OverlapScriptError extends Error {}

/**
 * Where a check's git writes its objects (snapshot blobs, trees and commits, merge results):
 * a scratch directory of Mux's, reading the project's own objects as an alternate. Written into
 * the project, they would pile up there as unreachable loose objects until `git gc` (two weeks
 * later), and meanwhile set off its "too many unreachable loose objects" warnings.
 */
export interface ObjectStore {
  dir: string;
  /** The project's own object directory. */
  alternate: string;
}

/** A store in `dir` reading the objects of the project's repository (undefined outside one). */
export async function objectStoreIn(dir: string, projectPath: string): Promise<ObjectStore | undefined> {
  let alternate: string;
  try {
    alternate = (await runScript("exec git rev-parse --path-format=absolute --git-path objects", projectPath)).trim();
  } catch {
    return undefined; // not a repository (any more): the check reports that itself
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { dir, alternate };
}

function storeExports(store: ObjectStore | undefined): string {
  return store ? `export GIT_OBJECT_DIRECTORY=${shq(store.dir)} GIT_ALTERNATE_OBJECT_DIRECTORIES=${shq(store.alternate)}\n` : "";
}

/** A script still running after this long is killed: a stuck git must not hold a project's checks forever. */
const SCRIPT_TIMEOUT_MS = 60_000;

/**
 * Runs a bash script on this machine and returns its stdout. One script runs many git commands,
 * so checking 20 workspaces costs a handful of process starts from Node, not hundreds.
 */
export function runScript(script: string, cwd = "/", input = "", store?: ObjectStore): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { cwd, maxBuffer: 256 * 1024 * 1024, timeout: SCRIPT_TIMEOUT_MS, killSignal: "SIGKILL" as const };
    const child = execFile("bash", ["--noprofile", "--norc", "-c", PRELUDE + storeExports(store) + script], options, (error, stdout, stderr) => {
      if (error) reject(new OverlapScriptError(stderr.trim().split("\n")[0] || error.message));
      else resolve(stdout);
    });
    // A script that exits without reading its input must not fail the call (EPIPE).
    child.stdin?.on("error", () => {});
    child.stdin?.end(input || undefined);
  });
}

/** NUL-separated fields of `-z` output (the trailing empty one dropped). */
export function nulFields(out: string): string[] {
  const parts = out.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** Work split in two scripts when there is enough of it: a 2-core machine then does it about twice as fast. */
export function halves<T>(items: T[], min = 8): T[][] {
  if (!items.length) return [];
  if (items.length < min) return [items];
  const half = Math.ceil(items.length / 2);
  return [items.slice(0, half), items.slice(half)];
}
