import type { ModelMessage, SystemModelMessage } from "ai";
import { mergeProviderOptions, type PromptCaching } from "../providers/promptCaching.js";

/**
 * Where a request's cache breakpoints go, for providers that cache only up to one (Anthropic):
 * the tool definitions and the system prompt (the part every request of every turn shares),
 * and the conversation. Four at most, Anthropic's limit.
 *
 * The conversation gets two breakpoints that move with it: on its last message (what the next
 * request will find cached), and on the message before the latest assistant message, which is
 * where the previous request ended (a step adds the assistant's message and its tool results;
 * a new turn adds the final answer and the user's message). Anthropic finds a cached prefix only
 * at a breakpoint or up to 20 blocks before one: a step with many parallel tool calls adds more
 * than that, and the second breakpoint still lands exactly on what the previous request cached.
 */

/** The system prompt, marked as a breakpoint when the provider needs one. */
export function cachedSystem(system: string, caching: PromptCaching): string | SystemModelMessage {
  return caching.breakpoint ? { role: "system", content: system, providerOptions: caching.breakpoint } : system;
}

/** The conversation with its moving breakpoints; the messages given are not changed. */
export function withMessageBreakpoints(messages: ModelMessage[], caching: PromptCaching): ModelMessage[] {
  const breakpoint = caching.breakpoint;
  if (!breakpoint || messages.length === 0) return messages;
  const last = messages.length - 1;
  let latestAssistant = last;
  while (latestAssistant >= 0 && messages[latestAssistant].role !== "assistant") latestAssistant--;
  const marked = new Set([last]);
  if (latestAssistant > 0) marked.add(latestAssistant - 1);
  return messages.map((m, i) => (marked.has(i) ? ({ ...m, providerOptions: mergeProviderOptions(m.providerOptions ?? {}, breakpoint) } as ModelMessage) : m));
}
