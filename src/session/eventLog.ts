import type { AgentEvent } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";
import { isDeltaEvent } from "../agent/reduce.js";
import type { ChatItem } from "../api/schemas.js";
import { AsyncQueue } from "./asyncQueue.js";

/** A live item: an agent event or a finished message, numbered by `seq`. */
export type LogItem = Extract<ChatItem, { type: "event" } | { type: "message" }>;
type Snapshot = Extract<ChatItem, { type: "snapshot" }>;

export const DEFAULT_RING_ITEMS = 10_000;

/**
 * One workspace's chat items in order, each with a `seq` that only grows: the recent ones stay
 * in memory so a subscriber that reconnects with the last `seq` it saw gets exactly what it
 * missed. Seqs start at the creation time in microseconds, so a cursor from an earlier server
 * process is never mistaken for one of this process (it gets a fresh snapshot instead).
 */
export class ChatLog {
  private items: LogItem[] = [];
  private lastSeq: number;
  /** The first seq of the turn in progress: its items are kept however many there are. */
  private turnStartSeq = Number.POSITIVE_INFINITY;
  private readonly subscribers = new Set<AsyncQueue<ChatItem>>();

  constructor(
    /** Builds the snapshot of the current state (the caller keeps it consistent with the items). */
    private readonly snapshot: () => Omit<Snapshot, "type" | "seq">,
    private readonly maxItems = DEFAULT_RING_ITEMS,
    now = Date.now(),
  ) {
    this.lastSeq = now * 1000;
  }

  get seq(): number {
    return this.lastSeq;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Items from here on are kept until the turn ends, even beyond the ring's size. */
  markTurnStart(): void {
    this.turnStartSeq = this.lastSeq + 1;
  }

  /**
   * The turn's deltas are dropped once the message they built was pushed whole: a subscriber
   * resuming from inside the turn gets that message (which replaces what it had streamed) and
   * the turn's other events, and the ring does not hold a finished answer twice — with many
   * chats streaming, those deltas were most of what a quiet server kept in memory.
   */
  markTurnEnd(): void {
    const start = this.indexAfter(this.turnStartSeq - 1);
    this.turnStartSeq = Number.POSITIVE_INFINITY;
    const whole = new Set<string>();
    for (let i = start; i < this.items.length; i++) {
      const item = this.items[i];
      if (item.type === "message") whole.add(item.message.id);
    }
    if (whole.size) {
      const kept = this.items.slice(start).filter((item) => item.type !== "event" || !isDeltaEvent(item.event) || !whole.has(item.event.messageId));
      this.items.length = start;
      for (const item of kept) this.items.push(item);
    }
    this.trim();
  }

  /** The index of the first item after `seq` (items are in seq order). */
  private indexAfter(seq: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  pushEvent(event: AgentEvent): void {
    this.push({ type: "event", seq: ++this.lastSeq, event });
  }

  pushMessage(message: ChatMessage): void {
    this.push({ type: "message", seq: ++this.lastSeq, message });
  }

  private push(item: LogItem): void {
    this.items.push(item);
    this.trim();
    for (const q of this.subscribers) q.push(item);
  }

  private trim(): void {
    // Trim in batches: one splice per 1/8 ring instead of a shift per item.
    const excess = this.items.length - this.maxItems;
    if (excess < Math.max(1, this.maxItems >> 3)) return;
    let drop = 0;
    while (drop < excess && this.items[drop].seq < this.turnStartSeq) drop++;
    if (drop > 0) this.items.splice(0, drop);
  }

  /** True when exactly the items after `cursor` are still in memory. */
  canResume(cursor: number): boolean {
    if (!Number.isFinite(cursor) || cursor > this.lastSeq) return false;
    const first = this.items.length > 0 ? this.items[0].seq : this.lastSeq + 1;
    return cursor >= first - 1;
  }

  /**
   * Starts a subscription: the items after `cursor` (or a snapshot when there is no cursor or
   * it cannot be resumed), `caught-up`, then live items. All of it is decided synchronously, so
   * nothing is missed or repeated between the replay and the live items.
   */
  subscribe(cursor: number | undefined, signal?: AbortSignal): AsyncQueue<ChatItem> {
    const queue = new AsyncQueue<ChatItem>().bind(signal);
    if (cursor !== undefined && this.canResume(cursor)) {
      for (let i = this.indexAfter(cursor); i < this.items.length; i++) queue.push(this.items[i]);
    } else {
      queue.push({ type: "snapshot", seq: this.lastSeq, ...this.snapshot() });
    }
    queue.push({ type: "caught-up", seq: this.lastSeq });
    if (queue.isClosed) return queue;
    this.subscribers.add(queue);
    queue.onClosed(() => this.subscribers.delete(queue));
    return queue;
  }

  /** Ends every subscription (the workspace is gone). */
  closeAll(): void {
    for (const q of [...this.subscribers]) q.close();
  }
}
