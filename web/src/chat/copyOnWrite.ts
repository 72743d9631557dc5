import type { AgentEvent } from "../../../src/agent/events.js";
import type { ChatMessage, Part } from "../../../src/agent/messages.js";

/** Copies the message, and the parts `applyEvent` will mutate for this event, unless already fresh. */
export function copyForEvent(message: ChatMessage, event: AgentEvent, fresh: WeakSet<object>): ChatMessage {
  let m = message;
  if (!fresh.has(m)) {
    m = { ...message, parts: message.parts.slice(), metadata: { ...message.metadata } };
    fresh.add(m);
  }
  const parts = m.parts;
  const own = (i: number) => {
    if (i < 0 || fresh.has(parts[i])) return;
    parts[i] = { ...parts[i] } as Part;
    fresh.add(parts[i]);
  };
  switch (event.type) {
    case "text-delta":
    case "reasoning-delta": {
      const type = event.type === "text-delta" ? "text" : "reasoning";
      if (parts[parts.length - 1]?.type === type) own(parts.length - 1);
      break;
    }
    case "tool-call-args":
    case "tool-output":
    case "tool-call-end":
      for (let i = parts.length - 1; i >= 0; i--) {
        const p = parts[i];
        if (p.type === "tool" && p.toolCallId === event.toolCallId) {
          own(i);
          break;
        }
      }
      break;
    case "stream-abort":
    case "error":
      parts.forEach((p, i) => {
        if (p.type === "tool" && (p.state === "pending" || p.state === "running")) own(i);
      });
      break;
  }
  return m;
}
