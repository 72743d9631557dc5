import * as fs from "node:fs";
import * as path from "node:path";
import type { ChatMessage } from "../../agent/messages.js";
import { isOriginalMessage, isRecord, type OriginalMessage } from "./shape.js";
import { messageToNative } from "./toNative.js";
import { messageToOriginal } from "./toOriginal.js";
import { parseChatLine } from "../parseLine.js";

/** Where the original moves the history before its latest compaction (read before chat.jsonl). */
export const ARCHIVE_FILE = "chat-archive.jsonl";

/** The original's workspace ids: 10 hex digits. A chat not started yet there is written its way. */
const ORIGINAL_ID = /^[0-9a-f]{10}$/;

export interface ChatLine {
  file: string;
  line: number;
  text: string;
}

export interface OriginalLoad {
  messages: ChatMessage[];
  warnings: string[];
}

function sequenceOf(m: OriginalMessage): number | undefined {
  const s = m.metadata?.historySequence;
  return typeof s === "number" && Number.isInteger(s) && s >= 0 ? s : undefined;
}

/** Worth keeping as the original judges it: some text, a file, or a tool call that returned. */
function commitWorthy(m: OriginalMessage): boolean {
  return m.parts.some(
    (p) =>
      isRecord(p) &&
      (((p.type === "text" || p.type === "reasoning") && typeof p.text === "string" && p.text.trim() !== "") ||
        p.type === "file" ||
        (p.type === "dynamic-tool" && p.state === "output-available")),
  );
}

/**
 * A chat in the original Mux's format, read and continued in that format: its lines are never
 * rewritten, Mux's turns are appended as lines the original app reads (historySequence above
 * every earlier one), and its partial.json — an answer it was writing when it stopped — is shown
 * as interrupted, then committed to chat.jsonl (as the original does before its own next turn)
 * just before Mux appends the first line of a new turn.
 */
export class OriginalChat {
  private nextSequence = 0;
  private readonly sequences = new Map<string, number>();
  /** The partial.json to commit before the next line is appended. */
  private pendingPartial: OriginalMessage | undefined;

  constructor(
    private readonly dir: string,
    private readonly partialFile: string,
  ) {}

  /**
   * Whether the chat in `dir` is (or, not started yet, should be) in the original's format: its
   * first readable message, else its partial.json or archive, else an original-style workspace id.
   */
  static detect(dir: string, firstMessage: unknown, partial: unknown): boolean {
    if (firstMessage !== undefined) return isOriginalMessage(firstMessage);
    if (partial !== undefined) return isOriginalMessage(partial);
    return fs.existsSync(path.join(dir, ARCHIVE_FILE)) || ORIGINAL_ID.test(path.basename(dir));
  }

  private note(m: OriginalMessage): void {
    const s = sequenceOf(m);
    if (s === undefined) return;
    this.sequences.set(m.id, s);
    this.nextSequence = Math.max(this.nextSequence, s + 1);
  }

  /** The messages of `lines` (archive first), and the partial answer shown as interrupted when `recover`. */
  load(lines: ChatLine[], partial: unknown, recover: boolean): OriginalLoad {
    const warnings: string[] = [];
    const byId = new Map<string, ChatMessage>();
    for (const { file, line, text } of lines) {
      try {
        const value: unknown = parseChatLine(text);
        if (!isOriginalMessage(value)) throw new Error("not a message of the original Mux's format");
        this.note(value);
        byId.set(value.id, messageToNative(value)); // a message the original rewrote replaces its older copy
      } catch (err) {
        warnings.push(`${file}:${line}: skipped unreadable entry (${(err as Error).message.split("\n")[0]})`);
      }
    }
    this.pendingPartial = undefined;
    if (partial !== undefined && isOriginalMessage(partial)) {
      const s = sequenceOf(partial);
      // A partial older than the last line is stale: the original deletes it unshown, and so is it left here.
      const stale = s !== undefined && s < this.nextSequence && ![...this.sequences.values()].includes(s);
      if (recover && !stale && !byId.has(partial.id)) {
        try {
          byId.set(partial.id, messageToNative(partial, { interrupted: true }));
          this.note(partial);
          this.pendingPartial = partial;
        } catch (err) {
          warnings.push(`${this.partialFile}: skipped unreadable partial message (${(err as Error).message.split("\n")[0]})`);
        }
      }
    } else if (partial !== undefined) {
      warnings.push(`${this.partialFile}: left as it is: not a message of the original Mux's format`);
    }
    return { messages: [...byId.values()], warnings };
  }

  private sequenceFor(id: string): number {
    let s = this.sequences.get(id);
    if (s === undefined) {
      s = this.nextSequence++;
      this.sequences.set(id, s);
    }
    return s;
  }

  /** The line (or partial.json content) for one of Mux's messages. */
  serialize(message: ChatMessage, partial = false): string {
    const line = messageToOriginal(message, { historySequence: this.sequenceFor(message.id), workspaceId: path.basename(this.dir), partial });
    return JSON.stringify(line);
  }

  /**
   * Before Mux appends: the original's interrupted answer, to go into chat.jsonl first (if it
   * holds anything worth keeping), as the original itself does before a new turn. Once it is
   * written, partialCommitted() removes partial.json.
   */
  pendingPartialLine(): string | undefined {
    const partial = this.pendingPartial;
    if (!partial || !commitWorthy(partial)) return undefined;
    const historySequence = sequenceOf(partial) ?? this.sequenceFor(partial.id);
    return JSON.stringify({
      ...partial,
      metadata: { ...partial.metadata, historySequence, partial: true },
      workspaceId: partial.workspaceId ?? path.basename(this.dir),
    });
  }

  partialCommitted(): void {
    if (!this.pendingPartial) return;
    this.pendingPartial = undefined;
    fs.rmSync(this.partialFile, { force: true });
  }
}
