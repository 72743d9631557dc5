import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatMessage } from "../agent/messages.js";
import { SessionStore } from "./sessionStore.js";

let root: string;
let dir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-session-"));
  dir = path.join(root, "sessions", "s1");
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const userMessage = (id: string, text = `hello ${id}`): ChatMessage => ({
  id,
  role: "user",
  createdAt: 1_000,
  parts: [{ type: "text", text }],
});

/** An assistant message caught mid-stream: some text and a tool still running. */
const streamingAssistant = (id: string): ChatMessage => ({
  id,
  role: "assistant",
  createdAt: 2_000,
  parts: [
    { type: "step-start" },
    { type: "text", text: "Running the tests." },
    { type: "tool", toolCallId: "t1", toolName: "bash", state: "running", input: { command: "npm test" }, liveOutput: "PASS a.test.ts\n" },
  ],
  metadata: { model: "openai:gpt-5", mode: "exec", status: "streaming" },
});

const chatLines = (store: SessionStore) => fs.readFileSync(store.chatFile, "utf8").split("\n").filter(Boolean);

describe("SessionStore", () => {
  it("loads what it appended, in order", () => {
    const store = new SessionStore(dir);
    const a = userMessage("a");
    const b: ChatMessage = { ...streamingAssistant("b"), metadata: { status: "complete", costUsd: null } };
    store.append(a);
    store.append(b);
    expect(new SessionStore(dir).load()).toEqual({ messages: [a, b], warnings: [] });
  });

  it("loads an empty session when nothing was written", () => {
    const store = new SessionStore(dir);
    expect(store.exists()).toBe(false);
    expect(store.load()).toEqual({ messages: [], warnings: [] });
  });

  it("creates chat.jsonl and partial.json with mode 0600", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    store.writePartial(streamingAssistant("b"));
    expect(fs.statSync(store.chatFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(store.partialFile).mode & 0o777).toBe(0o600);
  });

  it("skips a torn last line with a warning naming the file and line", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    store.append(userMessage("b"));
    fs.appendFileSync(store.chatFile, JSON.stringify(userMessage("torn")).slice(0, 25));
    const loaded = new SessionStore(dir).load();
    expect(loaded.messages.map((m) => m.id)).toEqual(["a", "b"]);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain(`${store.chatFile}:3: skipped unreadable entry`);
  });

  it("after a torn last line, the next append starts a line of its own", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    store.append(userMessage("b"));
    fs.appendFileSync(store.chatFile, JSON.stringify(userMessage("torn")).slice(0, 25));
    const next = new SessionStore(dir);
    next.load();
    next.append(userMessage("c"));
    const loaded = new SessionStore(dir).load();
    expect(loaded.messages.map((m) => m.id)).toEqual(["a", "b", "c"]);
    expect(loaded.warnings).toHaveLength(1);
  });

  it("does not join a torn line even when appending without loading first", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    fs.appendFileSync(store.chatFile, '{"id":"torn","ro');
    new SessionStore(dir).append(userMessage("c"));
    expect(new SessionStore(dir).load().messages.map((m) => m.id)).toEqual(["a", "c"]);
  });

  it("skips a malformed middle line and keeps the rest", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    fs.appendFileSync(store.chatFile, "not json at all\n");
    fs.appendFileSync(store.chatFile, `${JSON.stringify({ id: "x", role: "robot", createdAt: 1, parts: [] })}\n`);
    store.append(userMessage("b"));
    const loaded = new SessionStore(dir).load();
    expect(loaded.messages.map((m) => m.id)).toEqual(["a", "b"]);
    expect(loaded.warnings.map((w) => w.split(": skipped")[0])).toEqual([`${store.chatFile}:2`, `${store.chatFile}:3`]);
  });

  it("ignores blank lines", () => {
    const store = new SessionStore(dir);
    store.append(userMessage("a"));
    fs.appendFileSync(store.chatFile, "\n   \n");
    store.append(userMessage("b"));
    expect(new SessionStore(dir).load()).toEqual({ messages: [userMessage("a"), userMessage("b")], warnings: [] });
  });

  describe("crash recovery from partial.json", () => {
    function crashMidStream(): { store: SessionStore; user: ChatMessage } {
      const store = new SessionStore(dir);
      const user = userMessage("u1");
      store.append(user);
      store.writePartial(streamingAssistant("a1"));
      return { store, user };
    }

    it("returns the in-flight message as interrupted, with its running tool settled as an error", () => {
      const { user } = crashMidStream();
      const loaded = new SessionStore(dir).load();
      expect(loaded.messages.map((m) => m.id)).toEqual([user.id, "a1"]);
      const recovered = loaded.messages[1];
      expect(loaded.recovered).toBe(recovered);
      expect(recovered.metadata?.status).toBe("interrupted");
      expect(recovered.parts[1]).toEqual({ type: "text", text: "Running the tests." });
      expect(recovered.parts[2]).toEqual({
        type: "tool",
        toolCallId: "t1",
        toolName: "bash",
        state: "error",
        input: { command: "npm test" },
        output: { error: "interrupted: Mux stopped while this tool was running" },
      });
    });

    it("appends the recovered message to chat.jsonl exactly once and removes partial.json", () => {
      const { store } = crashMidStream();
      new SessionStore(dir).load();
      expect(fs.existsSync(store.partialFile)).toBe(false);
      expect(chatLines(store)).toHaveLength(2);
      const again = new SessionStore(dir).load();
      expect(again.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
      expect(again.messages[1].metadata?.status).toBe("interrupted");
      expect(again.recovered).toBeUndefined();
      expect(chatLines(store)).toHaveLength(2);
    });

    it("discards a partial whose message is already in chat.jsonl", () => {
      const store = new SessionStore(dir);
      const finished: ChatMessage = { ...streamingAssistant("a1"), metadata: { status: "complete" } };
      store.append(userMessage("u1"));
      store.append(finished);
      // A crash between appending the finished message and clearing the snapshot.
      store.writePartial(streamingAssistant("a1"));
      const loaded = new SessionStore(dir).load();
      expect(loaded.messages).toEqual([userMessage("u1"), finished]);
      expect(loaded.recovered).toBeUndefined();
      expect(fs.existsSync(store.partialFile)).toBe(false);
      expect(chatLines(store)).toHaveLength(2);
    });

    it("recovers a partial after a torn last line without joining them", () => {
      const { store } = crashMidStream();
      fs.appendFileSync(store.chatFile, '{"id":"half');
      const loaded = new SessionStore(dir).load();
      expect(loaded.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
      expect(new SessionStore(dir).load().messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    });

    it("warns about and drops an unreadable partial.json", () => {
      const store = new SessionStore(dir);
      store.append(userMessage("u1"));
      fs.writeFileSync(store.partialFile, "{ garbage");
      const loaded = new SessionStore(dir).load();
      expect(loaded.messages.map((m) => m.id)).toEqual(["u1"]);
      expect(loaded.warnings).toEqual([expect.stringContaining(`${store.partialFile}: skipped unreadable partial message`)]);
      expect(fs.existsSync(store.partialFile)).toBe(false);
    });

    it("writePartial replaces the previous snapshot and leaves no temp file", () => {
      const store = new SessionStore(dir);
      store.writePartial(streamingAssistant("a1"));
      const newer = streamingAssistant("a1");
      newer.parts.push({ type: "text", text: "more" });
      store.writePartial(newer);
      expect(JSON.parse(fs.readFileSync(store.partialFile, "utf8"))).toEqual(newer);
      expect(fs.readdirSync(dir)).toEqual(["partial.json"]);
    });

    it("leaves a live partial alone when asked not to recover (another process is streaming it)", () => {
      const store = new SessionStore(dir);
      store.append(userMessage("u1"));
      store.writePartial(streamingAssistant("a1"));
      const loaded = store.load({ recover: false });
      expect(loaded.messages.map((m) => m.id)).toEqual(["u1"]);
      expect(fs.existsSync(store.partialFile)).toBe(true);
      expect(chatLines(store)).toHaveLength(1);
    });

    it("counts a session with only a partial as existing", () => {
      const store = new SessionStore(dir);
      store.writePartial(streamingAssistant("a1"));
      expect(store.exists()).toBe(true);
    });
  });

  describe("forSession", () => {
    it("places the session under the sessions root", () => {
      expect(SessionStore.forSession(path.join(root, "sessions"), "abc_DEF-123").dir).toBe(path.join(root, "sessions", "abc_DEF-123"));
    });

    it.each(["../escape", "a/b", "", "with space", "."])("rejects the id %j", (id) => {
      expect(() => SessionStore.forSession(path.join(root, "sessions"), id)).toThrow(/invalid session id/);
    });
  });
});
