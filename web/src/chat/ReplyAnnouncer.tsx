import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../../src/agent/messages";

/** Enough of a reply to know what it says; the rest is read in the conversation. */
const EXCERPT_CHARS = 300;

function announcement(m: ChatMessage | undefined): string {
  if (m?.role !== "assistant") return "Mux finished.";
  const status = m.metadata?.status;
  if (status === "error") return "Mux's reply failed.";
  if (status === "interrupted") return "Mux's reply was stopped.";
  const text = m.parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return "Mux finished.";
  return `Mux replied: ${text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text}`;
}

/**
 * A polite status that tells screen-reader users when a reply is done, and how it starts. The
 * streamed text itself is not a live region: every token would be read out, and the virtualized
 * list adds and removes rows as it scrolls.
 */
export function ReplyAnnouncer({ running, messages }: { running: boolean; messages: ChatMessage[] }) {
  const [text, setText] = useState("");
  /** A turn ended and is not announced yet (its final message may arrive a moment later). */
  const pending = useRef(false);
  useEffect(() => {
    if (running) {
      pending.current = true;
      return;
    }
    if (pending.current && messages.at(-1)?.role === "assistant") {
      pending.current = false;
      setText(announcement(messages.at(-1)));
    }
  }, [running, messages]);
  return (
    <div role="status" className="sr-only" data-testid="reply-status">
      {text}
    </div>
  );
}
