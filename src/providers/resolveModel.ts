import type { AgentModel } from "../agent/loop.js";
import { priceFor } from "../agent/cost.js";
import { registerConfiguredKey } from "../common/redact.js";
import { ConfigError } from "../config/errors.js";
import type { LoadedProvidersConfig } from "./config.js";
import { createModel } from "./createModel.js";
import { contextWindowOf, formatModel, imageSupportOf, parseModelString } from "./models.js";
import { resolveProvider, resolveProviders } from "./resolve.js";

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
  const maxOutputTokens = provider.modelLimits[ref.modelId]?.maxOutputTokens;
  return {
    name: formatModel(ref),
    provider,
    created: await createModel(provider, ref),
    price: priceFor(ref, provider.prices, provider.cacheTtl),
    contextWindow: contextWindowOf(ref, provider.modelLimits),
    images: imageSupportOf(ref, provider.kind, provider.modelLimits),
    ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}),
  };
}
