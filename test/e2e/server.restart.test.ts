import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ChatItem } from "../../src/api/schemas.js";
import { DELTA_LOG_FILE, readDeltaLog } from "../../src/history/deltaLog.js";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { waitFor } from "../helpers/processes.js";
import { connect, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/** A server killed mid-turn: the next one shows the partial answer as interrupted, and waits. */

const KEY = "sk-ant-server-restart-0123456789abcdef";
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
const servers: ServerProcess[] = [];
const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.close();
  dirs?.cleanup();
});

it("after SIGKILL mid-stream, a restarted server restores the partial answer as interrupted and accepts a new message", async () => {
  const repo = makeRepo(path.join(dirs.base, "app"));
  const first = await startServer({ muxRoot: dirs.muxRoot, env: env() });
  servers.push(first);
  const c1 = await connect(first);
  const ws = await c1.api.workspaces.create({ projectPath: repo, name: "crashy" });
  const stream = await c1.api.chat.subscribe({ workspaceId: ws.id });
  await readUntil(stream, (i) => i.type === "caught-up");
  fake.enqueue({ text: "partial answer ".padEnd(2000, "."), chunkSize: 10, chunkDelayMs: 25 });
  await c1.api.chat.send({ workspaceId: ws.id, text: "write a lot", model: "sonnet" });
  const seen = await readUntil(stream, (_i, all) => all.filter((i) => i.type === "event" && i.event.type === "text-delta").length >= 10);
  // The crash-recovery log (flushed every 100 ms) holds some of the answer before the kill.
  const log = path.join(dirs.muxRoot, "sessions", ws.id, DELTA_LOG_FILE);
  await waitFor(() => JSON.stringify(readDeltaLog(log).message?.parts ?? []).includes("partial answer"), "the answer's crash-recovery log");
  await first.kill();
  c1.close();
  const requestsBefore = fake.requests.length;

  const second = await startServer({ muxRoot: dirs.muxRoot, env: env() });
  servers.push(second);
  const c2 = await connect(second);
  try {
    const summary = (await c2.api.workspaces.list()).find((w) => w.id === ws.id)!;
    expect(summary.activity.state).toBe("idle");
    // A cursor from the dead process cannot be resumed: a fresh snapshot instead.
    const resumed = await c2.api.chat.subscribe({ workspaceId: ws.id, cursor: seen.at(-1)!.seq });
    const head = await readUntil(resumed, (i) => i.type === "caught-up");
    const snapshot = head[0] as Extract<ChatItem, { type: "snapshot" }>;
    expect(snapshot.type).toBe("snapshot");
    expect(snapshot.streaming).toBeNull();
    expect(snapshot.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const partial = snapshot.messages[1];
    expect(partial.metadata?.status).toBe("interrupted");
    expect(JSON.stringify(partial.parts)).toContain("partial answer");

    // Nothing was continued on its own: no request reached the provider.
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.length).toBe(requestsBefore);

    fake.enqueue({ text: "back again" });
    expect(await c2.api.chat.send({ workspaceId: ws.id, text: "continue" })).toEqual({ queued: false });
    const items = await readUntil(resumed, isAssistantMessage);
    expect(JSON.stringify(items.at(-1))).toContain("back again");
    expect((await c2.api.chat.history({ workspaceId: ws.id, before: 10, limit: 10 })).messages.map((m) => m.metadata?.status ?? "user")).toEqual([
      "user",
      "interrupted",
      "user",
      "complete",
    ]);
  } finally {
    c2.close();
  }
});
