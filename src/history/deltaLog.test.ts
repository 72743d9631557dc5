import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";
import { applyEvent, newAssistantMessage } from "../agent/reduce.js";
import { DeltaLog, readDeltaLog } from "./deltaLog.js";
import { SessionStore } from "./sessionStore.js";

let root: string;
let dir: string;
let file: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-deltalog-"));
  dir = path.join(root, "sessions", "s1");
  file = path.join(dir, "partial.jsonl");
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const ID = "a1";
const usage = { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

/** A turn as the agent emits it: two steps, reasoning, text, a tool with live output. */
function turnEvents(): AgentEvent[] {
  const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i} `);
  return [
    { type: "stream-start", messageId: ID, model: "anthropic:claude-sonnet-4-5", mode: "exec", ts: 2_000 },
    { type: "step-start", messageId: ID, step: 1 },
    ...words("think", 12).map((delta): AgentEvent => ({ type: "reasoning-delta", messageId: ID, delta })),
    ...words("say", 25).map((delta): AgentEvent => ({ type: "text-delta", messageId: ID, delta })),
    { type: "tool-call-start", messageId: ID, toolCallId: "t1", toolName: "bash" },
    { type: "tool-call-args", messageId: ID, toolCallId: "t1", toolName: "bash", args: { script: "npm test" } },
    ...words("out", 15).map((text): AgentEvent => ({ type: "tool-output", messageId: ID, toolCallId: "t1", stream: "stdout", text })),
    { type: "tool-call-end", messageId: ID, toolCallId: "t1", toolName: "bash", result: { exitCode: 0 }, isError: false, durationMs: 5 },
    { type: "usage", messageId: ID, step: 1, usage, costUsd: 0.01, totalCostUsd: 0.01 },
    { type: "step-start", messageId: ID, step: 2 },
    ...words("done", 40).map((delta): AgentEvent => ({ type: "text-delta", messageId: ID, delta: `"é\n${delta}` })),
  ];
}

/**
 * Streams `events` into a live message (as the agent folds them) and a log, flushing every
 * `every` events as the turn's timer would; returns the message as each flush saw it.
 */
async function stream(log: DeltaLog, events: AgentEvent[], every: number) {
  const message = newAssistantMessage(ID, 2_000);
  const flushed: ChatMessage[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < events.length; i++) {
    applyEvent(message, events[i]);
    log.record(events[i], message);
    if ((i + 1) % every === 0) {
      log.flush(message);
      flushed.push(structuredClone(message));
      await log.settled();
      sizes.push(fs.statSync(file).size);
    }
  }
  return { message, flushed, sizes };
}

describe("DeltaLog", () => {
  it("recovers exactly the message as it stood at the last flush", async () => {
    const log = new DeltaLog(file);
    const events = turnEvents();
    const { flushed } = await stream(log, events, 7);
    expect(flushed.length).toBeGreaterThan(10);
    // Events after the last flush (if any) are not on disk; everything up to it is.
    expect(readDeltaLog(file)).toEqual({ message: flushed.at(-1), warnings: [] });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("appends deltas between compactions, and compacts when a step ends or a part begins", async () => {
    const log = new DeltaLog(file);
    const events = turnEvents();
    const message = newAssistantMessage(ID, 2_000);
    const lineCounts: { type: string; lines: number; parts: number }[] = [];
    for (const e of events) {
      applyEvent(message, e);
      log.record(e, message);
      log.flush(message);
      await log.settled();
      lineCounts.push({ type: e.type, lines: fs.readFileSync(file, "utf8").split("\n").length - 1, parts: message.parts.length });
    }
    // Every change other than a delta to a part already there rewrote the log as one line.
    for (const [i, { type, lines, parts }] of lineCounts.entries()) {
      const newPart = i === 0 || parts !== lineCounts[i - 1].parts;
      if (!["text-delta", "reasoning-delta", "tool-output"].includes(type) || newPart) expect(lines, `event ${i} (${type})`).toBe(1);
      else expect(lines, `event ${i} (${type})`).toBe(lineCounts[i - 1].lines + 1);
    }
    // The first line is the message as the last compaction saw it: the second step's first delta.
    const first = JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0]).message as ChatMessage;
    expect(first.parts.slice(-2)).toEqual([{ type: "step-start" }, { type: "text", text: '"é\ndone0 ' }]);
    expect(readDeltaLog(file).message).toEqual(message);
  });

  it("keeps the log open between compactions only: a cleared log holds no file descriptor", async () => {
    const open = () => fs.readdirSync("/proc/self/fd").length;
    const before = open();
    const log = new DeltaLog(file);
    const { message } = await stream(log, turnEvents(), 3);
    expect(readDeltaLog(file).message?.parts.length).toBe(message.parts.length);
    expect(open()).toBe(before + 1);
    log.clear();
    await log.settled();
    // fs.close runs in the background.
    for (let i = 0; i < 50 && open() > before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(open()).toBe(before);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("joins consecutive deltas of one stream into one line per flush", async () => {
    const log = new DeltaLog(file);
    const message = newAssistantMessage(ID, 2_000);
    const first: AgentEvent = { type: "text-delta", messageId: ID, delta: "a" };
    applyEvent(message, first);
    log.record(first, message);
    log.flush(message);
    for (const delta of ["b", "c", "d"]) {
      const e: AgentEvent = { type: "text-delta", messageId: ID, delta };
      applyEvent(message, e);
      log.record(e, message);
    }
    log.flush(message);
    await log.settled();
    const lines = fs.readFileSync(file, "utf8").split("\n");
    expect(lines.slice(1)).toEqual([JSON.stringify({ type: "text-delta", messageId: ID, delta: "bcd" }), ""]);
    expect(readDeltaLog(file).message?.parts).toEqual([{ type: "text", text: "abcd" }]);
  });

  it("skips a torn last line: the answer up to the flush before it", async () => {
    const log = new DeltaLog(file);
    const { flushed } = await stream(log, turnEvents(), 5);
    fs.appendFileSync(file, `{"type":"text-delta","messageId":"${ID}","delta":"lost`);
    expect(readDeltaLog(file)).toEqual({ message: flushed.at(-1), warnings: [] });
  });

  it("a kill mid-append at any byte recovers the answer of a flush, never a torn or joined one", async () => {
    const log = new DeltaLog(file);
    const events = turnEvents();
    const { flushed } = await stream(log, events.slice(0, 3 + 12 + 8), 1);
    const full = fs.readFileSync(file);
    const firstLineEnd = full.indexOf(0x0a) + 1;
    const copy = path.join(root, "copy.jsonl");
    const seen = new Set<number>();
    for (let cut = firstLineEnd; cut <= full.length; cut++) {
      fs.writeFileSync(copy, full.subarray(0, cut));
      const read = readDeltaLog(copy);
      expect(read.warnings, `cut at ${cut}`).toEqual([]);
      const at = flushed.findIndex((m) => isDeepStrictEqual(m, read.message));
      expect(at, `cut at ${cut}`).toBeGreaterThanOrEqual(0);
      seen.add(at);
    }
    // Each flush since the last compaction was a point the log could be cut at.
    expect(seen.size).toBe(full.subarray(firstLineEnd).toString().split("\n").length);
  });

  it("stops at an unreadable line before the end, with a warning", async () => {
    const log = new DeltaLog(file);
    await stream(log, turnEvents().slice(0, 4), 1);
    const before = readDeltaLog(file).message;
    fs.appendFileSync(file, "{ not json\n");
    fs.appendFileSync(file, `${JSON.stringify({ type: "text-delta", messageId: ID, delta: "after" })}\n`);
    const read = readDeltaLog(file);
    expect(read.message).toEqual(before);
    expect(read.warnings).toEqual([expect.stringContaining(`${file}:`)]);
  });

  it("an unreadable first line is no message, with a warning; no log is nothing", () => {
    expect(readDeltaLog(file)).toEqual({ warnings: [] });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, '{"message":{"id":"a1","ro');
    expect(readDeltaLog(file)).toEqual({ warnings: [expect.stringContaining("skipped unreadable partial message")] });
  });

  it("clear while a write runs leaves no log behind; the next flush starts a new one", async () => {
    const log = new DeltaLog(file);
    const message = newAssistantMessage(ID, 2_000);
    applyEvent(message, { type: "text-delta", messageId: ID, delta: "one" });
    log.flush(message);
    log.clear();
    await log.settled();
    expect(fs.readdirSync(dir)).toEqual([]);
    applyEvent(message, { type: "text-delta", messageId: ID, delta: " two" });
    log.record({ type: "text-delta", messageId: ID, delta: " two" }, message);
    log.flush(message);
    await log.settled();
    expect(readDeltaLog(file).message?.parts).toEqual([{ type: "text", text: "one two" }]);
  });
});

describe("SessionStore with a delta log", () => {
  async function crashMidStream(): Promise<{ store: SessionStore; flushed: ChatMessage }> {
    const store = new SessionStore(dir);
    store.append({ id: "u1", role: "user", createdAt: 1_000, parts: [{ type: "text", text: "hi" }] });
    const message = newAssistantMessage(ID, 2_000);
    let flushed = message;
    for (const [i, e] of turnEvents().slice(0, 45).entries()) {
      applyEvent(message, e);
      store.recordPartial(e, message);
      if (i % 4 === 3) {
        store.savePartial(message);
        flushed = structuredClone(message);
      }
    }
    await store.flushPartial();
    expect(fs.existsSync(store.partialFile)).toBe(false); // Mux's own chat: the log only
    return { store, flushed };
  }

  it("recovers the logged answer as interrupted, once, and removes the log", async () => {
    const { store, flushed } = await crashMidStream();
    expect(store.hasPartial()).toBe(true);
    const loaded = new SessionStore(dir).load();
    expect(loaded.warnings).toEqual([]);
    expect(loaded.messages.map((m) => m.id)).toEqual(["u1", ID]);
    const recovered = loaded.recovered!;
    expect(recovered.metadata?.status).toBe("interrupted");
    expect(recovered.parts.slice(0, -1)).toEqual(flushed.parts.slice(0, -1));
    expect(recovered.parts.at(-1)).toMatchObject({ type: "tool", state: "error", output: { error: expect.stringContaining("interrupted") } });
    expect(fs.existsSync(store.deltaLogFile)).toBe(false);
    expect(new SessionStore(dir).load().messages.map((m) => m.metadata?.status ?? m.role)).toEqual(["user", "interrupted"]);
  });

  it("leaves a live log alone when asked not to recover (another process is streaming)", async () => {
    const { store } = await crashMidStream();
    expect(new SessionStore(dir).load({ recover: false }).messages.map((m) => m.id)).toEqual(["u1"]);
    expect(fs.existsSync(store.deltaLogFile)).toBe(true);
  });

  it("clearPartial at the end of a turn leaves no log", async () => {
    const { store } = await crashMidStream();
    store.clearPartial();
    await store.flushPartial();
    expect(store.hasPartial()).toBe(false);
  });
});
