import { modelMessageSchema } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatMessage, Part } from "./messages.js";
import { toModelMessages } from "./toModelMessages.js";

const MODEL = "anthropic:claude-sonnet-4-5";

const user = (text: string): ChatMessage => ({ id: `u-${text}`, role: "user", createdAt: 1, parts: [{ type: "text", text }] });
const assistant = (parts: Part[], model = MODEL): ChatMessage => ({
  id: "a1",
  role: "assistant",
  createdAt: 2,
  parts,
  metadata: { model, status: "complete" },
});

const signature = { anthropic: { signature: "sig-abc" } };

describe("toModelMessages", () => {
  it("turns a multi-step answer into assistant, tool, assistant messages in order", () => {
    const out = toModelMessages(
      [
        user("list files"),
        assistant([
          { type: "step-start" },
          { type: "text", text: "Let me look." },
          { type: "tool", toolCallId: "t1", toolName: "bash", state: "done", input: { command: "ls" }, output: { output: "a.ts" } },
          { type: "tool", toolCallId: "t2", toolName: "glob", state: "done", input: { pattern: "*" }, output: { files: ["a.ts"] } },
          { type: "step-start" },
          { type: "text", text: "One file: a.ts." },
        ]),
        user("thanks"),
      ],
      MODEL,
    );
    expect(out).toEqual([
      { role: "user", content: "list files" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool-call", toolCallId: "t1", toolName: "bash", input: { command: "ls" }, providerOptions: undefined },
          { type: "tool-call", toolCallId: "t2", toolName: "glob", input: { pattern: "*" }, providerOptions: undefined },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "t1", toolName: "bash", output: { type: "json", value: { output: "a.ts" } } },
          { type: "tool-result", toolCallId: "t2", toolName: "glob", output: { type: "json", value: { files: ["a.ts"] } } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "One file: a.ts." }] },
      { role: "user", content: "thanks" },
    ]);
  });

  it("turns a tool error into an error-text result", () => {
    const out = toModelMessages(
      [assistant([{ type: "tool", toolCallId: "t1", toolName: "file_read", state: "error", input: { path: "x" }, output: { error: "file not found: x" } }])],
      MODEL,
    );
    expect(out[1]).toEqual({
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "t1", toolName: "file_read", output: { type: "error-text", value: "file not found: x" } }],
    });
  });

  it("serialises a non-string error output as JSON text", () => {
    const out = toModelMessages(
      [assistant([{ type: "tool", toolCallId: "t1", toolName: "bash", state: "error", input: {}, output: { exitCode: 2, stderr: "boom" } }])],
      MODEL,
    );
    expect((out[1].content as { output: unknown }[])[0].output).toEqual({
      type: "error-text",
      value: '{"exitCode":2,"stderr":"boom"}',
    });
  });

  it("still answers an interrupted tool that has no output, so the conversation replays", () => {
    const out = toModelMessages(
      [
        user("run it"),
        assistant([
          { type: "step-start" },
          { type: "tool", toolCallId: "t1", toolName: "bash", state: "error", input: { command: "sleep 100" } },
          { type: "tool", toolCallId: "t2", toolName: "file_write", state: "pending" },
        ]),
        user("why did you stop?"),
      ],
      MODEL,
    );
    expect(out.map((m) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
    expect(out[1].content).toEqual([
      { type: "tool-call", toolCallId: "t1", toolName: "bash", input: { command: "sleep 100" }, providerOptions: undefined },
      { type: "tool-call", toolCallId: "t2", toolName: "file_write", input: {}, providerOptions: undefined },
    ]);
    expect(out[2].content).toEqual([
      { type: "tool-result", toolCallId: "t1", toolName: "bash", output: { type: "error-text", value: "interrupted before completion" } },
      { type: "tool-result", toolCallId: "t2", toolName: "file_write", output: { type: "error-text", value: "interrupted before completion" } },
    ]);
  });

  it("answers every tool call with a result carrying the same id", () => {
    const out = toModelMessages(
      [
        assistant([
          { type: "step-start" },
          { type: "tool", toolCallId: "a", toolName: "bash", state: "done", input: {}, output: 1 },
          { type: "step-start" },
          { type: "tool", toolCallId: "b", toolName: "bash", state: "running", input: {} },
        ]),
      ],
      MODEL,
    );
    const parts = out.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string; toolCallId?: string }[]) : []));
    const ids = (type: string) => parts.filter((c) => c.type === type).map((c) => c.toolCallId);
    expect(ids("tool-call")).toEqual(["a", "b"]);
    expect(ids("tool-result")).toEqual(["a", "b"]);
  });

  it("replays reasoning, with its provider metadata, to the model that wrote it", () => {
    const out = toModelMessages(
      [assistant([{ type: "step-start" }, { type: "reasoning", text: "thinking", providerMetadata: signature }, { type: "text", text: "answer" }])],
      MODEL,
    );
    expect(out[0].content).toEqual([
      { type: "reasoning", text: "thinking", providerOptions: signature },
      { type: "text", text: "answer" },
    ]);
  });

  it("keeps redacted reasoning (no text, only metadata) for the same model", () => {
    const out = toModelMessages(
      [
        assistant([
          { type: "reasoning", text: "", providerMetadata: signature },
          { type: "text", text: "ok" },
        ]),
      ],
      MODEL,
    );
    expect(out[0].content).toHaveLength(2);
  });

  it("drops reasoning when continuing with another model", () => {
    const out = toModelMessages(
      [
        assistant([
          { type: "reasoning", text: "thinking", providerMetadata: signature },
          { type: "text", text: "answer" },
        ]),
      ],
      "openai:gpt-5",
    );
    expect(out[0].content).toEqual([{ type: "text", text: "answer" }]);
  });

  it("drops reasoning when the message's model is unknown", () => {
    const m = assistant([
      { type: "reasoning", text: "thinking" },
      { type: "text", text: "answer" },
    ]);
    delete m.metadata;
    expect(toModelMessages([m], MODEL)[0].content).toEqual([{ type: "text", text: "answer" }]);
  });

  it("skips empty steps and empty text", () => {
    const out = toModelMessages(
      [assistant([{ type: "step-start" }, { type: "text", text: "" }, { type: "step-start" }, { type: "text", text: "hi" }, { type: "step-start" }])],
      MODEL,
    );
    expect(out).toEqual([{ role: "assistant", content: [{ type: "text", text: "hi" }] }]);
  });

  it("joins a user message's text parts", () => {
    const m: ChatMessage = {
      id: "u",
      role: "user",
      createdAt: 1,
      parts: [
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ],
    };
    expect(toModelMessages([m], MODEL)).toEqual([{ role: "user", content: "ab" }]);
  });

  it("produces messages the AI SDK accepts, even for interrupted and failed steps", () => {
    const out = toModelMessages(
      [
        user("go"),
        assistant([
          { type: "step-start" },
          { type: "reasoning", text: "hmm", providerMetadata: signature },
          { type: "tool", toolCallId: "t1", toolName: "bash", state: "done", input: { command: "ls" }, output: { output: "a" } },
          { type: "step-start" },
          { type: "tool", toolCallId: "t2", toolName: "bash", state: "error", input: {}, output: { error: "interrupted by user" } },
          { type: "tool", toolCallId: "t3", toolName: "bash", state: "pending" },
        ]),
      ],
      MODEL,
    );
    for (const m of out) expect(modelMessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
  });

  it("sends only what follows a context reset, and a compaction summary as a user message in place of what it summarizes", () => {
    const boundary = (id: string, kind: "compaction" | "reset", text: string): ChatMessage => ({
      id,
      role: "assistant",
      createdAt: 3,
      parts: [{ type: "text", text }],
      metadata: { status: "complete", contextBoundary: kind },
    });
    const reset = toModelMessages([user("old"), boundary("r", "reset", ""), user("new")], MODEL);
    expect(reset).toEqual([{ role: "user", content: "new" }]);
    const compacted = toModelMessages([user("old"), boundary("s", "compaction", "We did X."), user("next")], MODEL);
    expect(compacted).toEqual([
      { role: "user", content: expect.stringContaining("We did X.") },
      { role: "user", content: "next" },
    ]);
  });

  it("sends an attached image as an image, and only names a file whose URL is not a URL", () => {
    const m: ChatMessage = {
      id: "u1",
      role: "user",
      createdAt: 1,
      parts: [
        { type: "text", text: "look" },
        { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA" },
        { type: "file", mediaType: "application/pdf", url: "not a url", filename: "spec.pdf" },
      ],
    };
    expect(toModelMessages([m], MODEL)).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", image: "AAAA", mediaType: "image/png" },
          { type: "text", text: "[attached file spec.pdf, not readable]" },
        ],
      },
    ]);
  });
  it("tells a model that takes no images of them instead of sending them", () => {
    const m: ChatMessage = {
      id: "u1",
      role: "user",
      createdAt: 1,
      parts: [
        { type: "text", text: "look" },
        { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA", filename: "shot.png" },
        { type: "file", mediaType: "image/jpeg", url: "data:image/jpeg;base64,BBBB" },
      ],
    };
    expect(toModelMessages([m], MODEL, { images: false })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "text", text: "[image shot.png attached here; this model cannot see images]" },
          { type: "text", text: "[image image/jpeg attached here; this model cannot see images]" },
        ],
      },
    ]);
    // A message of images only: each image is a part of its own, in the order attached.
    const only: ChatMessage = { ...m, parts: m.parts.slice(1) };
    expect(toModelMessages([only], MODEL)).toEqual([
      {
        role: "user",
        content: [
          { type: "image", image: "AAAA", mediaType: "image/png" },
          { type: "image", image: "BBBB", mediaType: "image/jpeg" },
        ],
      },
    ]);
  });
});
