import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { ChatMessage } from "../../../src/agent/messages";
import { useHeartbeat } from "../app/heartbeat";
import { type Store, useStore } from "../state/store";
import { MessageView } from "./MessageView";
import { ArrowDownIcon, Spinner } from "./ui";

interface Props {
  messages: ChatMessage[];
  /** The streaming message; its text may lag behind `live`, which its row shows. */
  streaming: ChatMessage | null;
  live: Store<ChatMessage | null>;
  hasMore: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  retryableId: string | null;
  /** Shown after the last message (errors, retry notice, "starting"). */
  footer: ReactNode;
  /** Changes when the user sent a message: jump to the bottom to see it. */
  followSignal: number;
}

const FOOTER_KEY = "\u0000footer";
/** Within this many px of the bottom, "Jump to latest" is not offered (and growth is followed). */
const END_THRESHOLD = 80;
/** At the bottom (rounding aside): reaching it turns following on. */
const AT_BOTTOM = 2;
/** Older messages are paged in when the view comes this close to the top. */
const TOP_THRESHOLD = 600;

/** A rough height for a message not measured yet, so the scrollbar is roughly right. */
function estimate(m: ChatMessage): number {
  let h = 24;
  for (const p of m.parts) {
    if (p.type === "text") h += 20 * Math.ceil((p.text.length + 1) / 90) + 8 * (p.text.match(/\n\n/g)?.length ?? 0);
    else if (p.type === "tool") h += p.toolName === "bash" || p.toolName.startsWith("file_") ? 140 : 40;
    else if (p.type === "reasoning") h += 26;
  }
  return Math.min(h, 2000);
}

/** The streaming message, re-rendered alone as text streams in. */
function LiveMessage({ live, fallback }: { live: Store<ChatMessage | null>; fallback: ChatMessage }) {
  const message = useStore(live, (m) => m);
  return <MessageView message={message?.id === fallback.id ? message : fallback} streaming />;
}

/**
 * How far the view is from the bottom, from the virtualizer's own figures: row sizes and the
 * viewport come from ResizeObservers and the offset from scroll events, so nothing here makes
 * the browser lay the page out (reading scrollHeight after a change does, on every streamed frame).
 */
function distanceFromEnd(v: Virtualizer<HTMLDivElement, Element>): number {
  return v.getTotalSize() - (v.scrollRect?.height ?? 0) - (v.scrollOffset ?? 0);
}

/**
 * The virtualized conversation: only the rows on screen (plus a few) are in the DOM. It follows
 * the bottom while new content arrives unless the user scrolled up, keeps the reading position
 * when older pages are prepended, and pages them in near the top.
 */
export function MessageList({ messages, streaming, live, hasMore, loadingOlder, loadOlder, retryableId, footer, followSignal }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  /** "Jump to latest" is hidden: following, or close enough to the bottom. */
  const [atEnd, setAtEnd] = useState(true);
  /**
   * Following the newest content: a send, "Jump to latest" or reaching the bottom turns it on;
   * scrolling up turns it off. While on, anything that moves the bottom away (a new row,
   * a streamed token, the composer shrinking) scrolls back to it. Being near the bottom is not
   * enough to tell: rows are added above the footer, and a tall one lands far below the fold.
   */
  const following = useRef(true);
  /** Scroll offset and content height at the last change, to tell the user scrolling up. */
  const last = useRef({ offset: 0, total: 0 });
  const paging = useRef({ hasMore, loadingOlder, loadOlder });
  paging.current = { hasMore, loadingOlder, loadOlder };

  // The streaming reply's caret and "Thinking…" beat with it.
  useHeartbeat(streaming !== null);

  const rows = messages.length + (streaming ? 1 : 0);
  const count = rows + 1;
  const getItemKey = useCallback(
    (i: number) => (i < messages.length ? messages[i].id : i < messages.length + (streaming ? 1 : 0) ? streaming!.id : FOOTER_KEY),
    [messages, streaming?.id], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const estimateSize = useCallback(
    (i: number) => (i < messages.length ? estimate(messages[i]) : i === messages.length && streaming ? 120 : 48),
    [messages, streaming !== null], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 3,
    // React batches the virtualizer's updates with its own render instead of a synchronous
    // flushSync on every resize and scroll (each streamed token resizes the last row).
    useFlushSync: false,
    // A row resized (the streaming one grows with every frame): the virtualizer moves the rows
    // below it and sizes the list itself, with no React render; React renders only when the
    // rows on screen change.
    directDomUpdates: true,
    // First paint of a chat: start at the newest message (the browser clamps to the bottom).
    initialOffset: () => Number.MAX_SAFE_INTEGER,
    anchorTo: "end",
    scrollEndThreshold: END_THRESHOLD,
    onChange: (v) => {
      // The view moved up more than the content shrank: the user scrolled up (wheel, touch,
      // keys, scrollbar, find in page…), so stop following. Content growing below, or our own
      // scrolling down, never moves the view up.
      const offset = v.scrollOffset ?? 0;
      const total = v.getTotalSize();
      const movedUp = last.current.offset - offset;
      if (movedUp > AT_BOTTOM && movedUp > last.current.total - total + AT_BOTTOM) following.current = false;
      last.current = { offset, total };
      const distance = distanceFromEnd(v);
      if (distance <= AT_BOTTOM) following.current = true;
      else if (following.current) toBottom();
      const near = distance <= END_THRESHOLD;
      const shown = following.current || near;
      setAtEnd((was) => (was === shown ? was : shown));
      const p = paging.current;
      if (!near && p.hasMore && !p.loadingOlder && (v.scrollOffset ?? 0) < TOP_THRESHOLD) p.loadOlder();
    },
  });

  /**
   * Shows the bottom, in the frame where the content grew: called when the virtualizer measured a
   * row (after layout, so the browser lays out again only what moved) or when rows were added.
   * The browser clamps the offset to the bottom.
   */
  function toBottom() {
    const el = scrollRef.current;
    if (el) el.scrollTop = Number.MAX_SAFE_INTEGER;
  }

  // New rows (the message just sent, the reply starting) while following: keep the bottom in view.
  useLayoutEffect(() => {
    if (following.current && distanceFromEnd(virtualizer) > AT_BOTTOM) toBottom();
  });

  // A short chat does not scroll, so no scroll event asks for older pages: ask here.
  useLayoutEffect(() => {
    if (hasMore && !loadingOlder && virtualizer.getTotalSize() <= (virtualizer.scrollRect?.height ?? 0) + TOP_THRESHOLD) loadOlder();
  }, [hasMore, loadingOlder, loadOlder, rows, virtualizer]);

  const jumpToLatest = useCallback(() => {
    following.current = true;
    virtualizer.scrollToEnd();
    setAtEnd(true);
  }, [virtualizer]);

  // The user sent a message: show it, and follow the reply.
  useLayoutEffect(() => {
    if (followSignal) jumpToLatest();
  }, [followSignal, jumpToLatest]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} className="h-full overflow-y-auto overscroll-contain [contain:strict] [overflow-anchor:none]" data-testid="message-list">
        {/* The virtualizer sets the list's height and each row's offset itself (directDomUpdates).
            The list is contained (contain: strict, its size comes from the layout around it), so a
            streamed frame lays out and paints what changed inside it, not the page. */}
        <div ref={virtualizer.containerRef} className="relative w-full">
          {items.map((item) => (
            <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="absolute top-0 left-0 w-full">
              <div className="mx-auto max-w-3xl">
                {item.index < messages.length ? (
                  <MessageView message={messages[item.index]} retryable={messages[item.index].id === retryableId} />
                ) : item.index < rows ? (
                  <LiveMessage live={live} fallback={streaming!} />
                ) : (
                  <div className="px-3 pb-4 sm:px-4">{footer}</div>
                )}
              </div>
            </div>
          ))}
        </div>
      </div>
      {loadingOlder && (
        <div className="pointer-events-none absolute inset-x-0 top-2 flex justify-center" data-testid="loading-older">
          <span className="inline-flex items-center gap-2 rounded-full border border-line bg-elev px-3 py-1 text-[12px] text-muted shadow">
            <Spinner /> Loading older messages…
          </span>
        </div>
      )}
      {!atEnd && (
        <button
          type="button"
          data-testid="jump-to-latest"
          className="absolute bottom-3 left-1/2 inline-flex -translate-x-1/2 items-center gap-1.5 rounded-full border border-line bg-elev px-3 py-1 text-[12px] shadow-lg hover:bg-hover"
          onClick={jumpToLatest}
        >
          <ArrowDownIcon /> Jump to latest
        </button>
      )}
    </div>
  );
}
