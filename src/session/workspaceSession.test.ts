import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../agent/messages.js";
import { SessionStore } from "../history/sessionStore.js";
import { McpManager } from "../mcp/manager.js";
import type { WorkspaceService } from "../workspace/service.js";
import { nextBatch } from "./sendQueue.js";
import { type SessionHost, WorkspaceSession } from "./workspaceSession.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-wsession-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Just what a session needs from its host to read and page its chat. */
function host(): SessionHost {
  const service = { sessionDir: (id: string) => path.join(root, "sessions", id) } as unknown as WorkspaceService;
  return {
    service,
    muxRoot: root,
    env: {},
    workspace: () => undefined,
    mcp: new McpManager({ MUX_ROOT: root }),
    mcpWorkspace: () => undefined,
    elsewhere: () => undefined,
    changed() {},
    filesChanged() {},
    warn() {},
    turnEnded() {},
    commands: () => {
      throw new Error("no workspace commands in this test");
    },
  };
}

const message = (i: number): ChatMessage => ({
  id: `m${i}`,
  role: i % 2 ? "assistant" : "user",
  createdAt: i,
  parts: [{ type: "text", text: `message ${i}` }],
});

describe("WorkspaceSession.unloadIfIdle", () => {
  it("drops an unused chat from memory and reads it back, unchanged, when next needed", () => {
    const store = new SessionStore(path.join(root, "sessions", "w1"));
    for (let i = 0; i < 5; i++) store.append(message(i));
    const session = new WorkspaceSession("w1", host());
    const before = session.history(5, 5);
    expect(before.messages.map((m) => m.id)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(session.unloadIfIdle(60_000)).toBe(false); // just used
    expect(session.unloadIfIdle(60_000, Date.now() + 61_000)).toBe(true);
    expect(session.unloadIfIdle(60_000, Date.now() + 61_000)).toBe(false); // nothing left to drop
    // What another process appended meanwhile is there too once read again.
    store.append(message(5));
    expect(session.history(6, 6).messages.map((m) => m.id)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
  });

  it("keeps a chat someone is watching", () => {
    new SessionStore(path.join(root, "sessions", "w2")).append(message(0));
    const session = new WorkspaceSession("w2", host());
    const controller = new AbortController();
    session.log.subscribe(undefined, controller.signal);
    expect(session.unloadIfIdle(0, Date.now() + 1_000)).toBe(false);
    controller.abort();
    expect(session.unloadIfIdle(0, Date.now() + 1_000)).toBe(true);
  });
});

describe("nextBatch: which queued messages run together", () => {
  const q = (...texts: string[]) => texts.map((text) => ({ text }));
  it("joins ordinary messages, and runs each slash command on its own", () => {
    expect(nextBatch(q("a", "/usr/bin is odd", "/model x"))).toBe(2);
    expect(nextBatch(q("/plan fix it", "b"))).toBe(1);
    expect(nextBatch(q("a", "b", "/compact", "c"))).toBe(2);
    expect(nextBatch(q("/compact focus", "c"))).toBe(1);
    expect(nextBatch(q("/clear"))).toBe(1);
  });
});
