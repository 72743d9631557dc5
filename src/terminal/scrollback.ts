/**
 * A terminal's recent output, bounded in bytes. Offsets count every byte the terminal ever
 * produced, so a client that reconnects says how far it got (`from`) and gets only the rest —
 * or, when that part was already trimmed away, the whole buffer after a reset.
 */
export class Scrollback {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Offset of the first byte still held. */
  private start = 0;

  constructor(readonly limit: number) {}

  /** Offset just past the newest byte. */
  get end(): number {
    return this.start + this.size;
  }

  get bytes(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Whole chunks go first; a chunk bigger than the limit on its own keeps only its tail.
    while (this.size > this.limit) {
      const first = this.chunks[0];
      const over = this.size - this.limit;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
        this.start += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
        this.start += over;
      }
    }
  }

  /**
   * What a client that has everything before `from` is missing. `reset`: it lost bytes that are
   * no longer held (or named an offset that never existed), so it must clear and take it all.
   */
  since(from: number | undefined): { offset: number; reset: boolean; data: Buffer } {
    const whole = from === undefined || from < this.start || from > this.end;
    const offset = whole ? this.start : from;
    const all = Buffer.concat(this.chunks, this.size);
    return { offset, reset: whole, data: all.subarray(offset - this.start) };
  }
}
