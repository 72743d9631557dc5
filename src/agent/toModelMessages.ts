import type { AssistantContent, ModelMessage, ToolResultPart, UserContent } from "ai";
import type { ChatMessage, FilePart, ToolPart } from "./messages.js";

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

/** Longest JSON of a call's input or result kept when it is told as text. */
const TOOL_TEXT_CHARS = 20_000;

function clip(value: unknown): string {
  const json = JSON.stringify(value ?? null) ?? "null";
  return json.length > TOOL_TEXT_CHARS ? `${json.slice(0, TOOL_TEXT_CHARS)}… (${json.length - TOOL_TEXT_CHARS} more characters)` : json;
}

/**
 * A call of a tool Mux does not have (from a chat the original Mux wrote), told as text: the
 * model cannot be shown a call of a tool it is not given (see historyForModel in session/turn.ts).
 */
export function toolAsText(part: ToolPart): string {
  const outcome = part.state === "done" ? "returned" : "failed with";
  return `[Earlier call of the tool ${part.toolName}, no longer available, with input ${clip(part.input)}; it ${outcome} ${clip(part.output)}]`;
}

/** What the model is told of an attached image it cannot be shown. */
export function imageAsText(part: FilePart): string {
  return `[image ${part.filename ?? part.mediaType} attached here; this model cannot see images]`;
}

/**
 * An attached file for the model: images as images (or, for a model that takes none, as a note),
 * other files as files (data: URLs decoded); one whose URL is not a URL is only named.
 */
function fileContent(part: FilePart, images: boolean): Exclude<UserContent, string>[number] {
  if (!images && part.mediaType.startsWith("image/")) return { type: "text", text: imageAsText(part) };
  const match = /^data:[^;,]*(?:;[^,]*)?;base64,(.*)$/s.exec(part.url);
  const data = match ? match[1] : URL.canParse(part.url) ? new URL(part.url) : undefined;
  if (data === undefined) return { type: "text", text: `[attached file ${part.filename ?? part.mediaType}, not readable]` };
  return part.mediaType.startsWith("image/")
    ? { type: "image", image: data, mediaType: part.mediaType }
    : { type: "file", data, mediaType: part.mediaType, ...(part.filename ? { filename: part.filename } : {}) };
}

/**
 * What the model is given of the history: everything from the latest context boundary on. A
 * compaction summary stands, as a user message, for all that came before it; after a reset the
 * model gets only what follows.
 */
function sinceLatestBoundary(messages: ChatMessage[]): ChatMessage[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const boundary = messages[i].metadata?.contextBoundary;
    if (boundary === "reset") return messages.slice(i + 1);
    if (boundary === "compaction") {
      const summary = messages[i].parts.map((p) => (p.type === "text" ? p.text : "")).join("");
      const asUser: ChatMessage = {
        ...messages[i],
        role: "user",
        parts: [{ type: "text", text: `Summary of the conversation so far (the earlier messages were compacted into it):\n\n${summary}` }],
      };
      const keep = messages[i].metadata?.keepsAfter;
      const kept = keep ? messages.slice(0, i).filter((m) => m.id === keep) : [];
      return [asUser, ...kept, ...messages.slice(i + 1)];
    }
  }
  return messages;
}

/**
 * Converts stored messages into what the AI SDK sends. An assistant message may span many
 * steps; each step becomes an assistant message followed by a tool message with its results.
 * Reasoning is replayed only to the model that produced it (its signatures mean nothing elsewhere).
 * Only what follows the latest context boundary is sent (see sinceLatestBoundary). Images go as
 * images only to a model that takes them (`images`, default true); others are told of them.
 */
export function toModelMessages(messages: ChatMessage[], currentModel: string, { images = true }: { images?: boolean } = {}): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of sinceLatestBoundary(messages)) {
    if (message.role === "user") {
      const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
      const files = message.parts.filter((p): p is FilePart => p.type === "file");
      if (!files.length) out.push({ role: "user", content: text });
      else out.push({ role: "user", content: [...(text ? [{ type: "text" as const, text }] : []), ...files.map((f) => fileContent(f, images))] });
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
        case "file":
          // Files in answers are rare and few providers take them back: the model is told of it.
          content.push({ type: "text", text: `[attached file ${part.filename ?? part.mediaType}]` });
          break;
        case "raw":
          // Not understood, so not something to tell the model (it is shown to the user).
          break;
      }
    }
    flush();
  }
  return out;
}
