import type { ChatMessage, ToolPart } from "../../../src/agent/messages.js";
import type { ChatState } from "./chatState.js";

/** Pure views derived from ChatState (tested with the reducer). */

export interface TodoItem {
  content: string;
  status: "pending" | "in_progress" | "completed";
}

/** The agent is working: a message is streaming, or a user message awaits its answer. */
export function isRunning(state: ChatState): boolean {
  return (state.streaming !== null && state.streaming.metadata?.status === "streaming") || state.awaitingTurn;
}

function todosOf(part: ToolPart): TodoItem[] | null {
  if (part.toolName !== "todo_write" || part.state === "error") return null;
  const fromOutput = (part.output as { todos?: unknown } | undefined)?.todos;
  const fromInput = (part.input as { todos?: unknown } | undefined)?.todos;
  const todos = Array.isArray(fromOutput) ? fromOutput : Array.isArray(fromInput) ? fromInput : null;
  return todos as TodoItem[] | null;
}

/** The latest todo list in the conversation (streaming message first), or null. */
export function latestTodos(messages: ChatMessage[], streaming: ChatMessage | null): TodoItem[] | null {
  const scan = (m: ChatMessage): TodoItem[] | null => {
    for (let j = m.parts.length - 1; j >= 0; j--) {
      const p = m.parts[j];
      if (p.type === "tool") {
        const todos = todosOf(p);
        if (todos) return todos;
      }
    }
    return null;
  };
  if (streaming) {
    const t = scan(streaming);
    if (t) return t;
  }
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== "assistant") continue;
    const t = scan(messages[i]);
    if (t) return t;
  }
  return null;
}

/**
 * The propose_plan call the user can still approve: the last finished plan of the last
 * assistant message, when no user message came after it. Returns its toolCallId.
 */
export function actionablePlan(messages: ChatMessage[], streaming: ChatMessage | null): string | null {
  if (streaming) return null;
  const last = messages[messages.length - 1];
  if (last?.role !== "assistant") return null;
  for (let j = last.parts.length - 1; j >= 0; j--) {
    const p = last.parts[j];
    if (p.type === "tool" && p.toolName === "propose_plan" && p.state === "done") return p.toolCallId;
  }
  return null;
}

/** The id of the last message when it ended in an error (it gets the Retry button). */
export function retryableMessageId(state: ChatState): string | null {
  if (state.streaming) return null;
  const last = state.messages[state.messages.length - 1];
  return last && last.role === "assistant" && last.metadata?.status === "error" ? last.id : null;
}

/**
 * How full the context was at the chat's latest request (streaming message first): its tokens and
 * model; nothing after a /clear (the next request starts over) or before any request.
 */
export function latestContext(messages: ChatMessage[], streaming: ChatMessage | null): { tokens: number; model?: string } | undefined {
  for (let i = messages.length - (streaming ? 0 : 1); i >= 0; i--) {
    const meta = (i === messages.length ? streaming : messages[i])?.metadata;
    if (meta?.contextTokens !== undefined) return { tokens: meta.contextTokens, model: meta.model };
    if (meta?.contextBoundary === "reset") return undefined;
  }
  return undefined;
}
