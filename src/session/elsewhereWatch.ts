import { SessionLock } from "../history/sessionLock.js";

/** How often to look for agents run by other Mux processes. */
const POLL_MS = 2_000;

/**
 * Notices agents that other Mux processes (`mux run --workspace`) start and finish in our
 * workspaces, from their session locks, so the sidebar shows them within a couple of seconds
 * and the chat can take in what they added once they are done.
 */
export class ElsewhereWatch {
  /** Workspaces where another process was running an agent at the last look. */
  private readonly running = new Set<string>();
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
      const held = SessionLock.heldByOther(dir) !== null;
      if (held === this.running.has(id)) continue;
      if (held) this.running.add(id);
      else this.running.delete(id);
      this.onChange(id, held);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
