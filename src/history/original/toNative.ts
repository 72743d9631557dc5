import type { Usage } from "../../agent/events.js";
import { type ChatMessage, ChatMessageSchema, type Part } from "../../agent/messages.js";
import { isRecord, KNOWN_MESSAGE_FIELDS, type OriginalMessage, type OriginalMetadata, type OriginalUsage } from "./shape.js";
import { toolPartToNative } from "./tools.js";
import { asParsed } from "../../common/asParsed.js";

/**
 * The original Mux's messages read as Mux's own: what they say is shown with Mux's parts and tool
 * cards, what Mux does not know is kept as a raw part (collapsed JSON), and compaction summaries
 * and context resets become context boundaries.
 */

const nonNegative = (n: unknown) => (typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n) : 0);

function usageToNative(u: OriginalUsage | undefined): Usage | undefined {
  if (!isRecord(u)) return undefined;
  return {
    inputTokens: nonNegative(u.inputTokens),
    outputTokens: nonNegative(u.outputTokens),
    cachedInputTokens: nonNegative(u.cachedInputTokens),
    cacheWriteTokens: 0,
    reasoningTokens: nonNegative(u.reasoningTokens),
  };
}

function partToNative(part: unknown): Part {
  if (!isRecord(part)) return { type: "raw", label: "unknown part", value: part };
  switch (part.type) {
    case "text":
      if (typeof part.text === "string") return { type: "text", text: part.text };
      break;
    case "reasoning": {
      if (typeof part.text !== "string") break;
      // Anthropic's signature lets the same model see its own thinking again.
      const options = isRecord(part.providerOptions) ? part.providerOptions : undefined;
      const signature = typeof part.signature === "string" ? { anthropic: { signature: part.signature } } : undefined;
      const providerMetadata = (options ?? signature) as Record<string, Record<string, unknown>> | undefined;
      return { type: "reasoning", text: part.text, ...(providerMetadata ? { providerMetadata } : {}) };
    }
    case "file":
      if (typeof part.url === "string" && typeof part.mediaType === "string") {
        return { type: "file", mediaType: part.mediaType, url: part.url, ...(typeof part.filename === "string" ? { filename: part.filename } : {}) };
      }
      break;
    case "dynamic-tool":
      return toolPartToNative(part);
    case "step-start":
      return { type: "step-start" };
  }
  return { type: "raw", label: `unknown part${typeof part.type === "string" ? ` "${part.type}"` : ""}`, value: part };
}

/**
 * Where the LLM steps of an answer began: recorded by Mux when it wrote the line; otherwise a step
 * starts with the answer and wherever something other than a tool call follows a tool call (a
 * model writes, then calls tools, then the next request begins).
 */
function withSteps(parts: Part[], stepStarts: number[] | undefined): Part[] {
  if (parts.some((p) => p.type === "step-start")) return parts;
  const starts = new Set(stepStarts ?? parts.flatMap((p, i) => (i === 0 || (p.type !== "tool" && parts[i - 1].type === "tool") ? [i] : [])));
  return parts.flatMap((p, i) => (starts.has(i) ? [{ type: "step-start" as const }, p] : [p]));
}

function isCompactionSummary(m: OriginalMessage): boolean {
  const c = m.metadata?.compacted;
  return m.role === "assistant" && (m.metadata?.compactionBoundary === true || (c !== undefined && c !== false && c !== null));
}

function metadataToNative(m: OriginalMessage, meta: OriginalMetadata, interrupted: boolean): ChatMessage["metadata"] {
  const out: NonNullable<ChatMessage["metadata"]> = {};
  if (typeof meta.model === "string") out.model = meta.model;
  if (meta.mode === "exec" || meta.mode === "plan") out.mode = meta.mode;
  const usage = usageToNative(meta.usage);
  if (usage && m.role === "assistant") out.usage = usage;
  if (typeof meta.finishReason === "string") out.finishReason = meta.finishReason;
  if (m.role === "assistant") {
    out.status = interrupted || meta.partial === true ? "interrupted" : typeof meta.error === "string" ? "error" : "complete";
    if (out.status === "error") out.error = meta.error;
  }
  return out;
}

/**
 * One of the original's messages as Mux's. `interrupted`: it is the answer its partial.json held.
 * Throws when the result is not a message Mux can show (the line is then skipped with a warning).
 */
export function messageToNative(m: OriginalMessage, { interrupted = false }: { interrupted?: boolean } = {}): ChatMessage {
  const meta: OriginalMetadata = isRecord(m.metadata) ? m.metadata : {};
  const extras = isRecord(meta.nativeChat) ? meta.nativeChat : undefined;
  const known = m.role === "user" || m.role === "assistant";
  let parts = m.parts.map(partToNative);
  if (!known) parts = [{ type: "raw", label: `${String(m.role)} message`, value: m.parts }];
  const unknownFields = Object.fromEntries(Object.entries(m).filter(([k]) => !KNOWN_MESSAGE_FIELDS.has(k)));
  if (Object.keys(unknownFields).length) parts.push({ type: "raw", label: "fields Mux does not know", value: unknownFields });
  if (m.role === "assistant") parts = withSteps(parts, extras?.stepStarts);

  const metadata = extras?.metadata ? { ...extras.metadata } : metadataToNative(m, meta, interrupted);
  if (interrupted && metadata) metadata.status = "interrupted";
  if (typeof meta.inheritedFrom === "string" && metadata) metadata.inheritedFrom = meta.inheritedFrom;
  if (isCompactionSummary(m) && metadata) metadata.contextBoundary = "compaction";
  else if (m.role === "assistant" && meta.contextBoundaryKind === "reset" && metadata) metadata.contextBoundary = "reset";

  const createdAt = extras?.createdAt ?? meta.timestamp ?? (typeof m.createdAt === "string" ? Date.parse(m.createdAt) : Number.NaN);
  return asParsed(ChatMessageSchema, {
    id: m.id,
    role: known ? m.role : "assistant",
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
    parts,
    ...(metadata && Object.keys(metadata).length ? { metadata } : {}),
  });
}
