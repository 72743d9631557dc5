import type { BuiltinProvider } from "./catalog.js";

function stripTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** True when the URL has no path at all ("http://host:8080"), as opposed to "http://host:8080/". */
function hasNoPath(raw: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(raw);
}

/**
 * `OLLAMA_HOST=0.0.0.0` (how Ollama is told to listen everywhere) means port 11434 to the
 * ollama CLI as well: a scheme-less host without a port gets Ollama's default port.
 */
function withOllamaPort(hostAndPath: string): string {
  const cut = hostAndPath.search(/[/?#]/);
  const host = cut < 0 ? hostAndPath : hostAndPath.slice(0, cut);
  const rest = cut < 0 ? "" : hostAndPath.slice(cut);
  return /:\d+$/.test(host) ? hostAndPath : `${host}:11434${rest}`;
}

/**
 * Turns the base URL a user typed into the one the SDK needs.
 * - anthropic: the SDK wants `.../v1`; gateways are configured without it
 *   (`https://host/api/v2/aibridge/anthropic` → `.../anthropic/v1`).
 * - openai and OpenAI-compatible: a URL with no path gains `/v1`; a bare trailing slash
 *   (`http://host:8080/`) means "the origin root" and is kept as the root.
 * - ollama: accepts `OLLAMA_HOST` forms (`host`, `host:port`, `http://host:port`) and adds `/api`.
 */
export function normalizeBaseUrl(rule: BuiltinProvider["urlRule"], input: string): string {
  let raw = input.trim();
  if (rule === "ollama" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) raw = `http://${withOllamaPort(raw)}`;
  switch (rule) {
    case "anthropic": {
      const trimmed = stripTrailingSlashes(raw);
      return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
    }
    case "openai":
      if (hasNoPath(raw)) return `${raw}/v1`;
      return stripTrailingSlashes(raw);
    case "ollama":
      if (hasNoPath(raw) || /^[a-z]+:\/\/[^/]+\/$/i.test(raw)) return `${stripTrailingSlashes(raw)}/api`;
      return stripTrailingSlashes(raw);
    case "verbatim":
      return stripTrailingSlashes(raw);
  }
}

/** Only the host, for error messages (the path may be long; credentials must never show). */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}
