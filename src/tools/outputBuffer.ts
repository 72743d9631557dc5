import type { Runtime } from "../runtime/types.js";
import { shq } from "./shellQuote.js";

/** What the model sees of a command's output. */
export const VIEW_MAX_BYTES = 16 * 1024;
export const VIEW_MAX_LINES = 300;
/** Head and tail kept for the view regardless of total size. */
const KEEP_CHARS = 64 * 1024;
/** Full output kept in memory up to this; beyond it, it is appended to the file as it arrives. */
export const MEMORY_LIMIT_BYTES = 10 * 1024 * 1024;
const SPILL_CHUNK_BYTES = 1024 * 1024;
/** If the command outruns the file writes, drop (and mark) output rather than grow memory. */
const SPILL_BACKLOG_BYTES = 64 * 1024 * 1024;

export interface CollectedOutput {
  output: string;
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

/**
 * Collects a command's combined output with bounded memory: the whole output up to 10 MB, and
 * always a head and a tail for the model's view. When the view is capped the full output is
 * saved to `filePath()` so the model can read the middle later.
 */
export class OutputCollector {
  private totalBytes = 0;
  private newlines = 0;
  private lastChar = "";
  private head = "";
  private tail = "";
  private full: string[] = [];
  private fullBytes = 0;
  private spilling = false;
  private fileStarted = false;
  private pending: string[] = [];
  private pendingBytes = 0;
  private droppedBytes = 0;
  private flushQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private saveError: string | undefined;
  private path: Promise<string> | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly filePath: () => Promise<string>,
  ) {}

  push(chunk: string): void {
    if (!chunk) return;
    const bytes = Buffer.byteLength(chunk);
    this.totalBytes += bytes;
    this.newlines += chunk.split("\n").length - 1;
    this.lastChar = chunk[chunk.length - 1];
    if (this.head.length < KEEP_CHARS) this.head += chunk.slice(0, KEEP_CHARS - this.head.length);
    this.tail = this.tail.length + chunk.length > KEEP_CHARS ? (this.tail + chunk).slice(-KEEP_CHARS) : this.tail + chunk;
    if (!this.spilling) {
      this.full.push(chunk);
      this.fullBytes += bytes;
      if (this.fullBytes > MEMORY_LIMIT_BYTES) {
        this.spilling = true;
        this.pending = this.full;
        this.pendingBytes = this.fullBytes;
        this.full = [];
        this.scheduleFlush();
      }
      return;
    }
    if (this.pendingBytes > SPILL_BACKLOG_BYTES) {
      this.droppedBytes += bytes;
      return;
    }
    this.noteDropped();
    this.pending.push(chunk);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= SPILL_CHUNK_BYTES) this.scheduleFlush();
  }

  private noteDropped() {
    if (this.droppedBytes === 0) return;
    this.pending.push(`\n[... ${this.droppedBytes} bytes dropped: output arrived faster than it could be saved ...]\n`);
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
      const data = this.pending.join("");
      this.pending = [];
      this.pendingBytes = 0;
      if (this.saveError || !data) return;
      try {
        const file = await this.resolvePath();
        if (!this.fileStarted) {
          this.fileStarted = true;
          await this.runtime.writeFile(file, data);
        } else {
          // The Runtime has no append; a tiny exec keeps this working over SSH too.
          const r = await this.runtime.exec(`cat >> ${shq(file)}`, { stdin: data });
          if (r.exitCode !== 0) throw new Error(`append exited with ${r.exitCode ?? r.signal}`);
        }
      } catch (err) {
        this.saveError = (err as Error).message;
      }
    });
  }

  async finish(): Promise<CollectedOutput> {
    const totalLines = this.newlines + (this.totalBytes > 0 && this.lastChar !== "\n" ? 1 : 0);
    if (this.totalBytes <= VIEW_MAX_BYTES && totalLines <= VIEW_MAX_LINES) return { output: this.full.join("") };

    if (!this.spilling) {
      this.pending = this.full;
      this.full = [];
    }
    this.noteDropped();
    this.scheduleFlush();
    await this.chain;
    const fullOutputPath = this.saveError ? undefined : await this.resolvePath();

    // Head and tail share the budget, minus room for the marker line.
    const budget = (VIEW_MAX_BYTES - 1024) / 2;
    const head = takeHead(this.head, VIEW_MAX_LINES / 2 - 1, budget);
    const tail = takeTail(this.tail, VIEW_MAX_LINES / 2 - 1, budget);
    const omittedLines = Math.max(0, totalLines - countLines(head) - countLines(tail));
    const omittedBytes = Math.max(0, this.totalBytes - Buffer.byteLength(head) - Buffer.byteLength(tail));
    const where = fullOutputPath
      ? `full output (${totalLines} lines, ${this.totalBytes} bytes) saved to ${fullOutputPath}; read it with file_read using offset/limit`
      : `full output could not be saved: ${this.saveError}`;
    const lines = omittedLines > 0 ? `${omittedLines} lines, ` : "";
    const marker = `[... ${lines}${omittedBytes} bytes omitted; ${where} ...]\n`;
    const output = (head.endsWith("\n") || head === "" ? head : `${head}\n`) + marker + tail;
    return {
      output,
      truncated: { fullOutputPath, totalBytes: this.totalBytes, totalLines, ...(this.saveError ? { saveError: this.saveError } : {}) },
    };
  }
}
