import type { AgentEvent, Mode, ThinkingLevel } from "../agent/events.js";
import { type AgentModel, type AgentRunResult, runAgent } from "../agent/loop.js";
import { type ChatMessage, finalText, newUserMessage } from "../agent/messages.js";
import type { RetryPolicy } from "../agent/retry.js";
import type { Runtime } from "../runtime/types.js";
import { historyForModel } from "./turn.js";

/** Share of the model's window above which a turn compacts the chat before it starts. */
export const AUTO_COMPACT_AT = 0.7;

const SYSTEM = "You summarize a coding agent's conversation so that the agent can continue the work from your summary alone.";

/** What the model is asked for: a summary another session of the agent can carry on from. */
export function compactionPrompt(focus?: string): string {
  return [
    "Summarize the conversation so far. The summary replaces the whole conversation: the agent will continue the work with nothing else, so keep every detail it needs and drop the rest.",
    "Use these headings:",
    "1. Goal: what the user wants, in their words where it matters, and any constraints they gave.",
    "2. Decisions: what was decided or ruled out, and why.",
    "3. Files: every file read, created or changed, with what changed and what is notable in it.",
    "4. State: what works now, what was tested and how, errors still open.",
    "5. Open todos: what remains, in order.",
    "6. Next step: exactly what was about to happen next.",
    ...(focus ? [`Pay particular attention to: ${focus}`] : []),
    "Answer with the summary only, no tools.",
  ].join("\n");
}

/**
 * The latest request's size against the window: whether the chat is full enough to compact
 * before the next turn. Only what follows the latest context boundary counts (a summary stores
 * its own size), so a chat just compacted is not compacted again.
 */
export function needsCompaction(history: ChatMessage[], windowTokens: number | null | undefined, at = AUTO_COMPACT_AT): boolean {
  if (!windowTokens) return false;
  for (let i = history.length - 1; i >= 0; i--) {
    const meta = history[i].metadata;
    if (meta?.contextTokens !== undefined) return meta.contextTokens >= windowTokens * at;
    if (meta?.contextBoundary) return false;
  }
  return false;
}

/** A provider's refusal of a request larger than the model's window. */
export function isContextOverflow(error: { kind: string; message: string }): boolean {
  if (error.kind !== "bad_request") return false;
  return /context.{0,20}(length|window|limit)|prompt is too long|too many (input )?tokens|maximum.{0,40}tokens|exceeds.{0,40}(context|limit)/i.test(
    error.message,
  );
}

export interface CompactInput {
  history: ChatMessage[];
  model: AgentModel;
  mode: Mode;
  thinking: ThinkingLevel;
  focus?: string;
  signal: AbortSignal;
  retry: RetryPolicy;
  chatId: string;
  emit: (event: AgentEvent) => void;
}

/**
 * The model's summary of `history`, as the message that stands for it from now on (marked as a
 * compaction boundary, with its usage and cost like any answer). A failed or interrupted run's
 * message comes back unmarked and without its text, to be stored for its cost and its error.
 */
export async function compact(input: CompactInput): Promise<AgentRunResult & { ok: boolean }> {
  const ask = newUserMessage(compactionPrompt(input.focus));
  const result = await runAgent({
    history: [...historyForModel(input.history), ask],
    chatId: input.chatId,
    model: input.model,
    system: SYSTEM,
    tools: [],
    // No tools are given, so nothing ever runs in the workspace.
    runtime: undefined as unknown as Runtime,
    thinking: input.thinking,
    mode: input.mode,
    signal: input.signal,
    retry: input.retry,
    toolSession: { todos: [] },
    maxSteps: 1,
    emit: input.emit,
  });
  const meta = (result.message.metadata ??= {});
  const ok = result.status === "completed" && finalText(result.message).trim() !== "";
  if (ok) {
    meta.contextBoundary = "compaction";
    // From here on the model's context is about the summary's size, not the request that wrote it.
    meta.contextTokens = result.usage.outputTokens;
  } else {
    // What a failed summary wrote must not reach the model as an answer; its cost still counts.
    result.message.parts = [];
    if (result.status === "completed") {
      meta.status = "error";
      meta.error = "the model wrote no summary";
    }
  }
  return { ...result, ok };
}
