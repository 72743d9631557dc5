import * as fs from "node:fs";

/**
 * Deletes a file that may already be gone. `fs.rm` checks and walks its path first (two lstat
 * calls before the unlink; three thread-pool round trips when asynchronous), and these run on
 * every turn's way out: one unlink is all a file needs.
 */
export function removeFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** removeFile in the background: `done` gets no error when the file was already gone. */
export function removeFileLater(file: string, done: (err: NodeJS.ErrnoException | null) => void): void {
  fs.unlink(file, (err) => done(err?.code === "ENOENT" ? null : err));
}
