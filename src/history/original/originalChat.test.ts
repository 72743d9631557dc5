import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FILLER_PAIRS, OriginalLineSchema, PNG_BASE64, SUMMARY, writeOriginalChat } from "../../../test/helpers/originalChat.js";
import { type ChatMessage, newUserMessage, type Part, type ToolPart } from "../../agent/messages.js";
import { imagePart } from "../../api/images.js";
import { SessionStore } from "../sessionStore.js";

let root: string;
let dir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-original-"));
  dir = path.join(root, "sessions", "0a1b2c3d4e");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const byId = (messages: ChatMessage[], id: string) => messages.find((m) => m.id === id)!;
const tools = (m: ChatMessage) => m.parts.filter((p): p is ToolPart => p.type === "tool");
const fileLines = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

describe("a chat the original Mux wrote", () => {
  it("shows its text, reasoning, tool calls with input and output, image and compaction summary", () => {
    writeOriginalChat(dir);
    const { messages, warnings } = new SessionStore(dir).load();
    expect(warnings).toEqual([]);
    // Every line, then the partial answer.
    expect(messages).toHaveLength(2 * FILLER_PAIRS + 8 + 1);
    expect(messages[0]).toMatchObject({ id: "fq1", role: "user", parts: [{ type: "text", text: "Earlier question 1" }] });

    const setup = byId(messages, "a-setup");
    expect(setup.metadata).toMatchObject({ model: "anthropic:claude-sonnet-4-5", status: "complete", usage: { inputTokens: 1200, outputTokens: 80 } });
    expect(setup.parts[0]).toEqual({ type: "step-start" });
    expect(setup.parts[1]).toEqual({ type: "reasoning", text: "I should look at the files first.", providerMetadata: { anthropic: { signature: "sig-1" } } });
    const [ls, read, edit] = tools(setup);
    expect(ls).toMatchObject({ toolName: "bash", state: "done", input: { script: "ls" }, output: { output: "README.md\nsrc\n", exitCode: 0 } });
    // The file tools' path reads as Mux's own `path`, for its tool cards and for the model.
    expect(read).toMatchObject({ toolName: "file_read", state: "done", input: { path: "README.md" }, output: { content: "1\t# Demo" } });
    expect(edit).toMatchObject({ toolName: "file_edit_replace_string", state: "done", input: { path: "README.md", old_string: "# Demo" } });
    expect((edit.output as { diff: string }).diff).toContain("+# Demo app");
    // A new step begins where text follows tool calls: three requests.
    expect(setup.parts.filter((p) => p.type === "step-start")).toHaveLength(3);

    expect(byId(messages, "u-test").parts[1]).toEqual({
      type: "file",
      mediaType: "image/png",
      url: `data:image/png;base64,${PNG_BASE64}`,
      filename: "shot.png",
    });
    const summary = byId(messages, "a-summary");
    expect(summary.metadata?.contextBoundary).toBe("compaction");
    expect(summary.parts).toContainEqual({ type: "text", text: SUMMARY });
    // A failed tool is an error, with what it printed kept.
    expect(tools(byId(messages, "a-test"))[0]).toMatchObject({ state: "error", output: { error: "Command exited with code 1", output: "FAIL demo.test.ts" } });
  });

  it("keeps what Mux does not know as raw parts instead of dropping it", () => {
    writeOriginalChat(dir);
    const { messages } = new SessionStore(dir).load();
    const raw = (m: ChatMessage) => m.parts.filter((p): p is Extract<Part, { type: "raw" }> => p.type === "raw");
    expect(raw(byId(messages, "a-test"))).toEqual([
      {
        type: "raw",
        label: 'unknown part "source-url"',
        value: { type: "source-url", sourceId: "src-1", url: "https://example.com/testing", title: "Testing guide" },
      },
    ]);
    expect(raw(byId(messages, "a-docs"))).toEqual([{ type: "raw", label: "fields Mux does not know", value: { reactions: [{ emoji: "👍", by: "user" }] } }]);
  });

  it("shows its partial.json as an interrupted answer and leaves the files untouched", () => {
    const text = writeOriginalChat(dir);
    const partial = fs.readFileSync(path.join(dir, "partial.json"), "utf8");
    const { messages } = new SessionStore(dir).load();
    const last = messages.at(-1)!;
    expect(last).toMatchObject({ id: "a-partial", metadata: { status: "interrupted" } });
    expect(tools(last)[0]).toMatchObject({ toolName: "bash", state: "error", output: { error: expect.stringContaining("interrupted") } });
    expect(fs.readFileSync(path.join(dir, "chat.jsonl"), "utf8")).toBe(text);
    expect(fs.readFileSync(path.join(dir, "partial.json"), "utf8")).toBe(partial);
  });

  it("does not show the partial while another process may be writing it (recover: false)", () => {
    writeOriginalChat(dir);
    const { messages } = new SessionStore(dir).load({ recover: false });
    expect(messages.some((m) => m.id === "a-partial")).toBe(false);
  });

  it("skips a torn line with a warning naming file and line, and never rewrites it", () => {
    const text = writeOriginalChat(dir, { torn: true, partial: false });
    const { messages, warnings } = new SessionStore(dir).load();
    expect(messages).toHaveLength(2 * FILLER_PAIRS + 8);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${path.join(dir, "chat.jsonl")}:${2 * FILLER_PAIRS + 9}: skipped unreadable entry`);
    expect(fs.readFileSync(path.join(dir, "chat.jsonl"), "utf8")).toBe(text);
  });

  it("reads the history the original archived at compaction before chat.jsonl", () => {
    writeOriginalChat(dir, { partial: false });
    const all = fs.readFileSync(path.join(dir, "chat.jsonl"), "utf8").split("\n");
    // As the original rotates: everything before the latest boundary moves to chat-archive.jsonl.
    const boundary = all.findIndex((l) => l.includes('"compactionBoundary":true'));
    fs.writeFileSync(path.join(dir, "chat-archive.jsonl"), `${all.slice(0, boundary).join("\n")}\n`);
    fs.writeFileSync(path.join(dir, "chat.jsonl"), all.slice(boundary).join("\n"));
    const { messages } = new SessionStore(dir).load();
    expect(messages.map((m) => m.id).slice(0, 2)).toEqual(["fq1", "fa1"]);
    expect(messages.at(-1)!.id).toBe("a-test");
  });
});

describe("continuing a chat the original Mux wrote", () => {
  const user: ChatMessage = { id: "u-new", role: "user", createdAt: 1_760_000_000_000, parts: [{ type: "text", text: "Go on" }] };
  const answer: ChatMessage = {
    id: "a-new",
    role: "assistant",
    createdAt: 1_760_000_001_000,
    parts: [
      { type: "step-start" },
      { type: "reasoning", text: "Hmm.", providerMetadata: { anthropic: { signature: "sig-2" } } },
      { type: "tool", toolCallId: "t1", toolName: "file_read", state: "done", input: { path: "a.ts" }, output: { path: "a.ts", content: "x" }, durationMs: 5 },
      { type: "tool", toolCallId: "t2", toolName: "bash", state: "error", input: { script: "false" }, output: { error: "boom" } },
      { type: "step-start" },
      { type: "text", text: "All done." },
    ],
    metadata: {
      model: "anthropic:claude-sonnet-4-5",
      mode: "exec",
      status: "complete",
      costUsd: 0.01,
      usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 2, reasoningTokens: 0 },
    },
  };

  it("appends in the original's format, the interrupted answer committed first, historySequence increasing", () => {
    const before = writeOriginalChat(dir);
    const store = new SessionStore(dir);
    store.load();
    store.append(user);
    store.append(answer);
    const after = fs.readFileSync(path.join(dir, "chat.jsonl"), "utf8");
    // The original's lines are kept byte for byte; Mux only appends.
    expect(after.startsWith(before)).toBe(true);
    const lines = fileLines(path.join(dir, "chat.jsonl"));
    const added = lines.slice(-3);
    for (const line of added) expect(OriginalLineSchema.safeParse(line).error).toBeUndefined();
    expect(added.map((l) => l.id)).toEqual(["a-partial", "u-new", "a-new"]);
    expect(added[0].metadata.partial).toBe(true);
    const sequences = lines.map((l) => l.metadata.historySequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(added[2]).toMatchObject({
      workspaceId: "0a1b2c3d4e",
      metadata: { model: "anthropic:claude-sonnet-4-5", timestamp: answer.createdAt, usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } },
    });
    expect(added[2].parts.map((p: { type: string; state?: string }) => p.state ?? p.type)).toEqual([
      "reasoning",
      "output-available",
      "output-available",
      "text",
    ]);
    expect(added[2].parts[2].output).toEqual({ success: false, error: "boom" });
    expect(fs.existsSync(path.join(dir, "partial.json"))).toBe(false);
  });

  it("reads back what it appended as it was written", () => {
    writeOriginalChat(dir);
    const store = new SessionStore(dir);
    store.load();
    store.append(user);
    store.append(answer);
    const { messages, warnings } = new SessionStore(dir).load();
    expect(warnings).toEqual([]);
    expect(byId(messages, "u-new")).toMatchObject(user);
    const back = byId(messages, "a-new");
    // Finished calls carry the `success` the original's cards read; otherwise the message is as written.
    const withSuccess = structuredClone(answer);
    (withSuccess.parts[2] as ToolPart).output = { success: true, path: "a.ts", content: "x" };
    (withSuccess.parts[3] as ToolPart).output = { success: false, error: "boom" };
    expect(back).toEqual(withSuccess);
    // The interrupted answer, now a line of chat.jsonl, still reads as interrupted.
    expect(byId(messages, "a-partial").metadata?.status).toBe("interrupted");
  });

  it("marks a compaction summary and a cleared context the way the original does", () => {
    writeOriginalChat(dir, { partial: false });
    const store = new SessionStore(dir);
    store.load();
    const summary: ChatMessage = {
      ...answer,
      id: "a-sum",
      parts: [{ type: "text", text: "Summary." }],
      metadata: { ...answer.metadata, contextBoundary: "compaction" },
    };
    const reset: ChatMessage = { ...answer, id: "a-reset", parts: [], metadata: { status: "complete", contextBoundary: "reset" } };
    store.append(summary);
    store.append(reset);
    const [sum, cleared] = fileLines(path.join(dir, "chat.jsonl")).slice(-2);
    expect(sum.metadata).toMatchObject({ compacted: "user", compactionBoundary: true });
    expect(cleared.metadata).toMatchObject({ contextBoundaryKind: "reset" });
    const { messages } = new SessionStore(dir).load();
    expect(byId(messages, "a-sum").metadata?.contextBoundary).toBe("compaction");
    expect(byId(messages, "a-reset").metadata?.contextBoundary).toBe("reset");
  });

  it("snapshots the answer in progress to partial.json in the original's format", () => {
    writeOriginalChat(dir, { partial: false });
    const store = new SessionStore(dir);
    store.load();
    store.append(user);
    store.writePartial({ ...answer, metadata: { status: "streaming" } });
    const snapshot = JSON.parse(fs.readFileSync(path.join(dir, "partial.json"), "utf8"));
    expect(OriginalLineSchema.safeParse(snapshot).error).toBeUndefined();
    expect(snapshot.metadata).toMatchObject({ partial: true, historySequence: fileLines(path.join(dir, "chat.jsonl")).at(-1).metadata.historySequence + 1 });
    // The finished answer gets the same place in the order as its snapshots.
    store.append(answer);
    expect(fileLines(path.join(dir, "chat.jsonl")).at(-1).metadata.historySequence).toBe(snapshot.metadata.historySequence);
  });

  it("streams into the delta log; after a kill the next load makes it the original's partial.json, shown as interrupted", async () => {
    writeOriginalChat(dir, { partial: false });
    const store = new SessionStore(dir);
    store.load();
    store.append(user);
    const streaming: ChatMessage = {
      ...structuredClone(answer),
      parts: answer.parts.slice(0, 5),
      metadata: { model: "anthropic:claude-sonnet-4-5", status: "streaming" },
    };
    store.savePartial(streaming);
    const delta = { type: "text-delta" as const, messageId: "a-new", delta: "All do" };
    streaming.parts.push({ type: "text", text: delta.delta });
    store.savePartial(streaming); // a new part: compacted
    const more = { type: "text-delta" as const, messageId: "a-new", delta: "ne so far" };
    (streaming.parts[5] as { text: string }).text += more.delta;
    store.recordPartial(more, streaming);
    store.savePartial(streaming); // appended
    await store.flushPartial();
    expect(fs.existsSync(path.join(dir, "partial.json"))).toBe(false);
    expect(fs.readFileSync(store.deltaLogFile, "utf8").split("\n")).toHaveLength(3);
    const lastLine = fileLines(path.join(dir, "chat.jsonl")).at(-1);

    // kill -9 here; the next process loads the chat.
    const { messages, warnings } = new SessionStore(dir).load();
    expect(warnings).toEqual([]);
    expect(fs.existsSync(store.deltaLogFile)).toBe(false);
    const partial = JSON.parse(fs.readFileSync(path.join(dir, "partial.json"), "utf8"));
    expect(OriginalLineSchema.safeParse(partial).error).toBeUndefined();
    expect(partial).toMatchObject({ id: "a-new", metadata: { partial: true, historySequence: lastLine.metadata.historySequence + 1 } });
    expect(partial.parts.at(-1)).toMatchObject({ type: "text", text: "All done so far" });
    const shown = byId(messages, "a-new");
    expect(shown.metadata?.status).toBe("interrupted");
    expect(shown.parts.at(-1)).toEqual({ type: "text", text: "All done so far" });
    // Loaded again (either app), it is the same answer, once.
    expect(new SessionStore(dir).load().messages.filter((m) => m.id === "a-new")).toHaveLength(1);
  });

  it("stores attached images as the original does (file parts with data: URLs), and reads them back the same", () => {
    writeOriginalChat(dir);
    const store = new SessionStore(dir);
    store.load();
    const image = imagePart({ mediaType: "image/png", data: PNG_BASE64, filename: "shot.png" });
    const withImage = newUserMessage("What is this?", [image]);
    store.append(withImage);
    const line = fileLines(path.join(dir, "chat.jsonl")).at(-1);
    expect(OriginalLineSchema.safeParse(line).error).toBeUndefined();
    expect(line.parts).toEqual([
      { type: "text", text: "What is this?" },
      { type: "file", mediaType: "image/png", url: `data:image/png;base64,${PNG_BASE64}`, filename: "shot.png" },
    ]);
    expect(byId(new SessionStore(dir).load().messages, withImage.id).parts).toEqual([{ type: "text", text: "What is this?" }, image]);
  });

  it("a new chat of a workspace with the original's id is started in its format; Mux's own ids stay Mux's", () => {
    const store = new SessionStore(dir);
    store.load();
    store.append(user);
    expect(OriginalLineSchema.safeParse(fileLines(path.join(dir, "chat.jsonl"))[0]).error).toBeUndefined();

    const own = new SessionStore(path.join(root, "sessions", "Kx3_9fQ-aZ"));
    own.load();
    own.append(user);
    expect(fileLines(own.chatFile)).toEqual([user]);
  });
});
