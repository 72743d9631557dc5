import { type LockOwner, SessionLock } from "../history/sessionLock.js";

/** How often to look for agents run by other Mux processes. */
const POLL_MS = 2_000;

/**
 * Notices agents that other Mux processes (`mux run --workspace`) start and finish in our
 * workspaces, from their session locks, so the sidebar shows them within a couple of seconds
 * and the chat can take in what they added once they are done.
 */
export class ElsewhereWatch {
  /** Workspaces where another process was running an agent at the last look, and which. */
  private readonly running = new Map<string, LockOwner>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: () => { id: string; dir: string }[],
    private readonly onChange: (id: string, running: boolean) => void,
    pollMs = POLL_MS,
  ) {
    this.timer = setInterval(() => this.check(), pollMs);
    this.timer.unref();
  }

  check(): void {
    let all: { id: string; dir: string }[];
    try {
      all = this.sessions();
    } catch {
      return; // e.g. a corrupt registry: reported elsewhere
    }
    for (const { id, dir } of all) {
      const owner = SessionLock.heldByOther(dir);
      const before = this.running.get(id);
      if (owner?.pid === before?.pid && owner?.since === before?.since) continue;
      if (owner) this.running.set(id, owner);
      else this.running.delete(id);
      this.onChange(id, owner !== null);
    }
  }

  /** Who runs an agent in this workspace from another process, as of the last look. */
  owner(id: string): LockOwner | undefined {
    return this.running.get(id);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
