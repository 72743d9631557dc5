import type { AssistantContent, ModelMessage, ToolResultPart } from "ai";
import type { ChatMessage, ToolPart } from "./messages.js";

/** What the model is shown of a tool's outcome: its result, or the error as text. */
export function toolResultOutput(ok: boolean, output: unknown): ToolResultPart["output"] {
  if (ok) return { type: "json", value: (output ?? null) as never };
  const err = (output as { error?: unknown } | undefined)?.error;
  const text = typeof err === "string" ? err : output !== undefined ? JSON.stringify(output) : "interrupted before completion";
  return { type: "error-text", value: text };
}

function toolResult(part: ToolPart): ToolResultPart {
  return {
    type: "tool-result",
    toolCallId: part.toolCallId,
    toolName: part.toolName,
    output: toolResultOutput(part.state === "done", part.output),
  };
}

/**
 * Converts stored messages into what the AI SDK sends. An assistant message may span many
 * steps; each step becomes an assistant message followed by a tool message with its results.
 * Reasoning is replayed only to the model that produced it (its signatures mean nothing elsewhere).
 */
export function toModelMessages(messages: ChatMessage[], currentModel: string): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
      out.push({ role: "user", content: text });
      continue;
    }
    const sameModel = message.metadata?.model === currentModel;
    let content: Exclude<AssistantContent, string> = [];
    let tools: ToolPart[] = [];
    const flush = () => {
      if (content.length > 0) out.push({ role: "assistant", content });
      if (tools.length > 0) out.push({ role: "tool", content: tools.map(toolResult) });
      content = [];
      tools = [];
    };
    for (const part of message.parts) {
      switch (part.type) {
        case "step-start":
          flush();
          break;
        case "text":
          if (part.text) content.push({ type: "text", text: part.text });
          break;
        case "reasoning":
          if (sameModel && (part.text || part.providerMetadata)) {
            content.push({ type: "reasoning", text: part.text, providerOptions: part.providerMetadata as never });
          }
          break;
        case "tool":
          content.push({
            type: "tool-call",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input ?? {},
            providerOptions: part.providerMetadata as never,
          });
          tools.push(part);
          break;
      }
    }
    flush();
  }
  return out;
}
