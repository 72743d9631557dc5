import * as fs from "node:fs";
import { realFilePath } from "./links.js";

const STALE_MS = 30_000;

type Holder = { ino: number; stale: boolean } | "gone";

/** Who holds the lock, and whether it is stale (its process died, or it is very old). */
function inspect(lockFile: string): Holder {
  try {
    const st = fs.statSync(lockFile);
    const text = fs.readFileSync(lockFile, "utf8");
    if (Date.now() - st.mtimeMs > STALE_MS) return { ino: st.ino, stale: true };
    // Just created, pid not written yet: its holder is certainly alive.
    if (text === "") return { ino: st.ino, stale: false };
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return { ino: st.ino, stale: true };
    try {
      process.kill(pid, 0);
      return { ino: st.ino, stale: false };
    } catch (err) {
      // EPERM: the process exists but belongs to someone else.
      return { ino: st.ino, stale: (err as NodeJS.ErrnoException).code !== "EPERM" };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw err;
  }
}

/** Holders waiting in this process, per lock file: they queue instead of polling the file. */
const queues = new Map<string, Promise<unknown>>();

/**
 * A lock file shared between processes (`open(…, "wx")` is atomic), for the read-modify-write
 * of a file in MUX_ROOT (config.json, providers.jsonc). A lock left by a dead process, or older
 * than 30 s, is broken so a crash can never wedge it. Holders in one process take turns. The
 * lock lives where the file really is, so processes reaching it through different links (a
 * `~/.mux` linked to `~/.xum`, and `MUX_ROOT=~/.xum`) take the same lock.
 */
export function withFileLock<T>(requested: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const lockFile = realFilePath(requested);
  const before = queues.get(lockFile) ?? Promise.resolve();
  const run = () => holdFileLock(lockFile, fn, timeoutMs);
  const next = before.then(run, run);
  const settled = next.catch(() => {});
  queues.set(lockFile, settled);
  void settled.then(() => {
    if (queues.get(lockFile) === settled) queues.delete(lockFile);
  });
  return next;
}

async function holdFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let ours: number;
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    try {
      const fd = fs.openSync(lockFile, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      ours = fs.fstatSync(fd).ino;
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = inspect(lockFile);
      if (holder === "gone") continue; // released meanwhile: try again at once
      if (holder.stale) {
        // Remove it only if it is still the same stale file (not a fresh lock taken meanwhile).
        const now = fs.statSync(lockFile, { throwIfNoEntry: false });
        if (now && now.ino === holder.ino) fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockFile}`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
  try {
    return await fn();
  } finally {
    // Never remove a lock that is no longer ours.
    if (fs.statSync(lockFile, { throwIfNoEntry: false })?.ino === ours) fs.rmSync(lockFile, { force: true });
  }
}
