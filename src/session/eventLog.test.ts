import { describe, expect, it } from "vitest";
import { type AgentEvent, emptyUsage } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";
import type { ChatItem } from "../api/schemas.js";
import { AsyncQueue } from "./asyncQueue.js";
import { ChatLog } from "./eventLog.js";

const delta = (text: string): AgentEvent => ({ type: "text-delta", messageId: "m", delta: text });
const snapshotState = () => ({ messages: [], hasMore: false, streaming: null, totalMessages: 0 });

/** Drains what a subscription has queued so far (without waiting for more). */
async function drain(q: AsyncQueue<ChatItem>, count: number): Promise<ChatItem[]> {
  const out: ChatItem[] = [];
  for (let i = 0; i < count; i++) out.push((await q.next()).value as ChatItem);
  return out;
}

describe("ChatLog", () => {
  it("numbers items from the creation time in microseconds, one by one", () => {
    const log = new ChatLog(snapshotState, 100, 1_000);
    expect(log.seq).toBe(1_000_000);
    log.pushEvent(delta("a"));
    log.pushEvent(delta("b"));
    expect(log.seq).toBe(1_000_002);
  });

  it("without a cursor: snapshot, caught-up, then live items", async () => {
    const log = new ChatLog(snapshotState, 100, 1);
    log.pushEvent(delta("old"));
    const q = log.subscribe(undefined);
    log.pushEvent(delta("new"));
    const items = await drain(q, 3);
    expect(items.map((i) => i.type)).toEqual(["snapshot", "caught-up", "event"]);
    expect(items[0].seq).toBe(1001);
    expect(items[1].seq).toBe(1001);
    expect(items[2]).toMatchObject({ seq: 1002, event: { delta: "new" } });
  });

  it("with a cursor it still holds: exactly the items after it, caught-up, then live", async () => {
    const log = new ChatLog(snapshotState, 100, 1);
    for (const t of ["a", "b", "c", "d"]) log.pushEvent(delta(t));
    const q = log.subscribe(1002);
    log.pushEvent(delta("e"));
    const items = await drain(q, 4);
    expect(items.map((i) => (i.type === "event" ? (i.event as { delta: string }).delta : i.type))).toEqual(["c", "d", "caught-up", "e"]);
    // A cursor at the end replays nothing.
    const atEnd = log.subscribe(log.seq);
    expect((await drain(atEnd, 1))[0].type).toBe("caught-up");
  });

  it("answers a cursor it cannot resume (too old, from another process, from the future) with a snapshot", async () => {
    const log = new ChatLog(snapshotState, 8, 5);
    for (let i = 0; i < 20; i++) log.pushEvent(delta(String(i)));
    expect(log.canResume(5000)).toBe(false); // trimmed away
    expect(log.canResume(log.seq - 3)).toBe(true);
    for (const cursor of [5000, 4_000, log.seq + 1]) {
      expect((await drain(log.subscribe(cursor), 1))[0].type).toBe("snapshot");
    }
  });

  it("keeps every item of the turn in progress, however many", () => {
    const log = new ChatLog(snapshotState, 8, 1);
    log.markTurnStart();
    const first = log.seq;
    for (let i = 0; i < 50; i++) log.pushEvent(delta(String(i)));
    expect(log.canResume(first)).toBe(true);
    log.markTurnEnd();
    expect(log.canResume(first)).toBe(false);
    expect(log.canResume(log.seq - 7)).toBe(true);
  });

  it("drops a finished turn's deltas, replaying its other events and its message to a cursor inside it", async () => {
    const log = new ChatLog(snapshotState, 100, 1);
    log.pushEvent(delta("before")); // not this turn's: kept
    log.markTurnStart();
    log.pushEvent({ type: "stream-start", messageId: "m", model: "anthropic:claude-sonnet-4-5", mode: "exec", ts: 1 });
    log.pushEvent(delta("a"));
    const inside = log.seq;
    log.pushEvent(delta("b"));
    log.pushEvent({ type: "stream-end", messageId: "m", finishReason: "stop", usage: emptyUsage(), costUsd: 0 });
    const message: ChatMessage = { id: "m", role: "assistant", createdAt: 1, parts: [{ type: "text", text: "ab" }], metadata: { status: "complete" } };
    log.pushMessage(message);
    log.markTurnEnd();
    expect(log.canResume(inside)).toBe(true);
    const replay = await drain(log.subscribe(inside), 3);
    expect(replay.map((i) => (i.type === "event" ? i.event.type : i.type))).toEqual(["stream-end", "message", "caught-up"]);
    const all = await drain(log.subscribe(1_000), 5);
    expect(all.map((i) => (i.type === "event" ? i.event.type : i.type))).toEqual(["text-delta", "stream-start", "stream-end", "message", "caught-up"]);
  });

  it("keeps the deltas of a turn whose message was never pushed whole", async () => {
    const log = new ChatLog(snapshotState, 100, 1);
    log.markTurnStart();
    log.pushEvent(delta("a"));
    log.markTurnEnd();
    expect((await drain(log.subscribe(1_000), 1))[0]).toMatchObject({ type: "event", event: { delta: "a" } });
  });

  it("forgets subscribers that stop, and ends them all on closeAll", async () => {
    const log = new ChatLog(snapshotState, 100, 1);
    const controller = new AbortController();
    const a = log.subscribe(undefined, controller.signal);
    const b = log.subscribe(undefined);
    expect(log.subscriberCount).toBe(2);
    controller.abort();
    expect(log.subscriberCount).toBe(1);
    await drain(a, 2);
    expect((await a.next()).done).toBe(true);
    log.closeAll();
    await drain(b, 2);
    expect((await b.next()).done).toBe(true);
    expect(log.subscriberCount).toBe(0);
  });
});

describe("AsyncQueue", () => {
  it("delivers in order, waits for items, and ends a consumer that falls too far behind", async () => {
    const q = new AsyncQueue<number>(3);
    const waiting = q.next();
    q.push(1);
    expect(await waiting).toEqual({ value: 1, done: false });
    for (let i = 2; i <= 6; i++) q.push(i);
    expect(q.isClosed).toBe(true);
    const rest: number[] = [];
    for await (const v of q) rest.push(v);
    expect(rest).toEqual([2, 3, 4, 5]);
  });
});
