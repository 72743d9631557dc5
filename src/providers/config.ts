import * as fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../config/errors.js";
import { locate, parseJsonc } from "../config/jsonc.js";
import { providersFile } from "../config/paths.js";
import { builtinProvider, CUSTOM_PROVIDER_ID } from "./catalog.js";

/** Prices in USD per million tokens, for models Mux does not know. */
export const PriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  /** Anthropic: the price of a cache write kept for an hour (used with `"cacheTtl": "1h"`). */
  cacheWrite1h: z.number().nonnegative().optional(),
});

/** `z.string().url()` alone accepts `localhost:8080` (scheme "localhost:") and `ftp://…`. */
const HttpUrl = z.url({
  protocol: /^https?$/,
  error: "expected an http:// or https:// URL",
});

/**
 * A model a provider serves: its id, or the id with what Mux cannot know of a model it does not
 * know (how many tokens its context window holds, how many it may write per request):
 * `"models": ["qwen3-coder", { "id": "small", "contextWindow": 8000, "maxOutputTokens": 2000 }]`.
 * The original Mux's entries read too: `contextWindowTokens` is its name for the window, and
 * `mappedToModel` names a known model whose window this one shares. `images` says whether it
 * takes images (default: see providers/images.ts).
 */
export const ModelEntrySchema = z.union([
  z.string().min(1),
  z
    .object({
      id: z.string().min(1),
      contextWindow: z.number().int().positive().optional(),
      maxOutputTokens: z.number().int().positive().optional(),
      contextWindowTokens: z.number().int().positive().optional(),
      mappedToModel: z.string().min(1).optional(),
      images: z.boolean().optional(),
    })
    .strict(),
]);
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

/** What providers.jsonc says of a model's size limits (each absent when it says nothing). */
export interface ModelLimits {
  contextWindow?: number;
  maxOutputTokens?: number;
  /** A known model (`provider:id`) whose figures apply where this one declares none. */
  mappedToModel?: string;
  /** Takes images as input (absent: the model table or the provider's default decides). */
  images?: boolean;
}

export function modelEntryId(entry: ModelEntry): string {
  return typeof entry === "string" ? entry : entry.id;
}

/** The ids of a `models` list, and the limits given for some of them. */
export function splitModelEntries(entries: ModelEntry[] = []): { ids: string[]; limits: Record<string, ModelLimits> } {
  const limits: Record<string, ModelLimits> = {};
  for (const e of entries) {
    if (typeof e === "string") continue;
    const contextWindow = e.contextWindow ?? e.contextWindowTokens;
    limits[e.id] = {
      ...(contextWindow !== undefined ? { contextWindow } : {}),
      ...(e.maxOutputTokens !== undefined ? { maxOutputTokens: e.maxOutputTokens } : {}),
      ...(e.mappedToModel !== undefined ? { mappedToModel: e.mappedToModel } : {}),
      ...(e.images !== undefined ? { images: e.images } : {}),
    };
  }
  return { ids: entries.map(modelEntryId), limits };
}

const common = {
  apiKey: z.string().optional(),
  /** A file holding the key (`~` expands); keeps the secret out of providers.jsonc. */
  apiKeyFile: z.string().optional(),
  baseUrl: HttpUrl.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  models: z.array(ModelEntrySchema).optional(),
  prices: z.record(z.string(), PriceSchema).optional(),
};

export const BuiltinProviderSettingsSchema = z.object({
  ...common,
  /** OpenAI only: `responses` (default) or `chatCompletions`. */
  wireFormat: z.enum(["responses", "chatCompletions"]).optional(),
  organization: z.string().optional(),
  /**
   * Anthropic and OpenRouter: how long the prompt cache keeps a chat's context, "5m" (default)
   * or "1h". An hour costs more to write (2× the input price instead of 1.25×) and pays off when
   * the turns of a chat are more than 5 minutes apart.
   */
  cacheTtl: z.enum(["5m", "1h"]).optional(),
});

export const CustomProviderSettingsSchema = z.object({
  ...common,
  providerType: z.literal("openai-compatible"),
  displayName: z.string().optional(),
  baseUrl: HttpUrl,
});

export type BuiltinProviderSettings = z.infer<typeof BuiltinProviderSettingsSchema>;
export type CustomProviderSettings = z.infer<typeof CustomProviderSettingsSchema>;
export type ProviderSettings = BuiltinProviderSettings | CustomProviderSettings;
export type ProvidersConfig = Record<string, ProviderSettings>;

export interface LoadedProvidersConfig {
  file: string;
  exists: boolean;
  config: ProvidersConfig;
}

/** Validates one provider entry; errors point at the entry's line in the file. */
function parseEntry(id: string, value: unknown, text: string, file: string): ProviderSettings {
  const isBuiltin = builtinProvider(id) !== undefined;
  const error = (p: (string | number)[], message: string) => {
    const loc = locate(text, p);
    const where = loc ? `${file}:${loc.line}:${loc.column}` : file;
    return new ConfigError(`${where}: ${message}`, file, loc?.line, loc?.column);
  };
  if (!isBuiltin) {
    const providerType = (value as { providerType?: unknown } | null)?.providerType;
    if (providerType === undefined) {
      throw error([id], `unknown provider "${id}". Built-in providers need no "providerType"; a custom provider needs "providerType": "openai-compatible".`);
    }
    if (!CUSTOM_PROVIDER_ID.test(id)) {
      throw error([id], `invalid provider id "${id}": use lowercase letters, digits, "_" and "-".`);
    }
  }
  const schema = isBuiltin ? BuiltinProviderSettingsSchema.strict() : CustomProviderSettingsSchema.strict();
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const p = [id, ...issue.path.map((k) => (typeof k === "symbol" ? String(k) : k))];
    const field = issue.path.length > 0 ? `"${p.join(".")}"` : `provider "${id}"`;
    const detail = issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : issue.message;
    // An unknown field is reported on the object holding it: point at the field itself.
    const where = issue.code === "unrecognized_keys" ? [...p, issue.keys[0]] : p;
    throw error(where, `${field}: ${detail}`);
  }
  return result.data;
}

/** Parses providers.jsonc text; throws ConfigError naming the file, line and column. */
export function parseProvidersConfig(text: string, file: string): ProvidersConfig {
  const raw = parseJsonc(text, file);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`${file}:1:1: expected an object of provider settings`, file, 1, 1);
  }
  const config: ProvidersConfig = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    config[id] = parseEntry(id, value, text, file);
  }
  return config;
}

/** Reads `MUX_ROOT/providers.jsonc`; a missing file is an empty config. */
export function loadProvidersConfig(env: NodeJS.ProcessEnv = process.env): LoadedProvidersConfig {
  const file = providersFile(env);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { file, exists: false, config: {} };
    throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`, file);
  }
  return { file, exists: true, config: parseProvidersConfig(text, file) };
}
