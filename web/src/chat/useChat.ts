import type { ImageAttachment } from "../../../src/api/images";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import type { Mode, ThinkingLevel } from "../../../src/agent/events";
import type { ChatMessage } from "../../../src/agent/messages";
import type { ChatItem } from "../../../src/api/schemas";
import { parseSlashCommand } from "../../../src/session/slashCommands";
import { call, subscribe } from "../api/client";
import { selectWorkspace } from "../state/ui";
import { createStore, type Store } from "../state/store";
import { type ChatAction, chatReducer, initialChatState, onlyStreamedTextGrew, type ChatState } from "./chatState";

export const HISTORY_PAGE = 100;
/**
 * After a render, the next animation frame is asked for this much later: past the next frame
 * (16.7 ms at 60 Hz) and before the one after it, so streamed items render at most every other
 * frame, with some slack for a timer that fires late on a busy machine.
 */
const RENDER_GAP_MS = 24;

export interface SendOptions {
  images?: ImageAttachment[];
  model?: string;
  mode?: Mode;
  /** The agent to run as (a custom one, or the mode's built-in). */
  agent?: string;
  thinking?: ThinkingLevel;
}

export interface ChatApi {
  /**
   * The chat, except that `streaming` may lag behind by text streamed into its last part: the
   * streaming message as far as it got is in `live`.
   */
  state: ChatState;
  live: Store<ChatMessage | null>;
  /** Pages in the previous 100 messages (no-op while loading or at the start). */
  loadOlder: () => Promise<void>;
  /** Resolves with whether the server queued it behind the running turn; rejects on failure. */
  send: (text: string, options?: SendOptions) => Promise<{ queued: boolean }>;
  interrupt: () => Promise<void>;
  retry: () => Promise<void>;
  clearQueue: () => Promise<void>;
  dismissErrors: () => void;
}

let nextLocalId = 0;

/**
 * The live chat of one workspace: follows `chat.subscribe` across reconnects (resuming from the
 * last seq), folds items and renders them in an animation frame (at most every other one), and
 * wraps the chat procedures.
 *
 * Most streamed frames only add text to the streaming message: those go to the `live` store,
 * which only that message's row reads, so the list, its virtualizer and the panels around it do
 * not render again (with ten workspaces streaming, the chat's re-render was most of the tab's
 * script time per frame).
 */
export function useChat(workspaceId: string): ChatApi {
  const [state, setState] = useState(initialChatState);
  const [live] = useState(() => createStore<ChatMessage | null>(null));
  /** The chat as far as it got (`state` may lag behind by streamed text). */
  const stateRef = useRef(state);
  const dispatch = useCallback(
    (action: ChatAction) => {
      const prev = stateRef.current;
      const next = chatReducer(prev, action);
      if (next === prev) return;
      stateRef.current = next;
      if (!onlyStreamedTextGrew(prev, next)) setState(next);
      live.set(next.streaming);
    },
    [live],
  );

  /** `/fork` and `/new` sent from this tab and not yet done: the workspace each makes opens, as after the Fork dialog. */
  const opening = useRef(0);

  useEffect(() => {
    let cursor: number | undefined;
    let buffer: ChatItem[] = [];
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (buffer.length === 0) return;
      const items = buffer;
      buffer = [];
      dispatch({ type: "items", items });
    };
    let lastRender = Number.NEGATIVE_INFINITY;
    // In an animation frame, render at once: the frame being drawn shows the new text (a plain
    // dispatch would render in a task after it, and show it a frame later).
    const flushInFrame = () => {
      frame = 0;
      lastRender = performance.now();
      flushSync(flush);
    };
    const schedule = () => {
      if (frame || timer) return;
      // Background tabs get no animation frames: fall back to a timer there.
      if (document.hidden) {
        timer = setTimeout(() => {
          timer = undefined;
          flush();
        }, 200);
        return;
      }
      // At most every other frame renders: a stream's deltas come faster than the eye reads them.
      // Until then wait with a timer, not by asking for the frames between: a requested frame is
      // drawn (committed, composited) even when nothing changed, and such empty frames were a
      // third of the tab's frames while a chat streamed.
      const wait = lastRender + RENDER_GAP_MS - performance.now();
      if (wait <= 0) frame = requestAnimationFrame(flushInFrame);
      else
        timer = setTimeout(() => {
          timer = undefined;
          if (document.hidden) flush();
          else frame = requestAnimationFrame(flushInFrame);
        }, wait);
    };
    const stop = subscribe(
      (api, signal) => api.chat.subscribe({ workspaceId, cursor }, { signal }),
      (item: ChatItem) => {
        cursor = item.seq;
        if (item.type === "event" && item.event.type === "command" && item.event.workspace && opening.current > 0) {
          opening.current--;
          selectWorkspace(item.event.workspace.id);
        }
        buffer.push(item);
        // A snapshot is the first paint of the chat: show it without waiting for a frame.
        if (item.type === "snapshot") flush();
        else schedule();
      },
      (message) => dispatch({ type: "gone", message }),
    );
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [workspaceId, dispatch]);

  // One page request at a time (state updates land a render later than scroll events).
  const paging = useRef(false);
  const loadOlder = useCallback(async () => {
    const s = stateRef.current;
    if (paging.current || s.loading || s.loadingOlder || !s.hasMore || s.firstIndex <= 0) return;
    paging.current = true;
    const generation = s.generation;
    dispatch({ type: "history-start" });
    try {
      const page = await call((api) => api.chat.history({ workspaceId, before: s.firstIndex, limit: HISTORY_PAGE }));
      dispatch({ type: "history", generation, messages: page.messages, start: page.start });
    } catch {
      dispatch({ type: "history-failed", generation });
    } finally {
      paging.current = false;
    }
  }, [workspaceId, dispatch]);

  const send = useCallback(
    async (text: string, options: SendOptions = {}) => {
      const id = `local-${++nextLocalId}`;
      const parsed = parseSlashCommand(text);
      const opens = parsed.kind === "command" && (parsed.command.name === "fork" || parsed.command.name === "new");
      if (opens) opening.current++;
      const n = options.images?.length ?? 0;
      const shown = n ? `${text}${text ? " " : ""}[${n} image${n > 1 ? "s" : ""}]` : text;
      dispatch({ type: "send-start", id, text: shown, at: Date.now() });
      try {
        const result = await call((api) => api.chat.send({ workspaceId, text, ...options }));
        dispatch({ type: "send-done", id, queued: result.queued });
        return result;
      } catch (err) {
        if (opens) opening.current--;
        dispatch({ type: "send-failed", id });
        throw err;
      }
    },
    [workspaceId, dispatch],
  );

  const interrupt = useCallback(async () => {
    await call((api) => api.chat.interrupt({ workspaceId }));
  }, [workspaceId]);

  const retry = useCallback(async () => {
    dispatch({ type: "dismiss-errors" });
    await call((api) => api.chat.retry({ workspaceId }));
  }, [workspaceId, dispatch]);

  const clearQueue = useCallback(async () => {
    await call((api) => api.chat.clearQueue({ workspaceId }));
    dispatch({ type: "queue-cleared" });
  }, [workspaceId, dispatch]);

  const dismissErrors = useCallback(() => dispatch({ type: "dismiss-errors" }), [dispatch]);

  return useMemo(
    () => ({ state, live, loadOlder, send, interrupt, retry, clearQueue, dismissErrors }),
    [state, live, loadOlder, send, interrupt, retry, clearQueue, dismissErrors],
  );
}
