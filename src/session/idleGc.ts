import { Session } from "node:inspector";

/** How long no turn must have run before the collection. */
export const IDLE_GC_QUIET_MS = 2_000;

/**
 * V8's collection of all it can, giving freed pages back to the system (what it does when told
 * memory is low): a plain full collection leaves the grown heap's pages mapped. Through an
 * in-process inspector session: no flag, no port.
 */
function collectAllGarbage(): void {
  const session = new Session();
  try {
    session.connect();
    // Disconnecting inside the reply's callback stalls the event loop (Node 20): just after it.
    session.post("HeapProfiler.collectGarbage", () => setImmediate(() => session.disconnect()));
  } catch {
    session.disconnect();
  }
}

/**
 * Streaming answers fills V8's heap with short-lived garbage (deltas, stream buffers, promises)
 * that survives long enough to be promoted, and V8 collects its old space only under allocation
 * pressure: a server that goes quiet after many streams would keep that memory (130 MiB and
 * more after 50 streams) until its next busy moment. One full collection once no turn has run
 * for a short while gives it back; it costs tens of milliseconds, once per quiet spell.
 */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Whether a turn is running now. */
    private readonly busy: () => boolean,
    private readonly quietMs = IDLE_GC_QUIET_MS,
    private readonly collect: () => void = collectAllGarbage,
  ) {}

  /** A turn ended: collect once none has run for quietMs (the last to end decides). */
  turnEnded(): void {
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.run(), this.quietMs).unref();
  }

  private run(): void {
    this.timer = undefined;
    if (!this.busy()) this.collect();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
