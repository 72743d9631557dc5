import type { ChatMessage } from "../../agent/messages.js";

/**
 * A message as the original Mux (coder/mux) stores it, one per line of its chat.jsonl and alone in
 * its partial.json: the AI SDK's UIMessage (id, role, parts) with Mux's metadata, plus the
 * `workspaceId` its writer adds. Read loosely: every field may be missing or of another type in a
 * file some version of that app wrote, and what is not listed here is kept as it is.
 */
export interface OriginalMessage {
  id: string;
  role: string;
  parts: unknown[];
  metadata?: OriginalMetadata;
  workspaceId?: string;
  [field: string]: unknown;
}

export interface OriginalMetadata {
  /** Its global order; every line written to chat.jsonl has one, increasing. */
  historySequence?: number;
  timestamp?: number;
  model?: string;
  usage?: OriginalUsage;
  finishReason?: string;
  /** The answer was cut short (what partial.json holds, and how an interrupted answer is kept). */
  partial?: boolean;
  error?: string;
  /** Set on a compaction summary ("user", "idle", "heartbeat" or true). */
  compacted?: unknown;
  /** The summary starts a new context (newer versions; older ones only set `compacted`). */
  compactionBoundary?: boolean;
  /** "reset": the context was cleared here; the model sees nothing before it. */
  contextBoundaryKind?: string;
  mode?: string;
  /** Added by Mux to messages it writes in this format: what the format has no place for. */
  nativeChat?: NativeExtras;
  /** A forked workspace's copy of a message (see SessionStore.copyAsInherited). */
  inheritedFrom?: string;
  [field: string]: unknown;
}

/** The AI SDK's LanguageModelV2Usage, as the original stores it. */
export interface OriginalUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

/**
 * What Mux keeps of its own message in a line it writes in the original's format, so that reading
 * the line back gives the message it wrote: its metadata (status, cost, mode…), its creation time,
 * and where each LLM step began (the original's parts have no step markers).
 */
export interface NativeExtras {
  createdAt: number;
  /** Indexes into `parts` where a step began. */
  stepStarts: number[];
  metadata?: ChatMessage["metadata"];
}

/** The top-level fields the original's messages have; any other is shown as unknown. */
export const KNOWN_MESSAGE_FIELDS = new Set(["id", "role", "parts", "metadata", "createdAt", "workspaceId"]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a stored message is in the original's format. Mux's own messages always carry a numeric
 * `createdAt`; the original's never do (the UIMessage has none; it keeps `metadata.timestamp`).
 */
export function isOriginalMessage(value: unknown): value is OriginalMessage {
  return isRecord(value) && typeof value.id === "string" && Array.isArray(value.parts) && typeof value.createdAt !== "number";
}
