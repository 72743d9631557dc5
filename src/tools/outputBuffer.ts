import type { Runtime } from "../runtime/types.js";
import { formatBytes } from "./textFile.js";

/** What the model sees of a command's output. */
export const VIEW_MAX_BYTES = 16 * 1024;
export const VIEW_MAX_LINES = 300;
/** Head and tail kept for the view regardless of total size; output up to this size stays in memory whole. */
const KEEP_BYTES = 64 * 1024;
/** Output past the head is appended to the file in writes of about this size. */
const SPILL_CHUNK_BYTES = 1024 * 1024;
/** With this much not yet written, push() asks the runtime to pause the command's output. */
const PAUSE_BACKLOG_BYTES = 4 * 1024 * 1024;
/** If the command still outruns the file writes (a runtime that cannot pause), drop (and mark) output rather than grow memory. */
const SPILL_BACKLOG_BYTES = 16 * 1024 * 1024;
/** The saved full output stops here: a runaway `yes` must not fill the disk. */
export const MAX_SAVED_BYTES = 256 * 1024 * 1024;
/** Same heuristic as git, grep and file_read: a NUL byte near the start means binary. */
const BINARY_SNIFF_BYTES = 8192;

export interface CollectedOutput {
  output: string;
  /** The output has NUL bytes near its start: shown as its size only, saved whole. */
  binary?: boolean;
  truncated?: { fullOutputPath?: string; totalBytes: number; totalLines: number; saveError?: string };
}

function takeHead(text: string, maxLines: number, maxBytes: number): string {
  let pos = 0;
  let bytes = 0;
  for (let lines = 0; pos < text.length && lines < maxLines; lines++) {
    const nl = text.indexOf("\n", pos);
    const end = nl === -1 ? text.length : nl + 1;
    const b = Buffer.byteLength(text.slice(pos, end));
    if (bytes + b > maxBytes) {
      if (lines === 0) return Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes).toString();
      break;
    }
    bytes += b;
    pos = end;
  }
  return text.slice(0, pos);
}

function takeTail(text: string, maxLines: number, maxBytes: number): string {
  let start = text.length;
  let bytes = 0;
  for (let lines = 0; start > 0 && lines < maxLines; lines++) {
    // start - 1 is the newline ending the previous line (or the output's final newline).
    const nl = start >= 2 ? text.lastIndexOf("\n", start - 2) : -1;
    const b = Buffer.byteLength(text.slice(nl + 1, start));
    if (bytes + b > maxBytes) {
      if (lines === 0) {
        const buf = Buffer.from(text.slice(-maxBytes));
        return buf.subarray(buf.length - maxBytes).toString();
      }
      break;
    }
    bytes += b;
    start = nl + 1;
  }
  return text.slice(start);
}

const countLines = (s: string) => s.split("\n").length - 1 + (s.length > 0 && !s.endsWith("\n") ? 1 : 0);

/** Newlines in `buf`: a plain loop is several times faster than indexOf for short lines (`yes`). */
function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
  return n;
}

/** Decodes bytes cut at arbitrary offsets: a character split at the cut is dropped, not garbled. */
function decodeCut(buf: Buffer, cutAtStart: boolean): string {
  let start = 0;
  if (cutAtStart) while (start < buf.length && start < 3 && (buf[start] & 0xc0) === 0x80) start++;
  const text = buf.subarray(start).toString("utf8");
  return text.endsWith("\uFFFD") ? text.slice(0, -1) : text;
}

/**
 * Collects a command's combined output, as bytes, in bounded memory: a head and a rolling tail
 * for the model's view (the whole output while it is small), everything else streamed to
 * `filePath()` as it arrives, so the model can read the middle later. Nothing here grows with
 * the output: 50 MB of output costs about as much memory as 100 KB.
 */
export class OutputCollector {
  private totalBytes = 0;
  private newlines = 0;
  private lastByte = -1;
  private binary = false;
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  private spilling = false;
  private fileStarted = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private savedBytes = 0;
  private droppedBytes = 0;
  /** The saved output reached MAX_SAVED_BYTES: the rest is not saved. */
  private capped = false;
  private flushQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private saveError: string | undefined;
  private path: Promise<string> | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly filePath: () => Promise<string>,
  ) {}

  /** True once NUL bytes showed the output is binary. */
  get isBinary(): boolean {
    return this.binary;
  }

  /** Takes the next chunk; returns a promise when the writes fell behind: pause the output until it settles. */
  push(chunk: Buffer): Promise<void> | undefined {
    if (chunk.length === 0) return;
    if (this.totalBytes < BINARY_SNIFF_BYTES && chunk.subarray(0, BINARY_SNIFF_BYTES - this.totalBytes).includes(0)) this.binary = true;
    this.totalBytes += chunk.length;
    this.newlines += countNewlines(chunk);
    this.lastByte = chunk[chunk.length - 1];
    if (this.headBytes < KEEP_BYTES) {
      const part = chunk.subarray(0, KEEP_BYTES - this.headBytes);
      this.head.push(Buffer.from(part)); // a copy: the runtime may reuse its read buffer
      this.headBytes += part.length;
    }
    this.tail = chunk.length >= KEEP_BYTES ? Buffer.from(chunk.subarray(chunk.length - KEEP_BYTES)) : keepLast(this.tail, chunk, KEEP_BYTES);
    if (!this.spilling) {
      if (this.totalBytes <= KEEP_BYTES) return undefined; // still whole in `head`
      // Too big to keep: from here on everything goes to the file, starting with the head.
      this.spilling = true;
      this.enqueue(Buffer.concat(this.head));
      this.enqueue(chunk.subarray(chunk.length - (this.totalBytes - this.headBytes)));
    } else {
      this.enqueue(chunk);
    }
    return this.pendingBytes > PAUSE_BACKLOG_BYTES ? this.chain : undefined;
  }

  private enqueue(data: Buffer) {
    if (data.length === 0) return;
    if (this.capped || this.savedBytes + this.pendingBytes + data.length > MAX_SAVED_BYTES) {
      this.capped = true;
      return;
    }
    if (this.pendingBytes > SPILL_BACKLOG_BYTES) {
      this.droppedBytes += data.length;
      return;
    }
    this.noteDropped();
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.length;
    if (this.pendingBytes >= SPILL_CHUNK_BYTES) this.scheduleFlush();
  }

  private noteDropped() {
    if (this.droppedBytes === 0) return;
    const note = Buffer.from(`\n[... ${this.droppedBytes} bytes dropped: output arrived faster than it could be saved ...]\n`);
    this.pending.push(note);
    this.pendingBytes += note.length;
    this.droppedBytes = 0;
  }

  private resolvePath(): Promise<string> {
    this.path ??= this.filePath();
    return this.path;
  }

  private scheduleFlush() {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.chain = this.chain.then(async () => {
      this.flushQueued = false;
      const data = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      if (this.saveError || data.length === 0) return;
      try {
        const file = await this.resolvePath();
        if (!this.fileStarted) {
          this.fileStarted = true;
          await this.runtime.writeFile(file, data);
        } else {
          await this.runtime.appendFile(file, data);
        }
        this.savedBytes += data.length;
      } catch (err) {
        this.saveError = (err as Error).message;
      }
    });
  }

  async finish(): Promise<CollectedOutput> {
    const totalLines = this.newlines + (this.totalBytes > 0 && this.lastByte !== 10 ? 1 : 0);
    const small = this.totalBytes <= VIEW_MAX_BYTES && totalLines <= VIEW_MAX_LINES;
    if (small && !this.binary) return { output: Buffer.concat(this.head).toString("utf8") };

    if (!this.spilling) this.enqueue(Buffer.concat(this.head));
    this.noteDropped();
    if (this.capped) {
      this.pending.push(Buffer.from(`\n[... output after the first ${formatBytes(MAX_SAVED_BYTES)} not saved ...]\n`));
    }
    this.scheduleFlush();
    await this.chain;
    const fullOutputPath = this.saveError ? undefined : await this.resolvePath();
    const truncated = { fullOutputPath, totalBytes: this.totalBytes, totalLines, ...(this.saveError ? { saveError: this.saveError } : {}) };

    if (this.binary) {
      const where = fullOutputPath
        ? `saved to ${fullOutputPath}; inspect it with bash (e.g. \`file\`, \`xxd ${fullOutputPath} | head\`)`
        : `could not be saved: ${this.saveError}`;
      return { output: `[binary output (NUL bytes), ${formatBytes(this.totalBytes)}, not shown; ${where}]\n`, binary: true, truncated };
    }
    // Head and tail share the budget, minus room for the marker line.
    const budget = (VIEW_MAX_BYTES - 1024) / 2;
    const head = takeHead(decodeCut(Buffer.concat(this.head), false), VIEW_MAX_LINES / 2 - 1, budget);
    const tail = takeTail(decodeCut(this.tail, this.totalBytes > this.tail.length), VIEW_MAX_LINES / 2 - 1, budget);
    const omittedLines = Math.max(0, totalLines - countLines(head) - countLines(tail));
    const omittedBytes = Math.max(0, this.totalBytes - Buffer.byteLength(head) - Buffer.byteLength(tail));
    const where = fullOutputPath
      ? `full output (${totalLines} lines, ${this.totalBytes} bytes) saved to ${fullOutputPath}; read it with file_read using offset/limit`
      : `full output could not be saved: ${this.saveError}`;
    const lines = omittedLines > 0 ? `${omittedLines} lines, ` : "";
    const marker = `[... ${lines}${omittedBytes} bytes omitted; ${where} ...]\n`;
    const output = (head.endsWith("\n") || head === "" ? head : `${head}\n`) + marker + tail;
    return { output, truncated };
  }
}

/** The last `max` bytes of `kept` followed by `chunk` (chunk shorter than max). */
function keepLast(kept: Buffer, chunk: Buffer, max: number): Buffer {
  const fromKept = Math.min(kept.length, max - chunk.length);
  const out = Buffer.allocUnsafe(fromKept + chunk.length);
  kept.copy(out, 0, kept.length - fromKept);
  chunk.copy(out, fromKept);
  return out;
}
