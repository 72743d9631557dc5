import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../agent/messages.js";
import { messageToNative } from "./toNative.js";
import { messageToOriginal } from "./toOriginal.js";

const tool = (extra: Record<string, unknown>) => ({ type: "dynamic-tool", toolCallId: "c1", toolName: "bash", input: { script: "ls" }, ...extra });

describe("reading one of the original's messages", () => {
  it("shows a message of a role Mux does not have as raw, not as the user's or the model's words", () => {
    const m = messageToNative({ id: "s1", role: "system", parts: [{ type: "text", text: "be brief" }], metadata: { historySequence: 0 } });
    expect(m.role).toBe("assistant");
    expect(m.parts).toEqual([{ type: "raw", label: "system message", value: [{ type: "text", text: "be brief" }] }]);
  });

  it("shows a tool whose output the original did not keep, and one in a state it does not know, as such", () => {
    const m = messageToNative({
      id: "a1",
      role: "assistant",
      parts: [tool({ state: "output-redacted" }), tool({ toolCallId: "c2", state: "approval-requested" })],
    });
    expect(m.parts[1]).toMatchObject({ state: "done", output: { redacted: true } });
    expect(m.parts[2]).toMatchObject({ state: "error", output: { error: 'tool state "approval-requested" not understood' } });
  });

  it("keeps a text part that is not text as raw instead of failing the line", () => {
    const m = messageToNative({ id: "u1", role: "user", parts: [{ type: "text", text: 42 }] });
    expect(m.parts).toEqual([{ type: "raw", label: 'unknown part "text"', value: { type: "text", text: 42 } }]);
  });

  it("a message with no id is not a message: the line is skipped", () => {
    expect(() => messageToNative({ id: 7 as unknown as string, role: "user", parts: [] })).toThrow();
  });
});

describe("writing one of Mux's messages the original's way and reading it back", () => {
  it("keeps consecutive tool-only steps apart (the steps are recorded, not guessed)", () => {
    const message: ChatMessage = {
      id: "a1",
      role: "assistant",
      createdAt: 5,
      parts: [
        { type: "step-start" },
        { type: "tool", toolCallId: "t1", toolName: "glob", state: "done", input: { pattern: "*" }, output: { files: [] } },
        { type: "step-start" },
        { type: "tool", toolCallId: "t2", toolName: "grep", state: "running", input: { pattern: "x" } },
      ],
      metadata: { status: "interrupted", model: "m" },
    };
    const line = messageToOriginal(message, { historySequence: 3, workspaceId: "w" });
    expect(line.metadata).toMatchObject({ historySequence: 3, partial: true, nativeChat: { stepStarts: [0, 1] } });
    const back = messageToNative(JSON.parse(JSON.stringify(line)));
    expect(back.parts.map((p) => p.type)).toEqual(["step-start", "tool", "step-start", "tool"]);
    // The call that never returned is closed as interrupted.
    expect(back.parts[3]).toMatchObject({ state: "error", output: { error: expect.stringContaining("interrupted") } });
  });
});
