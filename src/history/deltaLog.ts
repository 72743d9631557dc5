import * as fs from "node:fs";
import * as path from "node:path";
import type { AgentEvent, AgentEventOf } from "../agent/events.js";
import { type ChatMessage, ChatMessageSchema } from "../agent/messages.js";
import { applyEvent, type DeltaEvent, isDeltaEvent } from "../agent/reduce.js";
import { removeFile, removeFileLater } from "../common/removeFile.js";

/** The log of the answer being streamed, beside chat.jsonl. */
export const DELTA_LOG_FILE = "partial.jsonl";

/** The same delta stream: two in a row fold into one (their texts joined). */
function sameStream(a: DeltaEvent, b: DeltaEvent): boolean {
  if (a.type !== b.type || a.messageId !== b.messageId) return false;
  return a.type !== "tool-output" || (b.type === "tool-output" && a.toolCallId === b.toolCallId && a.stream === b.stream);
}

/** A write: a compaction (the log replaced by `compact`), then the deltas `append`. */
type Write = { compact?: string; append: string };
type Job = Write | { remove: true };

/**
 * The answer being streamed, on disk as a log: its first line is the message as it stood at the
 * last compaction (`{"message":…}`), each later line a delta streamed since (an event as the
 * agent emitted it; consecutive ones of the same stream joined). A flush (the turn calls it at
 * most every 100 ms) appends what was streamed since the one before: its cost grows with that,
 * not with the whole message. Whatever else changed the message — a new part, a tool's state,
 * usage, a retry — makes the next flush compact instead: the log is replaced (temp file +
 * rename) by the message as it stands, which happens about once per step.
 *
 * Writes run in the background, one at a time, in order. A kill at any instant leaves the log as
 * of some flush, its last line possibly torn; reading skips a torn last line.
 */
export class DeltaLog {
  private readonly tmp: string;
  /** Deltas since the last flush, in order. */
  private pending: DeltaEvent[] = [];
  /** The next flush must compact (first flush, a change other than a delta, a failed write). */
  private mustCompact = true;
  /** The message's part count at the last flush: a new part since means a compaction. */
  private partsAtFlush = 0;
  private writing = false;
  /**
   * The log, open for appending from the first append after a compaction until the next one
   * (which replaces the file) or the end: one write per flush instead of an open, a write and a
   * close.
   */
  private fd: number | undefined;
  private queued: Job | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly file: string) {
    this.tmp = `${file}.tmp`;
  }

  /** Notes one event of the message being streamed (`message` has it applied already). */
  record(event: AgentEvent, message: ChatMessage): void {
    if (!isDeltaEvent(event) || event.messageId !== message.id) {
      this.mustCompact = true;
      this.pending = [];
      return;
    }
    if (this.mustCompact) return; // the compaction will hold it
    const last = this.pending.at(-1);
    // `pending` holds copies of the events: the texts are joined in place.
    if (!last || !sameStream(last, event)) this.pending.push({ ...event });
    else if (last.type === "tool-output") last.text += (event as AgentEventOf<"tool-output">).text;
    else last.delta += (event as AgentEventOf<"text-delta">).delta;
  }

  /** Puts what was streamed since the last flush on disk (in the background). */
  flush(message: ChatMessage): void {
    if (this.mustCompact || message.parts.length !== this.partsAtFlush) {
      this.mustCompact = false;
      this.pending = [];
      this.partsAtFlush = message.parts.length;
      this.enqueue({ compact: `${JSON.stringify({ message })}\n`, append: "" });
      return;
    }
    if (!this.pending.length) return;
    let lines = "";
    for (const e of this.pending) lines += `${JSON.stringify(e)}\n`;
    this.pending = [];
    this.enqueue({ append: lines });
  }

  /** Removes the log (once a write still running is done); the next flush starts it anew. */
  clear(): void {
    this.pending = [];
    this.mustCompact = true;
    this.partsAtFlush = 0;
    if (this.writing) this.queued = { remove: true };
    else {
      this.close();
      removeFile(this.file);
    }
  }

  /** Resolves once every write asked for so far is done. */
  settled(): Promise<void> {
    return this.writing ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  private enqueue(job: Write): void {
    const q = this.queued;
    // A compaction makes whatever waits before it moot; deltas join the write that waits.
    if (q && job.compact === undefined && !("remove" in q)) q.append += job.append;
    else this.queued = job;
    if (!this.writing) this.next();
  }

  private next(): void {
    const job = this.queued;
    this.queued = null;
    if (!job) {
      this.writing = false;
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    this.writing = true;
    const done = (err: NodeJS.ErrnoException | null) => {
      if (err) {
        // A write that failed may have left part of a line: the next flush rewrites the log,
        // and deltas queued meanwhile (which would follow that part) wait for it.
        this.mustCompact = true;
        this.close();
        if (this.queued && !("remove" in this.queued) && this.queued.compact === undefined) this.queued = null;
      }
      this.next();
    };
    // Callbacks, not fs.promises: with many chats streaming this runs hundreds of times a second.
    if ("remove" in job) {
      this.close();
      removeFileLater(this.file, done);
    } else if (job.compact === undefined) this.append(Buffer.from(job.append), done);
    else {
      this.close();
      this.replace(job.compact + job.append, true, done);
    }
  }

  private append(bytes: Buffer, done: (err: NodeJS.ErrnoException | null) => void): void {
    const fd = this.fd;
    if (fd === undefined) {
      fs.open(this.file, "a", 0o600, (err, opened) => {
        if (err) return done(err);
        this.fd = opened;
        this.append(bytes, done);
      });
      return;
    }
    fs.write(fd, bytes, 0, bytes.length, null, (err, written) => {
      if (err || written === bytes.length) done(err);
      else this.append(bytes.subarray(written), done);
    });
  }

  private close(): void {
    if (this.fd !== undefined) fs.close(this.fd, () => {});
    this.fd = undefined;
  }

  private replace(text: string, retry: boolean, done: (err: NodeJS.ErrnoException | null) => void): void {
    fs.writeFile(this.tmp, text, { mode: 0o600 }, (err) => {
      if (err?.code === "ENOENT" && retry) {
        // Flushes are frequent: the directory is only created when it is missing.
        fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 }, () => this.replace(text, false, done));
      } else if (err) done(err);
      else fs.rename(this.tmp, this.file, done);
    });
  }
}

export interface DeltaLogRead {
  /** The message as far as the log goes; undefined when there is no log or it cannot be read. */
  message?: ChatMessage;
  warnings: string[];
}

/**
 * The message a delta log holds: its compacted message with every delta after it applied, up to
 * a torn last line (a kill mid-append), which is skipped. A line that cannot be read before the
 * end stops the replay there, with a warning: what follows it would not join up.
 */
export function readDeltaLog(file: string): DeltaLogRead {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { warnings: [] };
    throw err;
  }
  const lines = text.split("\n");
  // The text after the last newline is a line whose append a kill cut short (or nothing); the
  // first line alone is read as it is (a compaction is written whole, then renamed).
  const torn = lines.pop() ?? "";
  const unreadable = (line: number, why: string) => `${file}:${line}: ${why}`;
  let message: ChatMessage;
  try {
    message = ChatMessageSchema.parse((JSON.parse(lines[0] ?? torn) as { message?: unknown }).message);
  } catch (err) {
    return { warnings: [unreadable(1, `skipped unreadable partial message (${(err as Error).message.split("\n")[0]})`)] };
  }
  const warnings: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    let event: AgentEvent;
    try {
      event = JSON.parse(lines[i]) as AgentEvent;
      if (!isDeltaEvent(event) || event.messageId !== message.id || typeof (event.type === "tool-output" ? event.text : event.delta) !== "string") {
        throw new Error("not a delta of this message");
      }
    } catch (err) {
      warnings.push(unreadable(i + 1, `recovered the answer up to here; the rest is unreadable (${(err as Error).message.split("\n")[0]})`));
      break;
    }
    applyEvent(message, event);
  }
  return { message, warnings };
}
