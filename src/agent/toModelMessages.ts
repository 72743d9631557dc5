import type { AssistantContent, ModelMessage, ToolResultPart } from "ai";
import type { ChatMessage, ToolPart } from "./messages.js";

function toolResult(part: ToolPart): ToolResultPart {
  const base = { type: "tool-result" as const, toolCallId: part.toolCallId, toolName: part.toolName };
  if (part.state === "done") return { ...base, output: { type: "json", value: (part.output ?? null) as never } };
  const err = (part.output as { error?: unknown } | undefined)?.error;
  const text =
    typeof err === "string" ? err : part.output !== undefined ? JSON.stringify(part.output) : "interrupted before completion";
  return { ...base, output: { type: "error-text", value: text } };
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
