import { describe, expect, it } from "vitest";
import type { ChatMessage, Part } from "../agent/messages.js";
import { historyForModel } from "./turn.js";

const assistant = (status: "complete" | "error" | "interrupted", parts: Part[]): ChatMessage => ({
  id: status,
  role: "assistant",
  createdAt: 0,
  parts,
  metadata: { status },
});
const user: ChatMessage = { id: "u", role: "user", createdAt: 0, parts: [{ type: "text", text: "hi" }] };
const step: Part = { type: "step-start" };
const text = (t: string): Part => ({ type: "text", text: t });
const tool = (state: "done" | "error"): Part => ({ type: "tool", toolCallId: "t", toolName: "bash", state, input: {}, output: {} });

describe("historyForModel", () => {
  it("drops the step that failed, keeping the finished ones", () => {
    const failed = assistant("error", [step, text("a"), tool("done"), step, text("half-writ")]);
    expect(historyForModel([user, failed])[1].parts).toEqual([step, text("a"), tool("done")]);
  });

  it("drops a failed message that had nothing but the failed step", () => {
    expect(historyForModel([user, assistant("error", [step, text("par")])])).toEqual([user]);
    expect(historyForModel([user, assistant("error", [])])).toEqual([user]);
  });

  it("keeps a failed last step whose tools ran, and leaves other messages alone", () => {
    const ranTools = assistant("error", [step, tool("done")]);
    const interrupted = assistant("interrupted", [step, text("partial")]);
    expect(historyForModel([user, ranTools, user, interrupted])).toEqual([user, ranTools, user, interrupted]);
  });
});
