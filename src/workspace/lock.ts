import * as fs from "node:fs";

const STALE_MS = 30_000;

function holderAlive(lockFile: string): boolean {
  try {
    const text = fs.readFileSync(lockFile, "utf8");
    // Just created, pid not written yet: its holder is certainly alive.
    if (text === "") return true;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock file shared between processes (`open(…, "wx")` is atomic). A lock left by a dead
 * process, or older than 30 s, is broken so a crash can never wedge the registry.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    try {
      const fd = fs.openSync(lockFile, "wx", 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let stale = false;
      try {
        stale = Date.now() - fs.statSync(lockFile).mtimeMs > STALE_MS || !holderAlive(lockFile);
      } catch {
        continue; // released between our open and stat: try again at once
      }
      if (stale) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockFile}`);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
