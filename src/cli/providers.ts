import { ConfigError } from "../config/errors.js";
import { loadProvidersConfig } from "../providers/config.js";
import { probeProviders } from "../providers/probe.js";
import { describeSource, maskSecret, type ResolvedProvider, resolveProviders } from "../providers/resolve.js";
import { colors, err, out } from "./output.js";

/** What `mux providers --json` prints per provider: effective values and their sources, keys masked. */
export function providerReport(p: ResolvedProvider) {
  return {
    id: p.id,
    displayName: p.displayName,
    type: p.custom ? "openai-compatible" : p.kind,
    custom: p.custom,
    apiKey: { value: maskSecret(p.apiKey.value) || null, source: describeSource(p.apiKey.source) },
    baseUrl: {
      value: p.baseUrl,
      configured: p.baseUrlInput.value ?? null,
      source: describeSource(p.baseUrlInput.source),
    },
    ...(p.id === "openai" ? { wireFormat: p.wireFormat } : {}),
    ...(p.organization.value ? { organization: { value: p.organization.value, source: describeSource(p.organization.source) } } : {}),
    models: p.models,
    ready: !p.requiresKey || Boolean(p.apiKey.value),
  };
}

export async function providersCommand(opts: { json?: boolean }): Promise<number> {
  let loaded: ReturnType<typeof loadProvidersConfig>;
  try {
    loaded = loadProvidersConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`mux: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  // Ollama and OpenAI-compatible servers are ready only when they answer (no LLM request is made).
  const reports = await probeProviders(resolveProviders(loaded).map(providerReport));
  if (opts.json) {
    out(`${JSON.stringify({ file: loaded.file, exists: loaded.exists, providers: reports }, null, 2)}\n`);
    return 0;
  }
  const c = colors(process.stdout);
  out(`${c.dim(`settings file: ${loaded.file}${loaded.exists ? "" : " (not created yet)"}`)}\n\n`);
  for (const r of reports) {
    const status = r.ready ? c.green("ready") : c.yellow(r.reachable && !r.reachable.ok ? `not reachable at ${r.reachable.url}` : "no key");
    out(`${c.bold(r.id)} ${c.dim(`(${r.displayName}${r.custom ? ", custom" : ""})`)} ${status}\n`);
    out(`  apiKey   ${r.apiKey.value ?? "-"}  ${c.dim(`← ${r.apiKey.source}`)}\n`);
    const configured = r.baseUrl.configured && r.baseUrl.configured !== r.baseUrl.value ? ` (from ${r.baseUrl.configured})` : "";
    out(`  baseUrl  ${r.baseUrl.value}${configured}  ${c.dim(`← ${r.baseUrl.source}`)}\n`);
    if (r.wireFormat) out(`  wire     ${r.wireFormat}\n`);
    if (r.organization) out(`  org      ${r.organization.value}  ${c.dim(`← ${r.organization.source}`)}\n`);
    if (r.models.length) out(`  models   ${r.models.join(", ")}\n`);
  }
  return 0;
}
