import { nanoid } from "nanoid";
import { z } from "zod";
import { ModeSchema, UsageSchema } from "./basicSchemas.js";

/**
 * The conversation, stored in the shape the UI renders: messages made of typed parts. Live view,
 * reload, export and crash recovery all read this one shape.
 */

const ProviderMetadataSchema = z.record(z.string(), z.record(z.string(), z.unknown())).optional();

export const TextPartSchema = z.object({ type: z.literal("text"), text: z.string() });
export const ReasoningPartSchema = z.object({
  type: z.literal("reasoning"),
  text: z.string(),
  providerMetadata: ProviderMetadataSchema,
});
export const ToolPartSchema = z.object({
  type: z.literal("tool"),
  toolCallId: z.string(),
  toolName: z.string(),
  /** pending: the model is writing the input; running: executing; done/error: finished. */
  state: z.enum(["pending", "running", "done", "error"]),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  /** Live output collected while the tool ran (bash), for display: its latest part only. */
  liveOutput: z.string().optional(),
  /** Characters of earlier live output dropped from liveOutput (it keeps a bounded tail). */
  liveOmittedChars: z.number().optional(),
  durationMs: z.number().optional(),
  providerMetadata: ProviderMetadataSchema,
});
/** Marks where one LLM step (request) began, so retries and history replay know the boundaries. */
export const StepStartPartSchema = z.object({ type: z.literal("step-start") });
/** An attached file, usually an image: a `data:` URL (or a link, never fetched for display). */
export const FilePartSchema = z.object({
  type: z.literal("file"),
  mediaType: z.string(),
  url: z.string(),
  filename: z.string().optional(),
});
/**
 * Something read from a chat written by another program that Mux does not understand (a part
 * type, a field): kept and shown as it was, collapsed, rather than dropped. Never sent to the model.
 */
export const RawPartSchema = z.object({ type: z.literal("raw"), label: z.string(), value: z.unknown() });

export const PartSchema = z.discriminatedUnion("type", [
  TextPartSchema,
  ReasoningPartSchema,
  ToolPartSchema,
  StepStartPartSchema,
  FilePartSchema,
  RawPartSchema,
]);
export type Part = z.infer<typeof PartSchema>;
export type ToolPart = z.infer<typeof ToolPartSchema>;
export type FilePart = z.infer<typeof FilePartSchema>;

export const MessageStatusSchema = z.enum(["streaming", "complete", "interrupted", "error"]);

export const ChatMessageSchema = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant"]),
  createdAt: z.number(),
  parts: z.array(PartSchema),
  metadata: z
    .object({
      model: z.string().optional(),
      mode: ModeSchema.optional(),
      status: MessageStatusSchema.optional(),
      finishReason: z.string().optional(),
      usage: UsageSchema.optional(),
      costUsd: z.number().nullable().optional(),
      /** What the prompt cache saved on this message's requests (priced ones only; see UsageEvent). */
      cacheSavedUsd: z.number().optional(),
      /** A request of this message was interrupted before its usage was reported: it cost more. */
      costIncomplete: z.boolean().optional(),
      /**
       * Copied from the workspace this one was forked from (its id): shown as history, but its
       * tokens and cost belong to that workspace and are not counted again here.
       */
      inheritedFrom: z.string().optional(),
      /** Input + output tokens of the latest request: how full the context window is. */
      contextTokens: z.number().optional(),
      error: z.string().optional(),
      /** Notes for the user about this turn (notice events), shown with it; not for the model. */
      notices: z.array(z.string()).optional(),
      /**
       * The model's context starts over at this message. "compaction": the message is a summary of
       * everything before it, and the model gets the summary instead of those messages; "reset":
       * the model gets none of what came before (only what follows).
       */
      contextBoundary: z.enum(["compaction", "reset"]).optional(),
      /**
       * A compaction made at the start of a turn: the id of that turn's user message, stored just
       * before the summary (so that a kill could not lose it), which the model still gets after it.
       */
      keepsAfter: z.string().optional(),
    })
    .optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export function messageText(message: ChatMessage): string {
  return message.parts
    .filter((p): p is z.infer<typeof TextPartSchema> => p.type === "text")
    .map((p) => p.text)
    .join("");
}

/** The text of the last step only: what the agent said after its final tool call. */
export function finalText(message: ChatMessage): string {
  let lastStep = 0;
  message.parts.forEach((p, i) => {
    if (p.type === "step-start") lastStep = i;
  });
  return messageText({ ...message, parts: message.parts.slice(lastStep) });
}

/** The user's message: its text, then what is attached to it (images). */
export function newUserMessage(text: string, attached: FilePart[] = []): ChatMessage {
  const parts: Part[] = text || !attached.length ? [{ type: "text", text }] : [];
  return { id: nanoid(), role: "user", createdAt: Date.now(), parts: [...parts, ...attached] };
}
