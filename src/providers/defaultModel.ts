import type { LoadedProvidersConfig } from "./config.js";
import { type ResolvedProvider, resolveProviders } from "./resolve.js";

/** Flagship model per provider, used when no model was chosen. */
const DEFAULT_MODELS: [provider: string, model: string][] = [
  ["anthropic", "anthropic:claude-sonnet-4-5"],
  ["openai", "openai:gpt-5"],
  ["google", "google:gemini-2.5-pro"],
  ["xai", "xai:grok-code-fast-1"],
  ["deepseek", "deepseek:deepseek-chat"],
  ["openrouter", "openrouter:anthropic/claude-sonnet-4.5"],
];

/** The first provider that has a key decides the default model; Anthropic when none has. */
export function defaultModelOf(providers: ResolvedProvider[]): string {
  for (const [id, model] of DEFAULT_MODELS) {
    if (providers.find((p) => p.id === id)?.apiKey.value) return model;
  }
  return DEFAULT_MODELS[0][1];
}

export function defaultModel(loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv = process.env): string {
  return defaultModelOf(resolveProviders(loaded, env));
}
