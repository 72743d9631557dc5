import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { BOOT_ID, isProcessAlive, processStartTime } from "../common/processInfo.js";
import { removeFile } from "../common/removeFile.js";

/** Who is running an agent in a session: written into its lock file. */
export interface LockOwner {
  pid: number;
  /** What holds it, for the error the other process shows: "mux run", "mux server". */
  what: string;
  since: number;
}

export class SessionBusyError extends Error {
  constructor(readonly owner: LockOwner) {
    super(
      `an agent is already running in this chat (${owner.what}, pid ${owner.pid}, since ${new Date(owner.since).toLocaleTimeString()}): wait for it to finish or interrupt it there`,
    );
    this.name = "SessionBusyError";
  }
}

/** What the lock file holds besides its owner: enough to tell a dead owner from a live one. */
interface LockBody extends LockOwner {
  token?: string;
  boot?: string;
  /** The owner's start time (processStartTime): a later process reusing the pid is not the owner. */
  start?: string;
}

function alive(owner: LockBody): boolean {
  // A lock from before a reboot is stale whatever its pid: the pid may be reused by now.
  if (owner.boot && BOOT_ID && owner.boot !== BOOT_ID) return false;
  // A killed owner that nobody reaped yet (a zombie) is dead: its lock must not block the next run.
  return isProcessAlive(owner.pid, owner.start);
}

function readOwner(file: string): LockBody | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as LockBody;
    return Number.isInteger(v.pid) && v.pid > 0 ? v : null;
  } catch {
    return null; // gone, or torn by a crash while being written: treated as stale
  }
}

/**
 * One agent at a time per chat, across processes: `mux run --workspace` and the server (or
 * two CLI runs) would otherwise append to the same chat.jsonl at once. The lock is a file in
 * the session directory naming its holder; held for a whole run, so unlike the registry's short
 * lock it never goes stale with age, only when its process is gone.
 */
export class SessionLock {
  private constructor(
    readonly file: string,
    private readonly token: string,
  ) {}

  /** Takes the lock or throws SessionBusyError naming who has it. */
  static acquire(sessionDir: string, what: string): SessionLock {
    fs.mkdirSync(sessionDir, { recursive: true, mode: 0o700 });
    const file = path.join(sessionDir, "run.lock");
    const token = randomUUID();
    const body = JSON.stringify({ pid: process.pid, what, since: Date.now(), token, boot: BOOT_ID, start: processStartTime(process.pid) });
    // Written whole first, then linked into place (link fails if the lock exists): nobody ever
    // sees a half-written lock, which would look like one left by a crash.
    const tmp = `${file}.${token}.tmp`;
    fs.writeFileSync(tmp, body, { mode: 0o600 });
    try {
      return SessionLock.take(file, tmp, token);
    } finally {
      removeFile(tmp);
    }
  }

  private static take(file: string, tmp: string, token: string): SessionLock {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return new SessionLock(file, token);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const owner = readOwner(file);
      // Ours too when this process runs another turn in the same chat.
      if (owner && alive(owner)) throw new SessionBusyError(owner);
      if (attempt >= 3) throw new Error(`${file}: cannot take the lock (it keeps coming back)`);
      // Left by a process that died (or unreadable): break it, unless it changed meanwhile.
      if (readOwner(file)?.token === owner?.token) removeFile(file);
    }
  }

  /** The live process other than this one that holds the session's lock, if any. */
  static heldByOther(sessionDir: string): LockOwner | null {
    const file = path.join(sessionDir, "run.lock");
    // Polled for every workspace (ElsewhereWatch): a missing file is the usual answer, and
    // reading it would build an ENOENT error (with its stack) each time.
    if (!fs.existsSync(file)) return null;
    const owner = readOwner(file);
    return owner && owner.pid !== process.pid && alive(owner) ? owner : null;
  }

  /** Gives the lock back (only if it is still ours). */
  release(): void {
    if (readOwner(this.file)?.token === this.token) removeFile(this.file);
  }
}
