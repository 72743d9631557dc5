/**
 * How a provider caches prompts, told to the agent loop so every request of a chat reuses what
 * the previous one paid for. An agent loop resends its whole, growing context with every step:
 * without a cache hit each step bills all of it again at the full input price.
 *
 * - Anthropic (and Anthropic models via OpenRouter) cache only up to explicit breakpoints
 *   (`cache_control` on a block, at most 4 per request): `breakpoint` is the provider options
 *   that mark one, on a tool definition, the system prompt or a message.
 * - OpenAI caches every prompt by itself and routes a request to a cache by `prompt_cache_key`:
 *   `chatOptions` gives each chat its own stable key.
 * - Others (Google, DeepSeek, xAI, Ollama) cache by themselves; all they need is a prefix that
 *   stays byte-identical from request to request, which the loop keeps for every provider.
 */
export type ProviderOptions = Record<string, Record<string, any>>;

export interface PromptCaching {
  /** Provider options marking a cache breakpoint; undefined when the provider has none. */
  breakpoint?: ProviderOptions;
  /** Tool definitions can carry a breakpoint (through OpenRouter they cannot). */
  toolBreakpoint: boolean;
  /** Request options that keep one chat's requests on the same cache. */
  chatOptions(chatId: string): ProviderOptions;
}

export type CacheTtl = "5m" | "1h";

/** A provider that caches by itself, with nothing to configure. */
export const AUTOMATIC_CACHING: PromptCaching = { toolBreakpoint: false, chatOptions: () => ({}) };

/** Anthropic's Messages API, directly or through a gateway that passes the body on (Coder AI Bridge). */
export function anthropicCaching(ttl: CacheTtl): PromptCaching {
  return {
    // The 5-minute TTL is Anthropic's default: leaving it out keeps requests as small as before.
    breakpoint: { anthropic: { cacheControl: ttl === "1h" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" } } },
    toolBreakpoint: true,
    chatOptions: () => ({}),
  };
}

/** OpenRouter passes `cache_control` on messages to Anthropic models (not on tool definitions). */
export function openRouterCaching(modelId: string, ttl: CacheTtl): PromptCaching {
  if (!modelId.startsWith("anthropic/")) return AUTOMATIC_CACHING;
  return {
    breakpoint: { openrouter: { cacheControl: ttl === "1h" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" } } },
    toolBreakpoint: false,
    chatOptions: () => ({}),
  };
}

/** OpenAI (Responses and Chat Completions): one cache key per chat. */
export const OPENAI_CACHING: PromptCaching = {
  toolBreakpoint: false,
  chatOptions: (chatId) => ({ openai: { promptCacheKey: `mux-${chatId}` } }),
};

/** Options of several sources for one request: each provider's options merged key by key. */
export function mergeProviderOptions(...all: ProviderOptions[]): ProviderOptions {
  const out: ProviderOptions = {};
  for (const options of all) {
    for (const [provider, values] of Object.entries(options)) out[provider] = { ...out[provider], ...values };
  }
  return out;
}
