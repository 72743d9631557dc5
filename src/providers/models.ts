import { ConfigError } from "../config/errors.js";
import type { ProviderKind } from "./catalog.js";
import type { ModelLimits } from "./config.js";
import { type ImageLimits, imageLimitsFor, imagesByDefault } from "./images.js";

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** Input read from the prompt cache. */
  cacheRead?: number;
  /** Input written to the prompt cache (Anthropic, 5-minute TTL: 1.25× input). */
  cacheWrite?: number;
  /** Input written to the prompt cache for an hour (Anthropic: 2× input). */
  cacheWrite1h?: number;
}

export interface KnownModel {
  provider: string;
  id: string;
  aliases: string[];
  contextWindow: number;
  price: Price;
  /** Takes images as input. */
  images: boolean;
}

/** Known models that take no images (every other one in the table does). */
const TEXT_ONLY = new Set(["deepseek-chat", "deepseek-reasoner", "grok-code-fast-1"]);

/** A small table of models Mux knows: aliases and prices for cost accounting, and whether they take images. */
export const KNOWN_MODELS: readonly KnownModel[] = [
  m("anthropic", "claude-sonnet-4-5", ["sonnet"], 200_000, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 }),
  m("anthropic", "claude-opus-4-5", ["opus"], 200_000, { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 }),
  m("anthropic", "claude-haiku-4-5", ["haiku"], 200_000, { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, cacheWrite1h: 2 }),
  m("anthropic", "claude-opus-4-1", [], 200_000, { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, cacheWrite1h: 30 }),
  m("anthropic", "claude-sonnet-4-0", [], 200_000, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 }),
  m("openai", "gpt-5", ["gpt"], 400_000, { input: 1.25, output: 10, cacheRead: 0.125 }),
  m("openai", "gpt-5-mini", ["gpt-mini"], 400_000, { input: 0.25, output: 2, cacheRead: 0.025 }),
  m("openai", "gpt-5-nano", ["gpt-nano"], 400_000, { input: 0.05, output: 0.4, cacheRead: 0.005 }),
  m("openai", "gpt-5-codex", ["codex"], 400_000, { input: 1.25, output: 10, cacheRead: 0.125 }),
  m("openai", "gpt-4.1", [], 1_047_576, { input: 2, output: 8, cacheRead: 0.5 }),
  m("openai", "o3", [], 200_000, { input: 2, output: 8, cacheRead: 0.5 }),
  m("google", "gemini-2.5-pro", ["gemini"], 1_048_576, { input: 1.25, output: 10, cacheRead: 0.31 }),
  m("google", "gemini-2.5-flash", ["flash"], 1_048_576, { input: 0.3, output: 2.5, cacheRead: 0.075 }),
  m("xai", "grok-4", ["grok"], 256_000, { input: 3, output: 15, cacheRead: 0.75 }),
  m("xai", "grok-code-fast-1", ["grok-code"], 256_000, { input: 0.2, output: 1.5, cacheRead: 0.02 }),
  m("deepseek", "deepseek-chat", ["deepseek"], 128_000, { input: 0.28, output: 0.42, cacheRead: 0.028 }),
  m("deepseek", "deepseek-reasoner", [], 128_000, { input: 0.28, output: 0.42, cacheRead: 0.028 }),
];

function m(provider: string, id: string, aliases: string[], contextWindow: number, price: Price): KnownModel {
  return { provider, id, aliases, contextWindow, price, images: !TEXT_ONLY.has(id) };
}

export interface ModelRef {
  provider: string;
  modelId: string;
}

/** `provider:model-id`, split at the first colon (`ollama:qwen3:8b` → ollama, qwen3:8b), or an alias. */
export function parseModelString(input: string): ModelRef {
  const trimmed = input.trim();
  const alias = KNOWN_MODELS.find((k) => k.aliases.includes(trimmed));
  if (alias) return { provider: alias.provider, modelId: alias.id };
  const colon = trimmed.indexOf(":");
  if (colon <= 0 || colon === trimmed.length - 1) {
    const aliases = KNOWN_MODELS.flatMap((k) => k.aliases).join(", ");
    throw new ConfigError(`invalid model "${input}": use provider:model-id (e.g. anthropic:claude-sonnet-4-5) or an alias (${aliases})`);
  }
  return { provider: trimmed.slice(0, colon), modelId: trimmed.slice(colon + 1) };
}

export function formatModel(ref: ModelRef): string {
  return `${ref.provider}:${ref.modelId}`;
}

export function knownModel(ref: ModelRef): KnownModel | undefined {
  return KNOWN_MODELS.find((k) => k.provider === ref.provider && k.id === ref.modelId);
}

/**
 * How many tokens a model's context window holds: what providers.jsonc declares for it (`limits`,
 * its provider's), else the model table's figure; null when neither knows.
 */
export function contextWindowOf(ref: ModelRef, limits: Record<string, ModelLimits> = {}): number | null {
  const declared = limits[ref.modelId];
  if (declared?.contextWindow !== undefined) return declared.contextWindow;
  const mapped = declared?.mappedToModel ? mappedModel(declared.mappedToModel) : undefined;
  return (mapped ?? knownModel(ref))?.contextWindow ?? null;
}

/** The known model an entry is mapped to (a mapping to a model Mux does not know says nothing). */
function mappedModel(name: string): KnownModel | undefined {
  try {
    return knownModel(parseModelString(name));
  } catch {
    return undefined;
  }
}

/**
 * What a model accepts of an image, or null when it takes none: what providers.jsonc declares
 * for it (`"images": true|false`), else the model table's word (its own, or the model it is
 * mapped to), else its provider's default (see images.ts).
 */
export function imageSupportOf(ref: ModelRef, kind: ProviderKind, limits: Record<string, ModelLimits> = {}): ImageLimits | null {
  const declared = limits[ref.modelId];
  const known = declared?.mappedToModel ? mappedModel(declared.mappedToModel) : knownModel(ref);
  const takes = declared?.images ?? known?.images ?? imagesByDefault(ref.provider);
  return takes ? imageLimitsFor(kind) : null;
}
