import type { AgentModel } from "../agent/loop.js";
import { priceFor } from "../agent/cost.js";
import { registerConfiguredKey } from "../common/redact.js";
import { ConfigError } from "../config/errors.js";
import type { LoadedProvidersConfig } from "./config.js";
import { createModel } from "./createModel.js";
import { formatModel, parseModelString } from "./models.js";
import { resolveProvider, resolveProviders } from "./resolve.js";

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
export function defaultModel(loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv = process.env): string {
  const providers = resolveProviders(loaded, env);
  for (const [id, model] of DEFAULT_MODELS) {
    if (providers.find((p) => p.id === id)?.apiKey.value) return model;
  }
  return DEFAULT_MODELS[0][1];
}

export async function resolveModel(modelString: string, loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv = process.env): Promise<AgentModel> {
  const ref = parseModelString(modelString);
  const provider = resolveProvider(ref.provider, loaded, env);
  if (!provider) {
    throw new ConfigError(
      `unknown provider "${ref.provider}" in model "${modelString}". Built-in providers: ` +
        `${resolveProviders({ ...loaded, config: {} }, env)
          .map((p) => p.id)
          .join(", ")}; custom providers are added in ${loaded.file}.`,
      loaded.file,
    );
  }
  registerConfiguredKey(provider.apiKey.value);
  return {
    name: formatModel(ref),
    provider,
    created: await createModel(provider, ref),
    price: priceFor(ref, provider.prices),
  };
}
