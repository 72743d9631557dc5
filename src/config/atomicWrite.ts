import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { realFilePath } from "./links.js";

/**
 * Writes via a temp file in the same directory plus rename, so a crash leaves either the old or
 * the new content, never a torn file. `mode` applies to the new file (0600 for secrets). A link
 * (the file, or a directory on its path) is followed: its target is replaced, the link stays.
 */
export async function writeFileAtomic(requested: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  await fs.mkdir(path.dirname(requested), { recursive: true });
  const file = realFilePath(requested);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  let mode = options.mode;
  if (mode === undefined) {
    // Keep an existing file's permissions (an executable script stays executable).
    mode = await fs.stat(file).then(
      (s) => s.mode & 0o7777,
      () => undefined,
    );
  }
  const handle = await fs.open(tmp, "w", mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await fs.chmod(tmp, mode);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
