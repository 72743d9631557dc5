/**
 * A push-based async iterator: producers `push`, one consumer `for await`s. Used for live
 * subscriptions, so a subscriber that stops iterating (disconnect) detaches itself.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  /** Index of the next item to deliver (shift() would make a long backlog quadratic). */
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private closed = false;
  private readonly onClose: (() => void)[] = [];

  constructor(
    /** Above this many undelivered items the consumer is too slow: the queue ends (it resubscribes). */
    private readonly maxBacklog = 50_000,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length - this.head > this.maxBacklog) this.close();
  }

  /** Ends the iteration once the items already queued are consumed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.onClose.splice(0)) f();
    if (this.waiter && this.items.length === this.head) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** Runs `fn` once when the queue closes (the consumer left or the producer ended it). */
  onClosed(fn: () => void): void {
    if (this.closed) fn();
    else this.onClose.push(fn);
  }

  /** Closes the queue when `signal` aborts. */
  bind(signal: AbortSignal | undefined): this {
    if (!signal) return this;
    if (signal.aborted) this.close();
    else {
      const abort = () => this.close();
      signal.addEventListener("abort", abort, { once: true });
      this.onClosed(() => signal.removeEventListener("abort", abort));
    }
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const value = this.items[this.head++];
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 1024) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items = [];
    this.head = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
