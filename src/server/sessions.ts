import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { withFileLock } from "../config/lock.js";
import { serverDir } from "./serverToken.js";

/** A browser's sign-in ends after this long unused (the installed app, opened monthly, stays in). */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000;
/** Last use is written at most this often per session (a page load is not worth a disk write). */
const TOUCH_EVERY_MS = 3600_000;
/** Sign-ins beyond this drop the least recently used (a script signing in in a loop cannot grow the file without end). */
const MAX_SESSIONS = 100;

const SessionSchema = z.object({
  /** Public: shown by `mux server sessions`, used to revoke. Not the cookie. */
  id: z.string(),
  /** SHA-256 of the cookie's secret: the file alone signs no one in. */
  secretHash: z.string(),
  /** Which server token the sign-in was made with: a new token ends every older sign-in. */
  tokenHash: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  userAgent: z.string().optional(),
});
const SessionsFileSchema = z.object({ version: z.literal(1), sessions: z.array(SessionSchema) });

export type Session = z.infer<typeof SessionSchema>;
/** What a listing shows: never the hashes. */
export type SessionInfo = Omit<Session, "secretHash" | "tokenHash">;

export const sessionsFile = (env: NodeJS.ProcessEnv = process.env) => path.join(serverDir(env), "sessions.json");
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
/** Hashes of tokens are namespaced, so they can never equal a secret's hash. */
const tokenHashOf = (token: string) => sha256(`mux-server-token:${token}`);
export const publicInfo = ({ secretHash: _s, tokenHash: _t, ...info }: Session): SessionInfo => info;

/**
 * Browsers' sign-ins: the cookie carries a random secret, never the server's token (which is
 * exchanged once, on the `?token=` visit). Kept in MUX_ROOT/server/sessions.json (0600, hashed)
 * so they survive a restart; shared with `mux server sessions` / `revoke`, which edit the same
 * file. Every change is read-modify-write under a lock file; a running server notices changes
 * made by another process (a revocation) and ends the revoked sessions' connections.
 *
 * `token` binds the store to a server token: only sign-ins made with it count (null: the CLI,
 * which only lists and revokes).
 */
export class SessionStore {
  readonly file: string;
  private readonly lockFile: string;
  private readonly tokenHash: string | undefined;
  private sessions: Session[] = [];
  /** What the file was when last read or written (ino, size, mtime): reread only when it changed. */
  private seen = "";
  private readonly revokeListeners = new Set<(ids: Set<string>) => void>();
  private watcher: fs.FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(env: NodeJS.ProcessEnv, token: string | null = null) {
    this.file = sessionsFile(env);
    this.lockFile = `${this.file}.lock`;
    this.tokenHash = token === null ? undefined : tokenHashOf(token);
    this.refresh();
  }

  /** Called with the ids of sessions that ended (revoked here or by another process, or expired). */
  onRevoke(listener: (ids: Set<string>) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /**
   * Watches the file for changes by other processes (`mux server revoke`), so revoked sessions'
   * open connections end at once, not at their next reconnect. A slow poll backs the watch up.
   */
  watch(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      this.watcher = fs.watch(path.dirname(this.file), (_event, name) => {
        if (name === null || name === path.basename(this.file)) this.refresh();
      });
      this.watcher.on("error", () => {});
      this.watcher.unref();
    } catch {
      // no watch (e.g. inotify limits): the poll below still notices, later
    }
    this.timer = setInterval(() => this.refresh(), 10_000);
    this.timer.unref();
  }

  close(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }

  /** Sessions made with this server's token (all of them for the CLI), most recently used first. */
  list(): SessionInfo[] {
    this.refresh();
    return this.live()
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
      .map(publicInfo);
  }

  /** The session a cookie's secret belongs to, if it is live; notes the use. */
  check(secret: string | undefined | null): SessionInfo | undefined {
    if (!secret) return undefined;
    this.refresh();
    const hash = sha256(secret);
    const session = this.live().find((s) => s.secretHash === hash);
    if (!session) return undefined;
    if (Date.now() - session.lastUsedAt > TOUCH_EVERY_MS) void this.touch(session.id).catch(() => {});
    return publicInfo(session);
  }

  /** A new sign-in: returns the secret for the cookie (it is stored only hashed). */
  async create(userAgent?: string): Promise<{ secret: string; session: SessionInfo }> {
    if (!this.tokenHash) throw new Error("sessions are created by a server with a token");
    const tokenHash = this.tokenHash;
    const secret = randomBytes(32).toString("base64url");
    const now = Date.now();
    const session: Session = {
      id: randomBytes(6).toString("hex"),
      secretHash: sha256(secret),
      tokenHash,
      createdAt: now,
      lastUsedAt: now,
      ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
    };
    await this.update((all) => [session, ...all].sort((a, b) => b.lastUsedAt - a.lastUsedAt).slice(0, MAX_SESSIONS));
    return { secret, session: publicInfo(session) };
  }

  /** Ends one session (by its public id), or all of them; returns how many ended. */
  async revoke(which: { id: string } | "all"): Promise<number> {
    let ended = 0;
    await this.update((all) => {
      const kept = which === "all" ? [] : all.filter((s) => s.id !== which.id);
      ended = all.length - kept.length;
      return kept;
    });
    return ended;
  }

  /** Drops sign-ins made with another token (the server's token changed: --new-token). */
  async dropOtherTokens(): Promise<void> {
    const mine = this.tokenHash;
    if (mine && this.sessions.some((s) => s.tokenHash !== mine)) await this.update((all) => all.filter((s) => s.tokenHash === mine));
  }

  private async touch(id: string): Promise<void> {
    const now = Date.now();
    await this.update((all) => all.map((s) => (s.id === id ? { ...s, lastUsedAt: now } : s)));
  }

  private live(): Session[] {
    const now = Date.now();
    return this.sessions.filter((s) => now - s.lastUsedAt <= SESSION_IDLE_MS && (this.tokenHash === undefined || s.tokenHash === this.tokenHash));
  }

  /** Applies `fn` to the sessions on disk (expired ones dropped) and writes the result, under the lock. */
  private async update(fn: (sessions: Session[]) => Session[]): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await withFileLock(this.lockFile, async () => {
      const now = Date.now();
      const current = this.readFile().filter((s) => now - s.lastUsedAt <= SESSION_IDLE_MS);
      const next = fn(current);
      await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, sessions: next }, null, 2)}\n`, { mode: 0o600 });
      this.replace(next);
    });
  }

  /** Rereads the file if another process changed it. */
  private refresh(): void {
    if (this.signature() !== this.seen) this.replace(this.readFile());
  }

  private replace(next: Session[]): void {
    const before = this.sessions;
    this.sessions = next;
    this.seen = this.signature();
    const left = new Set(next.map((s) => s.id));
    const ended = new Set(before.filter((s) => !left.has(s.id)).map((s) => s.id));
    if (ended.size) for (const l of this.revokeListeners) l(ended);
  }

  private signature(): string {
    const st = fs.statSync(this.file, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "";
  }

  /** The sessions in the file; none when it is missing or unreadable (everyone signs in again). */
  private readFile(): Session[] {
    try {
      const parsed = SessionsFileSchema.safeParse(JSON.parse(fs.readFileSync(this.file, "utf8")));
      return parsed.success ? parsed.data.sessions : [];
    } catch {
      return [];
    }
  }
}
