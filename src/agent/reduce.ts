import type { AgentEvent } from "./events.js";
import { addUsage, emptyUsage } from "./usage.js";
import type { ChatMessage, Part, ToolPart } from "./messages.js";

/**
 * Live output a running tool keeps for display: its tail. The message is snapshotted for crash
 * recovery and sent to browsers while it streams, so it must not grow with the output.
 */
export const LIVE_OUTPUT_TAIL_CHARS = 100_000;

/** Events that only grow a part of the message being streamed (its text, reasoning, a tool's output). */
export type DeltaEvent = Extract<AgentEvent, { type: "text-delta" | "reasoning-delta" | "tool-output" }>;

export function isDeltaEvent(e: AgentEvent): e is DeltaEvent {
  return e.type === "text-delta" || e.type === "reasoning-delta" || e.type === "tool-output";
}

/** A fresh assistant message that events will be folded into. */
export function newAssistantMessage(id: string, createdAt = Date.now()): ChatMessage {
  return { id, role: "assistant", createdAt, parts: [], metadata: { status: "streaming" } };
}

function findTool(message: ChatMessage, toolCallId: string): ToolPart | undefined {
  for (let i = message.parts.length - 1; i >= 0; i--) {
    const p = message.parts[i];
    if (p.type === "tool" && p.toolCallId === toolCallId) return p;
  }
  return undefined;
}

function appendText(message: ChatMessage, type: "text" | "reasoning", delta: string) {
  const last = message.parts[message.parts.length - 1];
  if (last && last.type === type) last.text += delta;
  else message.parts.push({ type, text: delta } as Part);
}

/** Marks tools that never finished (interrupt, crash) so the history stays replayable. */
export function settleOpenTools(message: ChatMessage, reason: string) {
  for (const p of message.parts) {
    if (p.type === "tool" && (p.state === "pending" || p.state === "running")) {
      p.state = "error";
      p.output = { error: reason };
      delete p.liveOutput;
      delete p.liveOmittedChars;
    }
  }
}

/**
 * Folds one event into the assistant message it belongs to (mutating it). The agent, the
 * session's crash-recovery file and the UI all build the same message with this one function.
 */
export function applyEvent(message: ChatMessage, event: AgentEvent): void {
  const meta = (message.metadata ??= {});
  switch (event.type) {
    case "stream-start":
      meta.model = event.model;
      meta.mode = event.mode;
      meta.status = "streaming";
      return;
    case "step-start":
      message.parts.push({ type: "step-start" });
      return;
    case "text-delta":
      appendText(message, "text", event.delta);
      return;
    case "reasoning-delta":
      appendText(message, "reasoning", event.delta);
      return;
    case "tool-call-start":
      if (!findTool(message, event.toolCallId)) {
        message.parts.push({
          type: "tool",
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          state: "pending",
        });
      }
      return;
    case "tool-call-args": {
      let part = findTool(message, event.toolCallId);
      if (!part) {
        part = { type: "tool", toolCallId: event.toolCallId, toolName: event.toolName, state: "pending" };
        message.parts.push(part);
      }
      part.input = event.args;
      part.state = "running";
      return;
    }
    case "tool-output": {
      const part = findTool(message, event.toolCallId);
      if (!part) return;
      const text = (part.liveOutput ?? "") + event.text;
      const excess = text.length - LIVE_OUTPUT_TAIL_CHARS;
      part.liveOutput = excess > 0 ? text.slice(excess) : text;
      if (excess > 0) part.liveOmittedChars = (part.liveOmittedChars ?? 0) + excess;
      return;
    }
    case "tool-call-end": {
      const part = findTool(message, event.toolCallId);
      if (!part) return;
      part.state = event.isError ? "error" : "done";
      part.output = event.result;
      part.durationMs = event.durationMs;
      delete part.liveOutput;
      delete part.liveOmittedChars;
      return;
    }
    case "usage": {
      meta.usage = addUsage(meta.usage ?? emptyUsage(), event.usage);
      const tokens = event.usage.inputTokens + event.usage.outputTokens;
      // An interrupted request that reported nothing says nothing about the context either.
      if (!event.incomplete || tokens > 0) meta.contextTokens = tokens;
      meta.costUsd = event.costUsd === null || meta.costUsd === null ? null : (meta.costUsd ?? 0) + event.costUsd;
      if (event.incomplete) meta.costIncomplete = true;
      if (event.cacheSavedUsd !== undefined) meta.cacheSavedUsd = (meta.cacheSavedUsd ?? 0) + event.cacheSavedUsd;
      return;
    }
    case "retry": {
      // The failed attempt's partial output is discarded; the step starts over.
      let i = message.parts.length - 1;
      while (i >= 0 && message.parts[i].type !== "step-start") i--;
      message.parts.length = i + 1;
      return;
    }
    case "notice":
    case "command": // a command's answer is what it says
      // A new array: the browser copies the metadata on write, not the arrays inside it.
      meta.notices = [...(meta.notices ?? []), event.text];
      return;
    case "stream-end":
      meta.status = "complete";
      meta.finishReason = event.finishReason;
      return;
    case "stream-abort":
      meta.status = "interrupted";
      settleOpenTools(message, event.reason === "budget" ? "stopped: budget exceeded" : "interrupted by user");
      return;
    case "error":
      meta.status = "error";
      meta.error = event.message;
      settleOpenTools(message, "not run: the request failed");
      return;
    // The question is the tool's input, already on its part; the answer is its result.
    case "question":
    case "init-start":
    case "init-output":
    case "init-end":
    case "budget-exceeded":
    case "run-complete":
    // A sub-agent's event belongs to the child's own chat.
    case "child-event":
      return;
    default: {
      // A new event type does not compile until it is folded here.
      const unhandled: never = event;
      void unhandled;
      return;
    }
  }
}
