import { APICallError } from "ai";
import type { ErrorKind } from "../agent/events.js";
import { redact, registerConfiguredKey } from "../common/redact.js";
import { keySourceText } from "./createModel.js";
import type { ResolvedProvider } from "./resolve.js";

export interface ClassifiedError {
  kind: ErrorKind;
  retryable: boolean;
  status?: number;
  /** From a `retry-after` header. */
  retryAfterMs?: number;
  url?: string;
  /** Safe to show: names the provider, URL and key source; never the key. */
  message: string;
}

/** Raised by the loop when a stream produced nothing for too long. */
export class StallError extends Error {
  constructor(readonly afterMs: number) {
    super(`no data received for ${Math.round(afterMs / 1000)}s`);
  }
}

/** Raised by the loop when a stream ended without its final frame (no finish, no usage). */
export class IncompleteStreamError extends Error {
  constructor() {
    super("the stream ended before the response was complete");
  }
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let cur: unknown = err;
  while (cur && chain.length < 8) {
    chain.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return chain;
}

function isNetworkError(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    const msg = e instanceof Error ? e.message : "";
    return /^(terminated|fetch failed|other side closed|socket hang up)/i.test(msg);
  });
}

function isMalformed(err: unknown): boolean {
  return causeChain(err).some((e) => {
    const name = (e as { name?: unknown }).name;
    return typeof name === "string" && /AI_(JSONParseError|TypeValidationError|InvalidResponseDataError|EmptyResponseBodyError)/.test(name);
  });
}

/** `https://user:token@host/…` → `https://host/…`: URLs are shown, credentials never. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}

export function parseRetryAfter(headers: Record<string, string> | undefined): number | undefined {
  const ms = headers?.["retry-after-ms"];
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** The provider's own explanation from an error body, shortened. */
function providerDetail(body: string | undefined): string {
  if (!body) return "";
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const msg = typeof json.error === "string" ? json.error : (json.error?.message ?? json.message);
    if (msg) return msg.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.slice(0, 200);
}

function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status >= 500) return "server";
  return "bad_request";
}

/** Turns whatever the SDK threw into an error a user can act on, and says whether to retry. */
export function classifyError(err: unknown, provider: ResolvedProvider): ClassifiedError {
  // Normally registered when the model was resolved; registering again is harmless and keeps a
  // key that a provider echoes back out of the message even when it was not.
  registerConfiguredKey(provider.apiKey.value);
  const who = `${provider.displayName} (${provider.id})`;
  const keyInfo = keySourceText(provider);
  const finish = (e: Omit<ClassifiedError, "message">, what: string): ClassifiedError => {
    const url = withoutCredentials(e.url ?? provider.baseUrl);
    return { ...e, url, message: redact(`${who} request to ${url} failed: ${what} (${keyInfo})`) };
  };
  if (err instanceof StallError) return finish({ kind: "stalled", retryable: true }, `stream stalled: ${err.message}`);
  if (err instanceof IncompleteStreamError) {
    return finish({ kind: "malformed_response", retryable: true }, `malformed response: ${err.message}`);
  }
  // A 2xx whose body broke off ("Failed to process successful response") is a stream failure,
  // classified by its cause below, not an HTTP error.
  if (APICallError.isInstance(err) && err.statusCode !== undefined && err.statusCode >= 300) {
    const status = err.statusCode;
    const detail = providerDetail(err.responseBody) || err.message;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const hint = status === 401 || status === 403 ? " — check the API key (and that the base URL points at the right gateway)" : "";
    return finish(
      {
        kind: kindForStatus(status),
        retryable,
        status,
        url: err.url,
        retryAfterMs: parseRetryAfter(err.responseHeaders),
      },
      `HTTP ${status}: ${detail}${hint}`,
    );
  }
  if (isNetworkError(err)) {
    const url = APICallError.isInstance(err) ? err.url : undefined;
    const msg = causeChain(err)
      .map((e) => (e instanceof Error ? e.message : ((e as { code?: unknown }).code ?? String(e))))
      .filter(Boolean)
      .join(": ");
    return finish({ kind: "network", retryable: true, url }, `network error: ${msg}`);
  }
  if (isMalformed(err)) {
    return finish({ kind: "malformed_response", retryable: true }, `malformed response: ${(err as Error).message.slice(0, 300)}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (APICallError.isInstance(err)) {
    return finish({ kind: "network", retryable: true, url: err.url }, `response broke off: ${message.slice(0, 300)}`);
  }
  return finish({ kind: "unknown", retryable: false }, message.slice(0, 500));
}
