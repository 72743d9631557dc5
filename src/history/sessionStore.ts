import * as fs from "node:fs";
import * as path from "node:path";
import type { AgentEvent } from "../agent/events.js";
import { type ChatMessage, ChatMessageSchema } from "../agent/messages.js";
import { settleOpenTools } from "../agent/reduce.js";
import { DELTA_LOG_FILE, DeltaLog, readDeltaLog } from "./deltaLog.js";
import { ARCHIVE_FILE, type ChatLine, OriginalChat } from "./original/originalChat.js";
import { parseChatLine } from "./parseLine.js";
import { asParsed } from "../common/asParsed.js";
import { removeFile } from "../common/removeFile.js";

/** The non-empty lines of a JSONL file (none when it does not exist), numbered from 1. */
function readLines(file: string): ChatLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return text.split("\n").flatMap((t, i) => (t.trim() ? [{ file, line: i + 1, text: t }] : []));
}

/** The first line that parses as JSON: what decides the chat's format. */
function firstJson(lines: ChatLine[]): unknown {
  for (const { text } of lines) {
    try {
      return JSON.parse(text);
    } catch {}
  }
  return undefined;
}

export interface LoadedSession {
  messages: ChatMessage[];
  /** Lines that could not be read (torn by a crash, or corrupt); skipped, never fatal. */
  warnings: string[];
  /** An in-flight assistant message that a crash left behind, now stored as interrupted. */
  recovered?: ChatMessage;
}

/**
 * One conversation on disk: `chat.jsonl` is append-only (one finished message per line) and
 * `partial.jsonl` logs the message being streamed (see deltaLog.ts). A kill at any instant loses
 * at most the deltas since the last flush; the next load recovers the rest.
 *
 * A chat in the original Mux's format streams into the same log; the next load after a crash
 * turns what the log holds into the original's `partial.json` (the answer as the original app
 * writes and reads it), so both apps show it as interrupted. Until then the original app shows
 * the chat without that answer. `partial.json` is also read for Mux's own chats: a version
 * before the delta log left it.
 */
export class SessionStore {
  readonly chatFile: string;
  readonly partialFile: string;
  readonly deltaLogFile: string;
  private readonly deltaLog: DeltaLog;

  constructor(readonly dir: string) {
    this.chatFile = path.join(dir, "chat.jsonl");
    this.partialFile = path.join(dir, "partial.json");
    this.deltaLogFile = path.join(dir, DELTA_LOG_FILE);
    this.deltaLog = new DeltaLog(this.deltaLogFile);
  }

  static forSession(sessionsRoot: string, id: string): SessionStore {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`invalid session id "${id}"`);
    return new SessionStore(path.join(sessionsRoot, id));
  }

  exists(): boolean {
    return fs.existsSync(this.chatFile) || this.hasPartial();
  }

  /** Whether an answer in progress is on disk (streaming elsewhere, or left by a crash). */
  hasPartial(): boolean {
    return fs.existsSync(this.deltaLogFile) || fs.existsSync(this.partialFile);
  }

  /**
   * The chat in the original Mux's format (see original/originalChat.ts), or null for Mux's own;
   * known once the chat was loaded (a new chat is Mux's own unless its id is the original's).
   */
  private original: OriginalChat | null | undefined;

  /**
   * The chat, with a partial message left by a crash recovered (appended as interrupted) —
   * unless `recover` is false: while another process is running a turn, its partial is live.
   * A chat in the original's format is read as it is and its partial shown as interrupted; the
   * files stay untouched until the next append.
   */
  load({ recover = true }: { recover?: boolean } = {}): LoadedSession {
    const chatLines = readLines(this.chatFile);
    let partialValue = this.readPartialJson();
    const first = firstJson(chatLines);
    this.original = OriginalChat.detect(this.dir, first, partialValue?.value) ? new OriginalChat(this.dir, this.partialFile) : null;
    if (this.original) {
      const lines = [...readLines(path.join(this.dir, ARCHIVE_FILE)), ...chatLines];
      const logged = recover ? readDeltaLog(this.deltaLogFile) : undefined;
      const answer = logged?.message;
      // An answer a killed Mux left in its log becomes the original's partial.json, as the
      // original would have left it: from here on both apps show it the same way. (Loading the
      // lines first numbers it after them; one already in chat.jsonl was saved whole.)
      if (answer && !this.original.load(lines, undefined, false).messages.some((m) => m.id === answer.id)) {
        this.writePartial(answer);
        partialValue = this.readPartialJson();
      }
      if (logged) removeFile(this.deltaLogFile);
      const loaded = this.original.load(lines, partialValue?.value, recover);
      if (partialValue?.error) loaded.warnings.push(partialValue.error);
      loaded.warnings.push(...(logged?.warnings ?? []));
      return loaded;
    }
    const warnings: string[] = [];
    const byId = new Map<string, ChatMessage>();
    for (const { file, line, text } of chatLines) {
      try {
        const parsed = asParsed(ChatMessageSchema, parseChatLine(text));
        byId.set(parsed.id, parsed); // a message re-appended after recovery replaces the older copy
      } catch (err) {
        warnings.push(`${file}:${line}: skipped unreadable entry (${(err as Error).message.split("\n")[0]})`);
      }
    }
    const loaded: LoadedSession = { messages: [...byId.values()], warnings };
    if (!recover) return loaded;
    const logged = readDeltaLog(this.deltaLogFile);
    warnings.push(...logged.warnings);
    const partial = logged.message ?? this.parsePartial(partialValue, warnings);
    if (partial && !byId.has(partial.id)) {
      const meta = (partial.metadata ??= {});
      meta.status = "interrupted";
      settleOpenTools(partial, "interrupted: Mux stopped while this tool was running");
      this.append(partial);
      loaded.messages.push(partial);
      loaded.recovered = partial;
    }
    this.clearPartial();
    return loaded;
  }

  /** partial.json parsed as JSON (undefined when there is none), or why it could not be. */
  private readPartialJson(): { value?: unknown; error?: string } | undefined {
    let raw: string;
    try {
      raw = fs.readFileSync(this.partialFile, "utf8");
    } catch {
      return undefined;
    }
    try {
      return { value: JSON.parse(raw) };
    } catch (err) {
      return { error: `${this.partialFile}: skipped unreadable partial message (${(err as Error).message.split("\n")[0]})` };
    }
  }

  private parsePartial(partial: { value?: unknown; error?: string } | undefined, warnings: string[]): ChatMessage | undefined {
    if (!partial) return undefined;
    if (partial.error) {
      warnings.push(partial.error);
      return undefined;
    }
    try {
      return ChatMessageSchema.parse(partial.value);
    } catch (err) {
      warnings.push(`${this.partialFile}: skipped unreadable partial message (${(err as Error).message.split("\n")[0]})`);
      return undefined;
    }
  }

  /** The chat's format, reading it first if this store has not yet. */
  private format(): OriginalChat | null {
    if (this.original === undefined) this.load({ recover: false });
    return this.original ?? null;
  }

  /** A message as a line of this chat's format. */
  private serialize(message: ChatMessage, partial = false): string {
    return this.format()?.serialize(message, partial) ?? JSON.stringify(message);
  }

  /**
   * Copies the finished messages into a new session (a forked workspace's), each marked as
   * inherited from `from`: the fork shows the history, while its cost stays the source's.
   * A message already inherited keeps its origin. Lines that cannot be read are copied as they are.
   * A chat in the original's format stays in it (its archived history first).
   */
  copyAsInherited(target: SessionStore, from: string): void {
    const source = [...readLines(path.join(this.dir, ARCHIVE_FILE)), ...readLines(this.chatFile)];
    if (!source.length && !fs.existsSync(this.chatFile)) return;
    const lines = source.map(({ text: line }) => {
      try {
        const message = JSON.parse(line) as ChatMessage;
        message.metadata = { ...message.metadata, inheritedFrom: message.metadata?.inheritedFrom ?? from };
        return JSON.stringify(message);
      } catch {
        return line;
      }
    });
    fs.mkdirSync(target.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(target.chatFile, lines.length ? `${lines.join("\n")}\n` : "", { mode: 0o600 });
  }

  /** Appends one finished message; a single write, so a crash can only tear this line. */
  append(message: ChatMessage): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const serialized = this.serialize(message);
    // The original's interrupted answer is committed before the first line Mux adds after it.
    const partial = this.original?.pendingPartialLine();
    // A crash mid-append leaves a line without its newline: this line must not join it. Checked
    // on the file itself, so it holds whether or not this store loaded the session first.
    const line = `${this.endsMidLine() ? "\n" : ""}${partial ? `${partial}\n` : ""}${serialized}\n`;
    fs.appendFileSync(this.chatFile, line, { mode: 0o600 });
    this.original?.partialCommitted();
  }

  /** True when chat.jsonl is non-empty and its last byte is not a newline. */
  private endsMidLine(): boolean {
    let fd: number;
    try {
      fd = fs.openSync(this.chatFile, "r");
    } catch {
      return false;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) return false;
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      return last[0] !== 0x0a;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes partial.json (temp file + rename: never torn), in the chat's format. */
  writePartial(message: ChatMessage): void {
    const tmp = `${this.partialFile}.tmp`;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, this.serialize(message, true), { mode: 0o600 });
    fs.renameSync(tmp, this.partialFile);
  }

  /** Notes an event of the answer being streamed (`message`, with the event applied). */
  recordPartial(event: AgentEvent, message: ChatMessage): void {
    this.deltaLog.record(event, message);
  }

  /** Puts what was streamed since the last call on disk, in the background (see DeltaLog). */
  savePartial(message: ChatMessage): void {
    this.deltaLog.flush(message);
  }

  /** Resolves once every write of the answer in progress asked for so far is done. */
  flushPartial(): Promise<void> {
    return this.deltaLog.settled();
  }

  clearPartial(): void {
    removeFile(this.partialFile);
    this.deltaLog.clear();
  }
}
