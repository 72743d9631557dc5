import { formatBytes } from "./textFile.js";

type Stream = "stdout" | "stderr";

/** Updates go out at most this often, each with at most this much text (the latest). */
export const LIVE_INTERVAL_MS = 100;
export const LIVE_MAX_CHARS = 16 * 1024;
/** After this much live text from one command, updates slow down to a glimpse of its tail. */
export const LIVE_BUDGET_CHARS = 1024 * 1024;
const SLOW_INTERVAL_MS = 1000;
const SLOW_MAX_CHARS = 2 * 1024;

/**
 * A running command's output as the user watches it (CLI, web app), bounded whatever the
 * command prints: output is coalesced into at most one update per interval, an update carries
 * only the latest text when more arrived (with a note of how much was skipped), and a command
 * that keeps flooding gets rarer, smaller updates. Every update becomes an event the server keeps
 * for the turn and a line in `--json` output, so this bounds those too. What the model gets is
 * not affected: that is the OutputCollector's head, tail and saved file.
 */
export class LiveOutput {
  private runs: { stream: Stream; text: string }[] = [];
  private pendingChars = 0;
  private skippedChars = 0;
  private sentChars = 0;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private atLineStart = true;
  private binary = false;

  constructor(
    private readonly emit: (stream: Stream, text: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  private get slow(): boolean {
    return this.sentChars >= LIVE_BUDGET_CHARS;
  }

  push(stream: Stream, text: string): void {
    if (this.binary || !text) return;
    const last = this.runs[this.runs.length - 1];
    if (last?.stream === stream) last.text += text;
    else this.runs.push({ stream, text });
    this.pendingChars += text.length;
    const max = this.slow ? SLOW_MAX_CHARS : LIVE_MAX_CHARS;
    if (this.pendingChars > 2 * max) this.keepLast(max);
    this.schedule();
  }

  /** The output turned out binary: say so once instead of streaming bytes nobody can read. */
  markBinary(): void {
    if (this.binary) return;
    this.binary = true;
    this.runs = [];
    this.pendingChars = 0;
    this.send("stdout", "[binary output (NUL bytes): not shown]\n");
  }

  /** Sends what is still pending; call before the command's result is reported. */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = (this.slow ? SLOW_INTERVAL_MS : LIVE_INTERVAL_MS) - (this.now() - this.lastEmitAt);
    if (wait <= 0) this.flush();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, wait);
      this.timer.unref?.();
    }
  }

  /** Drops the oldest pending text until at most `max` characters are left. */
  private keepLast(max: number): void {
    while (this.pendingChars > max && this.runs.length) {
      const first = this.runs[0];
      const excess = this.pendingChars - max;
      if (first.text.length <= excess) {
        this.runs.shift();
        this.pendingChars -= first.text.length;
        this.skippedChars += first.text.length;
      } else {
        first.text = first.text.slice(excess);
        this.pendingChars -= excess;
        this.skippedChars += excess;
      }
    }
  }

  private flush(): void {
    if (!this.runs.length) return;
    this.keepLast(this.slow ? SLOW_MAX_CHARS : LIVE_MAX_CHARS);
    if (this.skippedChars > 0) {
      this.send("stdout", `${this.atLineStart ? "" : "\n"}[... ${formatBytes(this.skippedChars)} of output not shown live ...]\n`);
      this.skippedChars = 0;
    }
    for (const r of this.runs) this.send(r.stream, r.text);
    this.runs = [];
    this.pendingChars = 0;
    this.lastEmitAt = this.now();
  }

  private send(stream: Stream, text: string): void {
    this.sentChars += text.length;
    this.atLineStart = text.endsWith("\n");
    this.emit(stream, text);
  }
}
