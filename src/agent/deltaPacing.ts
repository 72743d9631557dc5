/**
 * How the text a model streams reaches the agent loop. Each delta becomes an event for the loop,
 * the chat's crash-recovery log and every page that watches the chat, whatever its length: a fast
 * model sending a few characters every couple of milliseconds makes far more events than anyone
 * can read. So a delta arriving within DELTA_HOLD_MS of the last one passed on waits out the rest
 * of that time, joined by the deltas of the same text that follow it; a stream slower than one
 * delta per DELTA_HOLD_MS (most models) passes every delta on at once, as it came.
 *
 * Anything other than a delta of the same text first passes on the delta held, so the order of
 * parts never changes and nothing waits past the end of the response.
 */

/** Longest a delta waits for others to join it (it adds to what a kill -9 may lose). */
export const DELTA_HOLD_MS = 10;

/** The parts this module joins (the SDK's LanguageModelV3 text and reasoning deltas). */
export interface DeltaLike {
  type: string;
  id?: string;
  delta?: string;
  providerMetadata?: unknown;
}

const isDelta = (p: DeltaLike) => p.type === "text-delta" || p.type === "reasoning-delta";

/** Appends `part` to `into` when both are deltas of the same text (same kind, same id). */
export function joinDelta(into: DeltaLike, part: DeltaLike): boolean {
  if (!isDelta(part) || into.type !== part.type || into.id !== part.id || into.providerMetadata || part.providerMetadata) return false;
  into.delta = (into.delta ?? "") + (part.delta ?? "");
  return true;
}

/** Paces the deltas of one response; `passOn` passes a part on (it must not throw: it may run on a timer). */
export class DeltaPacer<P extends DeltaLike> {
  private held: P | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastDeltaAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly passOn: (part: P) => void,
    private readonly holdMs = DELTA_HOLD_MS,
  ) {}

  /** Passes `part` on now, or later (joined with what follows). */
  push(part: P): void {
    if (this.held && joinDelta(this.held, part)) return;
    this.release();
    const wait = isDelta(part) ? this.lastDeltaAt + this.holdMs - Date.now() : 0;
    if (wait <= 0) {
      this.pass(part);
      return;
    }
    this.held = part;
    this.timer = setTimeout(() => this.release(), wait);
    this.timer.unref();
  }

  /** Passes on the delta held, if any (before any other part, and at the end of the response). */
  release(): void {
    if (!this.held) return;
    clearTimeout(this.timer);
    const part = this.held;
    this.held = undefined;
    this.pass(part);
  }

  private pass(part: P): void {
    if (isDelta(part)) this.lastDeltaAt = Date.now();
    this.passOn(part);
  }
}
