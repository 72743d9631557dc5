import type { ChatMessage } from "../../agent/messages.js";
import type { NativeExtras, OriginalMessage, OriginalMetadata } from "./shape.js";
import { toolPartToOriginal } from "./tools.js";

/**
 * One of Mux's messages as a line of the original Mux's chat.jsonl (or its partial.json), so the
 * original app shows the turns Mux added: only the part shapes it knows (text, reasoning, file,
 * dynamic-tool), its metadata (`historySequence` above every earlier one, timestamp, model, usage,
 * `partial` for an interrupted answer), and under `nativeChat` what Mux needs to read its own
 * message back as it was (steps, status, cost).
 */
export function messageToOriginal(
  message: ChatMessage,
  { historySequence, workspaceId, partial = false }: { historySequence: number; workspaceId: string; partial?: boolean },
): OriginalMessage {
  const parts: Record<string, unknown>[] = [];
  const stepStarts: number[] = [];
  for (const p of message.parts) {
    switch (p.type) {
      case "step-start":
        stepStarts.push(parts.length);
        break;
      case "text":
        parts.push({ type: "text", text: p.text });
        break;
      case "reasoning":
        parts.push({ type: "reasoning", text: p.text, ...(p.providerMetadata ? { providerOptions: p.providerMetadata } : {}) });
        break;
      case "file":
        parts.push({ type: "file", mediaType: p.mediaType, url: p.url, ...(p.filename ? { filename: p.filename } : {}) });
        break;
      case "tool":
        parts.push(toolPartToOriginal(p));
        break;
      case "raw":
        // Only read from another program's file, never part of a message Mux writes.
        break;
    }
  }
  const meta = message.metadata;
  const metadata: OriginalMetadata = { historySequence, timestamp: message.createdAt };
  if (meta?.model) metadata.model = meta.model;
  if (meta?.mode) metadata.mode = meta.mode;
  if (meta?.usage) {
    const u = meta.usage;
    metadata.usage = {
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      totalTokens: u.inputTokens + u.outputTokens,
      reasoningTokens: u.reasoningTokens,
      cachedInputTokens: u.cachedInputTokens,
    };
  }
  if (meta?.finishReason) metadata.finishReason = meta.finishReason;
  if (partial || meta?.status === "interrupted" || meta?.status === "streaming") metadata.partial = true;
  if (meta?.status === "error" && meta.error) metadata.error = meta.error;
  // Boundaries as the original marks them, so that app too starts its context over here.
  if (meta?.contextBoundary === "compaction") Object.assign(metadata, { compacted: "user", compactionBoundary: true });
  if (meta?.contextBoundary === "reset") metadata.contextBoundaryKind = "reset";
  const extras: NativeExtras = { createdAt: message.createdAt, stepStarts, ...(meta ? { metadata: meta } : {}) };
  metadata.nativeChat = extras;
  return { id: message.id, role: message.role, parts, metadata, workspaceId };
}
