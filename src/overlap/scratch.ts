import * as fs from "node:fs";
import * as path from "node:path";
import { isProcessAlive } from "../common/processInfo.js";

/**
 * This process's scratch directory for the overlap checks' git objects
 * (`<mux root>/cache/overlap/<pid>`): one per process, as two servers may share a Mux root. Those
 * left by processes that are gone are removed on the way.
 */
export function overlapScratchDir(muxRoot: string): string {
  const root = path.join(muxRoot, "cache", "overlap");
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(root);
  } catch {
    // none yet
  }
  for (const name of entries) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isProcessAlive(pid)) {
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
  return path.join(root, String(process.pid));
}
