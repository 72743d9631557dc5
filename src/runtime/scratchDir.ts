import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";

/** Saved tool output older than this is removed (the model rarely reads back further). */
export const SCRATCH_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Where a local workspace's tool output files go: `<tmp>/mux-<uid>/<workspace>-<hash>/`. One
 * directory per workspace root that every run and turn in it shares, so a file saved in one turn
 * can still be read in the next (a directory per process would be gone from view, and never
 * removed). The per-user parent is private (0700) and must be ours: /tmp is shared, and a
 * directory another user made there could be a trap. Files past the retention period are swept
 * once per process.
 */
export async function scratchDirFor(root: string, tmp = os.tmpdir()): Promise<string> {
  const base = path.join(tmp, `mux-${process.getuid?.() ?? "user"}`);
  await fs.mkdir(base, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "EEXIST") throw err;
  });
  const st = await fs.lstat(base);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new Error(`${base} is not a private directory of this user; remove it and try again`);
  }
  if (!swept.has(base)) {
    swept.add(base);
    void sweepOld(base, Date.now() - SCRATCH_RETENTION_MS);
  }
  const name =
    path
      .basename(root)
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .slice(0, 40) || "root";
  const dir = path.join(base, `${name}-${createHash("sha256").update(root).digest("hex").slice(0, 12)}`);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const swept = new Set<string>();

/** Removes files last written before `cutoff`, then the directories left empty. Best effort. */
export async function sweepOld(base: string, cutoff: number): Promise<void> {
  const dirs = await fs.readdir(base, { withFileTypes: true }).catch(() => []);
  for (const d of dirs) {
    if (!d.isDirectory()) continue;
    const dir = path.join(base, d.name);
    // Read before its old files go (removing them makes the directory look new).
    const since = (await fs.stat(dir).catch(() => null))?.mtimeMs ?? 0;
    const files = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    let left = files.length;
    for (const f of files) {
      const file = path.join(dir, f.name);
      const st = await fs.lstat(file).catch(() => null);
      if (st && !st.isDirectory() && st.mtimeMs < cutoff) {
        await fs.rm(file, { force: true }).catch(() => {});
        left--;
      }
    }
    // Only a directory itself untouched since the cutoff: one a run has just made (empty, for
    // now) is in use. rmdir fails harmlessly if a file just arrived.
    if (left === 0 && since < cutoff) await fs.rmdir(dir).catch(() => {});
  }
}
