import * as fs from "node:fs";
import { ConfigError } from "../config/errors.js";
import { expandHome } from "../config/paths.js";
import { normalizeBaseUrl } from "./baseUrl.js";
import { BUILTIN_PROVIDERS, type BuiltinProvider, builtinProvider, type ProviderKind } from "./catalog.js";
import {
  type BuiltinProviderSettings,
  type CustomProviderSettings,
  type LoadedProvidersConfig,
  type ModelLimits,
  type ProviderSettings,
  splitModelEntries,
} from "./config.js";

/** Where an effective value came from: the answer to "I set the env var but it is ignored". */
export type ValueSource = { kind: "file"; file: string; field: string } | { kind: "env"; name: string } | { kind: "default" } | { kind: "unset" };

export interface Resolved<T> {
  value: T | undefined;
  source: ValueSource;
}

export interface ResolvedProvider {
  id: string;
  displayName: string;
  kind: ProviderKind;
  custom: boolean;
  apiKey: Resolved<string>;
  /** The URL as configured (before normalisation). */
  baseUrlInput: Resolved<string>;
  /** The URL the SDK is given. */
  baseUrl: string;
  organization: Resolved<string>;
  wireFormat: "responses" | "chatCompletions";
  headers: Record<string, string>;
  /** The ids of the models providers.jsonc lists for it. */
  models: string[];
  /** The context window and output cap providers.jsonc gives for some of them. */
  modelLimits: Record<string, ModelLimits>;
  prices: NonNullable<ProviderSettings["prices"]>;
  requiresKey: boolean;
  /** Environment variables that may hold the key (for hints). */
  keyEnv: string[];
  /** Anthropic: a key from ANTHROPIC_AUTH_TOKEN is a bearer token, not an x-api-key. */
  bearerAuth: boolean;
  /** Anthropic and OpenRouter: how long cached prompt prefixes are kept (see config.ts). */
  cacheTtl: "5m" | "1h";
}

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case "file":
      return source.field === "apiKeyFile" ? `file ${source.file}` : `${source.file} (${source.field})`;
    case "env":
      return `environment variable ${source.name}`;
    case "default":
      return "default";
    case "unset":
      return "not set";
  }
}

function fromEnv(names: string[], env: NodeJS.ProcessEnv): Resolved<string> | undefined {
  for (const name of names) {
    const v = env[name]?.trim();
    if (v) return { value: v, source: { kind: "env", name } };
  }
  return undefined;
}

function resolveKey(settings: ProviderSettings | undefined, keyEnv: string[], file: string, env: NodeJS.ProcessEnv): Resolved<string> {
  if (settings?.apiKey) return { value: settings.apiKey, source: { kind: "file", file, field: "apiKey" } };
  if (settings?.apiKeyFile) {
    const keyPath = expandHome(settings.apiKeyFile);
    let value: string;
    try {
      value = fs.readFileSync(keyPath, "utf8").trim();
    } catch (err) {
      throw new ConfigError(`${file}: apiKeyFile ${keyPath} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, file);
    }
    return { value, source: { kind: "file", file: keyPath, field: "apiKeyFile" } };
  }
  return fromEnv(keyEnv, env) ?? { value: undefined, source: { kind: "unset" } };
}

function resolveBuiltin(
  def: BuiltinProvider,
  settings: BuiltinProviderSettings | undefined,
  loaded: LoadedProvidersConfig,
  env: NodeJS.ProcessEnv,
): ResolvedProvider {
  const file = loaded.file;
  const apiKey = resolveKey(settings, def.keyEnv, file, env);
  const baseUrlInput: Resolved<string> = settings?.baseUrl
    ? { value: settings.baseUrl, source: { kind: "file", file, field: "baseUrl" } }
    : (fromEnv(def.baseUrlEnv, env) ?? { value: def.defaultBaseUrl, source: { kind: "default" } });
  const organization: Resolved<string> = settings?.organization
    ? { value: settings.organization, source: { kind: "file", file, field: "organization" } }
    : def.id === "openai"
      ? (fromEnv(["OPENAI_ORG_ID"], env) ?? { value: undefined, source: { kind: "unset" } })
      : { value: undefined, source: { kind: "unset" } };
  return {
    id: def.id,
    displayName: def.displayName,
    kind: def.kind,
    custom: false,
    apiKey,
    baseUrlInput,
    baseUrl: normalizeBaseUrl(def.urlRule, baseUrlInput.value ?? def.defaultBaseUrl),
    organization,
    wireFormat: settings?.wireFormat ?? "responses",
    headers: settings?.headers ?? {},
    ...listedModels(settings?.models),
    prices: settings?.prices ?? {},
    requiresKey: def.requiresKey,
    keyEnv: def.keyEnv,
    bearerAuth: def.id === "anthropic" && apiKey.source.kind === "env" && apiKey.source.name === "ANTHROPIC_AUTH_TOKEN",
    cacheTtl: settings?.cacheTtl ?? "5m",
  };
}

function resolveCustom(id: string, settings: CustomProviderSettings, loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv): ResolvedProvider {
  const file = loaded.file;
  return {
    id,
    displayName: settings.displayName ?? id,
    kind: "openai-compatible",
    custom: true,
    apiKey: resolveKey(settings, [], file, env),
    baseUrlInput: { value: settings.baseUrl, source: { kind: "file", file, field: "baseUrl" } },
    baseUrl: normalizeBaseUrl("openai", settings.baseUrl),
    organization: { value: undefined, source: { kind: "unset" } },
    wireFormat: "chatCompletions",
    headers: settings.headers ?? {},
    ...listedModels(settings.models),
    prices: settings.prices ?? {},
    requiresKey: false,
    keyEnv: [],
    bearerAuth: true,
    cacheTtl: "5m",
  };
}

function listedModels(entries: ProviderSettings["models"]): Pick<ResolvedProvider, "models" | "modelLimits"> {
  const { ids, limits } = splitModelEntries(entries);
  return { models: ids, modelLimits: limits };
}

/** Every provider (built-ins first, then custom ones in file order) with effective settings. */
export function resolveProviders(loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv = process.env): ResolvedProvider[] {
  const out = BUILTIN_PROVIDERS.map((def) => resolveBuiltin(def, loaded.config[def.id] as BuiltinProviderSettings | undefined, loaded, env));
  for (const [id, settings] of Object.entries(loaded.config)) {
    if (!builtinProvider(id)) out.push(resolveCustom(id, settings as CustomProviderSettings, loaded, env));
  }
  return out;
}

export function resolveProvider(id: string, loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv = process.env): ResolvedProvider | undefined {
  const def = builtinProvider(id);
  if (def) return resolveBuiltin(def, loaded.config[id] as BuiltinProviderSettings | undefined, loaded, env);
  const settings = loaded.config[id];
  return settings ? resolveCustom(id, settings as CustomProviderSettings, loaded, env) : undefined;
}

/** `sk-…abcd`: enough to tell keys apart, never enough to use one. */
export function maskSecret(secret: string | undefined): string {
  if (!secret) return "";
  if (secret.length < 20) return "****";
  const prefix = secret.match(/^[a-z]{2,4}-/i)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}
