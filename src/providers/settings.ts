import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { ModelChoicesSchema, ModelOptionSchema, ProvidersViewSchema, ProviderUpdate, ProviderView, SourceSchema } from "../api/schemas.js";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { ConfigError } from "../config/errors.js";
import { removeJsoncProperty, removeJsoncPropertyIfEmpty, setJsoncValue } from "../config/jsoncEdit.js";
import { withFileLock } from "../config/lock.js";
import { providersFile } from "../config/paths.js";
import { builtinProvider } from "./catalog.js";
import { type LoadedProvidersConfig, loadProvidersConfig, modelEntryId, parseProvidersConfig } from "./config.js";
import { defaultModelOf } from "./defaultModel.js";
import { imageSupportOf, KNOWN_MODELS } from "./models.js";
import { describeSource, maskSecret, type ResolvedProvider, resolveProviders, type ValueSource } from "./resolve.js";

type ProvidersView = z.infer<typeof ProvidersViewSchema>;
type ModelOption = z.infer<typeof ModelOptionSchema>;

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

/**
 * Read-modify-write of providers.jsonc under the lock every Mux process takes for it, so two
 * saves at once (two browser tabs, a server and an editor script) both land: each edits the
 * file as the one before left it. `change` returns the new text, or null to leave it alone.
 */
async function editFile(file: string, change: (text: string) => string | null): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  await withFileLock(`${file}.lock`, async () => {
    const text = change(readForEdit(file));
    if (text === null) return;
    parseProvidersConfig(text, file); // the result must be valid, or nothing is written
    await writeFileAtomic(file, text, { mode: 0o600 });
  });
}

const FIELDS = ["providerType", "displayName", "baseUrl", "apiKey", "wireFormat", "models"] as const;

/** The new text of providers.jsonc with one provider changed; throws ConfigError for a bad update. */
function applyUpdate(text: string, file: string, update: ProviderUpdate): string {
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
  let out = existing ? text : setJsoncValue(text, [update.id], {});
  for (const field of FIELDS) {
    const given = update[field];
    if (given === undefined) continue;
    // The form edits ids: a model kept keeps what the file declares of it (its context window…).
    const value = field === "models" && Array.isArray(given) ? given.map((id) => existing?.models?.find((e) => modelEntryId(e) === id) ?? id) : given;
    out = setJsoncValue(out, [update.id, field], value === null ? undefined : value);
  }
  // Clearing the last field leaves nothing to say about the provider: no empty `{ }` is kept.
  return removeJsoncPropertyIfEmpty(out, [update.id]);
}

/**
 * Changes one provider's settings in providers.jsonc. `null` removes a field (the environment
 * then applies); omitted fields are left alone. Takes effect on the next request.
 */
export async function updateProvider(update: ProviderUpdate, env: NodeJS.ProcessEnv = process.env): Promise<ProvidersView> {
  const file = providersFile(env);
  await editFile(file, (text) => applyUpdate(text, file, update));
  return providersView(env);
}

/** Removes a provider's entry: a built-in falls back to the environment, a custom one is gone. */
export async function removeProvider(id: string, env: NodeJS.ProcessEnv = process.env): Promise<ProvidersView> {
  const file = providersFile(env);
  await editFile(file, (text) => (parseProvidersConfig(text, file)[id] ? removeJsoncProperty(text, [id]) : null));
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

function imagesOf(providers: ResolvedProvider[], provider: string, modelId: string) {
  const p = providers.find((x) => x.id === provider);
  return imageSupportOf({ provider, modelId }, p?.kind ?? builtinProvider(provider)?.kind ?? "openai-compatible", p?.modelLimits);
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
    images: imagesOf(providers, k.provider, k.id),
  }));
  for (const p of providers) {
    for (const model of p.models) {
      const id = `${p.id}:${model}`;
      if (options.some((o) => o.id === id)) continue;
      const contextWindow = p.modelLimits[model]?.contextWindow ?? null;
      const images = imagesOf(providers, p.id, model);
      options.push({ id, provider: p.id, aliases: [], contextWindow, priced: model in p.prices, ready: ready.get(p.id) ?? false, images });
    }
  }
  return options;
}
