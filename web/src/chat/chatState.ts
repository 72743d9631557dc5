import type { AgentEvent } from "../../../src/agent/events.js";
import type { ChatMessage } from "../../../src/agent/messages.js";
import { applyEvent, newAssistantMessage } from "../../../src/agent/reduce.js";
import type { ChatItem } from "../../../src/api/schemas.js";
import { copyForEvent } from "./copyOnWrite.js";

/**
 * The chat of one workspace as the browser sees it, and the pure reducer that folds the
 * `chat.subscribe` items into it. No DOM, no React: unit-tested in test/web/chatState.test.ts.
 *
 * Finished messages are never mutated (so React can memoize them by identity); the streaming
 * message is copied on write before `applyEvent` folds an event into it, and only the parts an
 * event touches are copied, so unchanged parts keep their identity too.
 */

export interface InitLog {
  hook: string;
  output: string;
  status: "running" | "ok" | "failed";
  exitCode: number | null;
  durationMs?: number;
}

export interface RetryNotice {
  messageId: string;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
}

export type ChatErrorEvent = Extract<AgentEvent, { type: "error" }>;

export interface QueuedMessage {
  id: string;
  text: string;
  at: number;
  /** The server answered `{queued: true}`: it waits for the running turn. */
  confirmed: boolean;
}

export interface ChatState {
  /** No snapshot yet. */
  loading: boolean;
  /** Everything missed has been replayed ("caught-up" seen since the last (re)subscribe). */
  caughtUp: boolean;
  /** Finished messages, oldest first; `messages[0]` is message number `firstIndex` of the chat. */
  messages: ChatMessage[];
  firstIndex: number;
  hasMore: boolean;
  totalMessages: number;
  /** The assistant message being streamed, as far as it got. */
  streaming: ChatMessage | null;
  /** The cursor to resume from. */
  lastSeq: number | null;
  /** A user message arrived live and its answer has not started yet. */
  awaitingTurn: boolean;
  init: InitLog | null;
  retry: RetryNotice | null;
  /** Errors not folded into the streaming message (no messageId, or a finished message). */
  errors: ChatErrorEvent[];
  queued: QueuedMessage[];
  loadingOlder: boolean;
  /** Bumped by every snapshot: history pages requested before it are dropped. */
  generation: number;
}

export type ChatAction =
  | { type: "items"; items: ChatItem[] }
  | { type: "history-start" }
  | { type: "history"; generation: number; messages: ChatMessage[]; start: number }
  | { type: "history-failed"; generation: number }
  | { type: "send-start"; id: string; text: string; at: number }
  | { type: "send-done"; id: string; queued: boolean }
  | { type: "send-failed"; id: string }
  | { type: "queue-cleared" }
  | { type: "dismiss-errors" }
  /** The server has no such chat (the workspace was deleted): nothing more will come. */
  | { type: "gone"; message: string };

/** Init output kept in memory: the tail, so a chatty hook cannot grow the page without bound. */
export const INIT_OUTPUT_MAX_CHARS = 200_000;

export function initialChatState(): ChatState {
  return {
    loading: true,
    caughtUp: false,
    messages: [],
    firstIndex: 0,
    hasMore: false,
    totalMessages: 0,
    streaming: null,
    lastSeq: null,
    awaitingTurn: false,
    init: null,
    retry: null,
    errors: [],
    queued: [],
    loadingOlder: false,
    generation: 0,
  };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "items": {
      // Objects created while folding this batch may be mutated again without another copy.
      const fresh = new WeakSet<object>();
      let s = state;
      for (const item of action.items) s = applyItem(s, item, fresh);
      return s;
    }
    case "history-start":
      return state.loadingOlder || !state.hasMore ? state : { ...state, loadingOlder: true };
    case "history": {
      if (action.generation !== state.generation) return state;
      // Keep only what precedes the first message we hold (the page may overlap it).
      const keep = Math.max(0, Math.min(action.messages.length, state.firstIndex - action.start));
      const have = new Set(state.messages.map((m) => m.id));
      const older = action.messages.slice(0, keep).filter((m) => !have.has(m.id));
      return {
        ...state,
        messages: older.length ? [...older, ...state.messages] : state.messages,
        firstIndex: Math.max(0, action.start),
        hasMore: action.start > 0,
        loadingOlder: false,
      };
    }
    case "history-failed":
      return action.generation === state.generation ? { ...state, loadingOlder: false } : state;
    case "send-start":
      return { ...state, queued: [...state.queued, { id: action.id, text: action.text, at: action.at, confirmed: false }] };
    case "send-done":
      return action.queued
        ? { ...state, queued: state.queued.map((q) => (q.id === action.id ? { ...q, confirmed: true } : q)) }
        : removeQueued(state, action.id);
    case "send-failed":
      return removeQueued(state, action.id);
    case "queue-cleared":
      return state.queued.some((q) => q.confirmed) ? { ...state, queued: state.queued.filter((q) => !q.confirmed) } : state;
    case "dismiss-errors":
      return state.errors.length ? { ...state, errors: [] } : state;
    case "gone":
      return { ...state, loading: false, awaitingTurn: false, errors: [{ type: "error", kind: "unknown", message: action.message }] };
  }
}

function removeQueued(state: ChatState, id: string): ChatState {
  return state.queued.some((q) => q.id === id) ? { ...state, queued: state.queued.filter((q) => q.id !== id) } : state;
}

const userText = (m: ChatMessage) =>
  m.parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .join("")
    .trim();

/** The oldest local queued entry whose text is this user message's: it has been delivered. */
function dequeue(queued: QueuedMessage[], message: ChatMessage): QueuedMessage[] {
  if (message.role !== "user" || queued.length === 0) return queued;
  const text = userText(message);
  const i = queued.findIndex((q) => q.text.trim() === text);
  return i === -1 ? queued : [...queued.slice(0, i), ...queued.slice(i + 1)];
}

function applyItem(state: ChatState, item: ChatItem, fresh: WeakSet<object>): ChatState {
  if (item.type === "snapshot") return applySnapshot(state, item);
  // A replayed item we already applied (the server resumes after `cursor`; this is a safety net).
  if (state.lastSeq !== null && item.seq <= state.lastSeq) return state;
  const s = { ...state, lastSeq: item.seq };
  switch (item.type) {
    case "caught-up":
      s.caughtUp = true;
      return s;
    case "message":
      return applyMessage(s, item.message);
    case "event":
      return applyAgentEvent(s, item.event, fresh);
  }
}

function applySnapshot(state: ChatState, item: Extract<ChatItem, { type: "snapshot" }>): ChatState {
  // Local queue entries the snapshot shows delivered are dropped.
  let queued = state.queued;
  for (const m of item.messages) {
    if (m.role === "user" && queued.length) queued = dequeue(queued, m);
  }
  return {
    ...state,
    loading: false,
    caughtUp: false,
    messages: item.messages,
    firstIndex: Math.max(0, item.totalMessages - item.messages.length),
    hasMore: item.hasMore,
    totalMessages: item.totalMessages,
    streaming: item.streaming,
    lastSeq: item.seq,
    awaitingTurn: false,
    retry: null,
    errors: [],
    queued,
    loadingOlder: false,
    generation: state.generation + 1,
  };
}

function applyMessage(s: ChatState, message: ChatMessage): ChatState {
  if (s.streaming?.id === message.id) {
    s.streaming = null;
    s.retry = null;
  }
  const at = lastIndexOf(s.messages, message.id);
  if (at !== -1) {
    s.messages = s.messages.slice();
    s.messages[at] = message;
  } else {
    s.messages = [...s.messages, message];
    s.totalMessages += 1;
  }
  if (message.role === "user") {
    s.queued = dequeue(s.queued, message);
    s.errors = [];
    s.awaitingTurn = s.caughtUp && s.streaming === null;
  } else {
    s.awaitingTurn = false;
  }
  return s;
}

function lastIndexOf(messages: ChatMessage[], id: string): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].id === id) return i;
  return -1;
}

function applyAgentEvent(s: ChatState, event: AgentEvent, fresh: WeakSet<object>): ChatState {
  switch (event.type) {
    case "init-start":
      s.init = { hook: event.hook, output: "", status: "running", exitCode: null };
      return s;
    case "init-output": {
      const init = s.init ?? { hook: "", output: "", status: "running" as const, exitCode: null };
      let output = init.output + event.text;
      if (output.length > INIT_OUTPUT_MAX_CHARS) output = output.slice(-INIT_OUTPUT_MAX_CHARS);
      s.init = { ...init, output };
      return s;
    }
    case "init-end":
      s.init = {
        ...(s.init ?? { hook: "", output: "" }),
        status: event.ok ? "ok" : "failed",
        exitCode: event.exitCode,
        durationMs: event.durationMs,
      };
      return s;
    case "run-complete":
      s.retry = null;
      return s;
    case "budget-exceeded":
    // A sub-agent's events are in its own workspace's chat.
    case "child-event":
      return s;
    case "command":
      // One a message follows has no answer of its own: that answer says it again, as a notice.
      if (!event.messageId) return s;
      break;
    case "error":
      // An error of a turn that failed before it streamed (no key, unknown model) has a message
      // of its own, which shows it: it is folded in below, not listed a second time.
      if (!event.messageId) {
        s.errors = [...s.errors, event];
        s.awaitingTurn = false;
        return s;
      }
      break;
    case "stream-start":
      if (s.streaming && s.streaming.id !== event.messageId) {
        // The previous message never got its final `message` item: keep what it showed.
        s.messages = [...s.messages, s.streaming];
      }
      if (s.streaming?.id !== event.messageId) s.streaming = newAssistantMessage(event.messageId, event.ts);
      s.awaitingTurn = false;
      s.errors = [];
      break;
  }
  // Everything left belongs to an assistant message.
  const messageId = (event as { messageId: string }).messageId;
  if (s.streaming?.id !== messageId) {
    if (lastIndexOf(s.messages, messageId) !== -1) return s; // already finished: late duplicate
    s.streaming = newAssistantMessage(messageId);
    s.awaitingTurn = false;
  }
  const message = copyForEvent(s.streaming, event, fresh);
  applyEvent(message, event);
  s.streaming = message;
  if (event.type === "retry") {
    s.retry = {
      messageId,
      attempt: event.attempt,
      maxAttempts: event.maxAttempts,
      delayMs: event.delayMs,
      reason: event.reason,
    };
  } else if (s.retry && event.type !== "usage") {
    s.retry = null;
  }
  return s;
}

/** Whether `next` is `base` with more text at the end of its last part, a text or reasoning part, and nothing else changed. */
function onlyLastTextGrew(base: ChatMessage, next: ChatMessage): boolean {
  if (base.id !== next.id || base.parts.length !== next.parts.length || base.parts.length === 0) return false;
  const last = next.parts.length - 1;
  for (let i = 0; i < last; i++) if (base.parts[i] !== next.parts[i]) return false;
  const a = base.parts[last];
  const b = next.parts[last];
  if (a.type !== b.type || (b.type !== "text" && b.type !== "reasoning") || !b.text.startsWith((a as typeof b).text)) return false;
  // The metadata is copied with every event: compare what it holds.
  const am = (base.metadata ?? {}) as Record<string, unknown>;
  const bm = (next.metadata ?? {}) as Record<string, unknown>;
  const keys = Object.keys(bm);
  return keys.length === Object.keys(am).length && keys.every((k) => am[k] === bm[k]);
}

/**
 * Whether `next` differs from `prev` only by text streamed into the last part of the same
 * streaming message (and the cursor). Such a change re-renders just that message: the rest of
 * the chat (list, panels, composer) shows nothing that depends on it.
 */
export function onlyStreamedTextGrew(prev: ChatState, next: ChatState): boolean {
  if (!prev.streaming || !next.streaming || !onlyLastTextGrew(prev.streaming, next.streaming)) return false;
  for (const k of Object.keys(next) as (keyof ChatState)[]) if (k !== "streaming" && k !== "lastSeq" && prev[k] !== next[k]) return false;
  return true;
}
