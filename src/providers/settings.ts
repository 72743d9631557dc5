import * as fs from "node:fs";
import { applyEdits, type FormattingOptions, findNodeAtLocation, modify, parseTree } from "jsonc-parser";
import type { z } from "zod";
import type { ModelChoicesSchema, ModelOptionSchema, ProvidersViewSchema, ProviderUpdate, ProviderView, SourceSchema } from "../api/schemas.js";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { ConfigError } from "../config/errors.js";
import { providersFile } from "../config/paths.js";
import { builtinProvider } from "./catalog.js";
import { type LoadedProvidersConfig, loadProvidersConfig, parseProvidersConfig } from "./config.js";
import { defaultModelOf } from "./defaultModel.js";
import { KNOWN_MODELS } from "./models.js";
import { describeSource, maskSecret, type ResolvedProvider, resolveProviders, type ValueSource } from "./resolve.js";

type ProvidersView = z.infer<typeof ProvidersViewSchema>;
type ModelOption = z.infer<typeof ModelOptionSchema>;

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: "\n" };
const NEW_FILE = `// Mux provider settings (Settings → Providers writes here; comments are kept).
// Environment variables (OPENAI_API_KEY, ANTHROPIC_BASE_URL, ...) fill any field left out.
{
}
`;

function source(s: ValueSource): z.infer<typeof SourceSchema> {
  return { kind: s.kind, label: describeSource(s) };
}

function view(p: ResolvedProvider): ProviderView {
  const def = builtinProvider(p.id);
  return {
    id: p.id,
    displayName: p.displayName,
    type: p.custom ? "openai-compatible" : p.kind,
    custom: p.custom,
    apiKey: { masked: p.apiKey.value ? maskSecret(p.apiKey.value) : null, source: source(p.apiKey.source) },
    baseUrl: { value: p.baseUrl, configured: p.baseUrlInput.value ?? null, source: source(p.baseUrlInput.source) },
    ...(p.id === "openai" ? { wireFormat: p.wireFormat } : {}),
    keyEnv: p.keyEnv,
    baseUrlEnv: def?.baseUrlEnv ?? [],
    models: p.models,
    ready: !p.requiresKey || Boolean(p.apiKey.value),
  };
}

/** Loads the settings file; a broken file is reported, and the environment still applies. */
function load(env: NodeJS.ProcessEnv): { loaded: LoadedProvidersConfig; error: string | null } {
  try {
    return { loaded: loadProvidersConfig(env), error: null };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { loaded: { file: providersFile(env), exists: true, config: {} }, error: err.message };
  }
}

/** Settings → Providers: every provider's effective settings and their sources; keys masked. */
export function providersView(env: NodeJS.ProcessEnv = process.env): ProvidersView {
  const { loaded, error } = load(env);
  let providers: ResolvedProvider[];
  try {
    providers = resolveProviders(loaded, env);
  } catch (err) {
    // e.g. an unreadable apiKeyFile: show the rest from the environment alone.
    providers = resolveProviders({ ...loaded, config: {} }, env);
    return { file: loaded.file, error: (err as Error).message, providers: providers.map(view) };
  }
  return { file: loaded.file, error, providers: providers.map(view) };
}

/** Applies edits to providers.jsonc text, keeping the user's comments and formatting. */
function edit(text: string, path: (string | number)[], value: unknown): string {
  if (value === undefined) return removeProperty(text, path);
  return applyEdits(text, modify(text, path, value, { formattingOptions: FORMAT }));
}

/**
 * Removes one property but no comment around it (jsonc-parser's own removal also drops a
 * comment that sits between the previous property and this one).
 */
function removeProperty(text: string, path: (string | number)[]): string {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const property = root && findNodeAtLocation(root, path)?.parent;
  if (property?.type !== "property") return text;
  let start = property.offset;
  let end = property.offset + property.length;
  const after = /^[ \t]*,/.exec(text.slice(end));
  if (after) end += after[0].length;
  else {
    // The last property: take the comma before it instead, when only whitespace separates them.
    const before = /,\s*$/.exec(text.slice(0, start));
    if (before) start -= before[0].length;
  }
  // Drop the line entirely when nothing else is left on it.
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", end);
  if (!text.slice(lineStart, start).trim() && lineEnd !== -1 && !text.slice(end, lineEnd).trim()) {
    start = lineStart;
    end = lineEnd + 1;
  }
  return text.slice(0, start) + text.slice(end);
}

function readForEdit(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return NEW_FILE;
    throw err;
  }
  // Never rewrite a file we cannot parse: the user's content would be at risk.
  parseProvidersConfig(text, file);
  return text;
}

async function save(file: string, text: string): Promise<void> {
  parseProvidersConfig(text, file); // the result must be valid, or nothing is written
  await writeFileAtomic(file, text, { mode: 0o600 });
}

/**
 * Changes one provider's settings in providers.jsonc. `null` removes a field (the environment
 * then applies); omitted fields are left alone. Takes effect on the next request.
 */
export async function updateProvider(update: ProviderUpdate, env: NodeJS.ProcessEnv = process.env): Promise<ProvidersView> {
  const file = providersFile(env);
  let text = readForEdit(file);
  const existing = parseProvidersConfig(text, file)[update.id];
  const isBuiltin = builtinProvider(update.id) !== undefined;
  if (!isBuiltin && !existing && update.providerType !== "openai-compatible") {
    throw new ConfigError(`unknown provider "${update.id}": a new custom provider needs providerType "openai-compatible"`);
  }
  if (!isBuiltin && !existing && !update.baseUrl) throw new ConfigError(`a custom provider needs a base URL`);
  if (isBuiltin && (update.providerType || update.displayName)) {
    throw new ConfigError(`"${update.id}" is built in: its display name and type are fixed`);
  }
  if (update.wireFormat !== undefined && update.id !== "openai") throw new ConfigError("only OpenAI has a wire format setting");
  if (!existing) text = edit(text, [update.id], {});
  const fields: [keyof ProviderUpdate, string][] = [
    ["providerType", "providerType"],
    ["displayName", "displayName"],
    ["baseUrl", "baseUrl"],
    ["apiKey", "apiKey"],
    ["wireFormat", "wireFormat"],
    ["models", "models"],
  ];
  for (const [key, field] of fields) {
    const value = update[key];
    if (value === undefined) continue;
    text = edit(text, [update.id, field], value === null ? undefined : value);
  }
  await save(file, text);
  return providersView(env);
}

/** Removes a provider's entry: a built-in falls back to the environment, a custom one is gone. */
export async function removeProvider(id: string, env: NodeJS.ProcessEnv = process.env): Promise<ProvidersView> {
  const file = providersFile(env);
  const text = readForEdit(file);
  if (parseProvidersConfig(text, file)[id]) await save(file, edit(text, [id], undefined));
  return providersView(env);
}

/** The providers' effective settings; with an unreadable apiKeyFile, from the environment alone. */
function resolveForPicker(env: NodeJS.ProcessEnv): ResolvedProvider[] {
  const { loaded } = load(env);
  try {
    return resolveProviders(loaded, env);
  } catch {
    return resolveProviders({ ...loaded, config: {} }, env);
  }
}

/**
 * Set up by the user: a provider that needs a key has one; a keyless one (Ollama, a custom
 * server) has settings of its own rather than only its built-in defaults.
 */
function isSetUp(p: ResolvedProvider): boolean {
  if (p.requiresKey) return Boolean(p.apiKey.value);
  return p.custom || p.baseUrlInput.source.kind !== "default" || p.models.length > 0;
}

/** The picker's models, the model used when none is picked, and whether any provider is set up. */
export function modelChoices(env: NodeJS.ProcessEnv = process.env): z.infer<typeof ModelChoicesSchema> {
  const providers = resolveForPicker(env);
  return { models: listModels(env, providers), defaultModel: defaultModelOf(providers), configured: providers.some(isSetUp) };
}

/** Every model the picker offers: known models, plus the models each provider lists. */
export function listModels(env: NodeJS.ProcessEnv = process.env, providers = resolveForPicker(env)): ModelOption[] {
  const ready = new Map(providers.map((p) => [p.id, !p.requiresKey || Boolean(p.apiKey.value)]));
  const options: ModelOption[] = KNOWN_MODELS.map((k) => ({
    id: `${k.provider}:${k.id}`,
    provider: k.provider,
    aliases: k.aliases,
    contextWindow: k.contextWindow,
    priced: true,
    ready: ready.get(k.provider) ?? false,
  }));
  for (const p of providers) {
    for (const model of p.models) {
      const id = `${p.id}:${model}`;
      if (options.some((o) => o.id === id)) continue;
      options.push({ id, provider: p.id, aliases: [], contextWindow: null, priced: model in p.prices, ready: ready.get(p.id) ?? false });
    }
  }
  return options;
}
