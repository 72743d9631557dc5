import { posix } from "node:path";
import type { DirEntry, Runtime } from "../runtime/types.js";

/** Directories no search should descend into unless asked to explicitly. */
export const DEFAULT_SKIP_DIRS = [".git", "node_modules"];

export interface WalkEntry {
  abs: string;
  /** Relative to the directory the walk started from, POSIX separators. */
  rel: string;
  entry: DirEntry;
}

/**
 * Depth-first, entries sorted by name so results are deterministic. Symlinked directories are
 * listed but not entered (they may loop or lead out of the workspace). `visit` returns false to
 * stop; unreadable directories are skipped. Returns false when stopped early.
 */
export async function walk(
  runtime: Runtime,
  dir: string,
  visit: (e: WalkEntry) => boolean | Promise<boolean>,
  options: { skipDirs?: Iterable<string>; signal?: AbortSignal; relPrefix?: string } = {},
): Promise<boolean> {
  const skip = new Set(options.skipDirs ?? DEFAULT_SKIP_DIRS);
  const recurse = async (abs: string, rel: string): Promise<boolean> => {
    if (options.signal?.aborted) return false;
    let entries: DirEntry[];
    try {
      entries = await runtime.readdir(abs);
    } catch {
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childAbs = posix.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (!(await visit({ abs: childAbs, rel: childRel, entry }))) return false;
      if (entry.isDirectory && !entry.isSymbolicLink && !skip.has(entry.name)) {
        if (!(await recurse(childAbs, childRel))) return false;
      }
    }
    return true;
  };
  return recurse(dir, options.relPrefix ?? "");
}
