import type { LanguageModel } from "ai";
import type { ThinkingLevel } from "../agent/events.js";
import { ConfigError } from "../config/errors.js";
import type { ModelRef } from "./models.js";
import { AUTOMATIC_CACHING, anthropicCaching, OPENAI_CACHING, openRouterCaching, type PromptCaching, type ProviderOptions } from "./promptCaching.js";
import { describeSource, type ResolvedProvider } from "./resolve.js";

export interface CreatedModel {
  model: LanguageModel;
  /** Provider-specific options for a thinking level (empty when unsupported or off). */
  providerOptions(level: ThinkingLevel): ProviderOptions;
  /** How the provider caches prompts (see promptCaching.ts). */
  caching: PromptCaching;
}

const ANTHROPIC_BUDGET: Record<Exclude<ThinkingLevel, "off">, number> = {
  low: 4_000,
  medium: 10_000,
  high: 20_000,
  max: 32_000,
};
const OPENAI_EFFORT: Record<Exclude<ThinkingLevel, "off">, string> = {
  low: "low",
  medium: "medium",
  high: "high",
  max: "xhigh",
};
const GOOGLE_BUDGET: Record<Exclude<ThinkingLevel, "off">, number> = {
  low: 2_048,
  medium: 8_192,
  high: 16_384,
  max: 32_768,
};

/**
 * Builds the AI SDK model for a provider. Provider packages are imported lazily: a run pays
 * only for the one SDK it uses, which keeps `mux run` start-up fast.
 */
export async function createModel(provider: ResolvedProvider, ref: ModelRef): Promise<CreatedModel> {
  const apiKey = provider.apiKey.value;
  if (provider.requiresKey && !apiKey) {
    throw new ConfigError(
      `${provider.displayName} (${provider.id}) has no API key: set "apiKey" in Settings → Providers ` +
        `(providers.jsonc) or the environment variable ${provider.keyEnv.join(" or ")}`,
    );
  }
  const baseURL = provider.baseUrl;
  const headers = provider.headers;
  switch (provider.kind) {
    case "anthropic": {
      const { createAnthropic } = await import("@ai-sdk/anthropic");
      const sdk = createAnthropic(provider.bearerAuth ? { baseURL, authToken: apiKey, headers } : { baseURL, apiKey, headers });
      return {
        model: sdk(ref.modelId),
        providerOptions: (level): ProviderOptions =>
          level === "off" ? {} : { anthropic: { thinking: { type: "enabled", budgetTokens: ANTHROPIC_BUDGET[level] } } },
        caching: anthropicCaching(provider.cacheTtl),
      };
    }
    case "openai": {
      const { createOpenAI } = await import("@ai-sdk/openai");
      const sdk = createOpenAI({
        baseURL,
        apiKey,
        organization: provider.organization.value,
        headers,
      });
      if (provider.wireFormat === "chatCompletions") {
        return {
          model: sdk.chat(ref.modelId),
          providerOptions: (level): ProviderOptions => (level === "off" ? {} : { openai: { reasoningEffort: OPENAI_EFFORT[level] } }),
          caching: OPENAI_CACHING,
        };
      }
      return {
        model: sdk.responses(ref.modelId),
        // store:false keeps conversations off the provider (and gateways) and makes every turn
        // self-contained, so a retry or a resumed session never refers to server-side state.
        providerOptions: (level): ProviderOptions => ({
          openai:
            level === "off"
              ? { store: false }
              : {
                  store: false,
                  reasoningEffort: OPENAI_EFFORT[level],
                  reasoningSummary: "auto",
                  include: ["reasoning.encrypted_content"],
                },
        }),
        caching: OPENAI_CACHING,
      };
    }
    case "google": {
      const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
      const sdk = createGoogleGenerativeAI({ baseURL, apiKey, headers });
      return {
        model: sdk(ref.modelId),
        providerOptions: (level): ProviderOptions =>
          level === "off" ? {} : { google: { thinkingConfig: { thinkingBudget: GOOGLE_BUDGET[level], includeThoughts: true } } },
        caching: AUTOMATIC_CACHING,
      };
    }
    case "openai-compatible": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      const sdk = createOpenAICompatible({
        name: provider.id,
        baseURL,
        apiKey,
        headers,
        includeUsage: true,
      });
      return { model: sdk.chatModel(ref.modelId), providerOptions: () => ({}), caching: AUTOMATIC_CACHING };
    }
    case "openrouter": {
      const { createOpenRouter } = await import("@openrouter/ai-sdk-provider");
      const sdk = createOpenRouter({ baseURL, apiKey, headers });
      return {
        model: sdk.chat(ref.modelId) as unknown as LanguageModel,
        providerOptions: (level): ProviderOptions =>
          level === "off" ? {} : { openrouter: { reasoning: { effort: OPENAI_EFFORT[level] === "xhigh" ? "high" : OPENAI_EFFORT[level] } } },
        caching: openRouterCaching(ref.modelId, provider.cacheTtl),
      };
    }
    case "ollama": {
      const { createOllama } = await import("ollama-ai-provider-v2");
      // Ollama itself needs no key; one configured (a proxy in front of it) goes in as a bearer token.
      const sdk = createOllama({ baseURL, headers: apiKey ? { Authorization: `Bearer ${apiKey}`, ...headers } : headers });
      return {
        model: sdk(ref.modelId) as unknown as LanguageModel,
        providerOptions: (level): ProviderOptions => (level === "off" ? {} : { ollama: { think: true } }),
        caching: AUTOMATIC_CACHING,
      };
    }
  }
}

/** "key from environment variable OPENAI_API_KEY" — where the key came from, never the key. */
export function keySourceText(provider: ResolvedProvider): string {
  if (!provider.apiKey.value) return "no key configured";
  return `key from ${describeSource(provider.apiKey.source)}`;
}
