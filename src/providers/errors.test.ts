import { APICallError, JSONParseError } from "ai";
import { describe, expect, it } from "vitest";
import { registerSecret } from "../common/redact.js";
import { classifyError, parseRetryAfter, StallError } from "./errors.js";
import { type ResolvedProvider, resolveProvider } from "./resolve.js";

const KEY = "sk-proj-TESTKEY0123456789abcdefghijklmnop";
const URL = "https://api.openai.com/v1/responses";

function openai(key = KEY, env: NodeJS.ProcessEnv = {}): ResolvedProvider {
  const p = resolveProvider("openai", { file: "/home/u/.mux/providers.jsonc", exists: false, config: {} }, { OPENAI_API_KEY: key, ...env });
  if (!p) throw new Error("no openai provider");
  return p;
}

function apiError(statusCode: number, opts: { body?: string; headers?: Record<string, string>; message?: string } = {}) {
  return new APICallError({
    message: opts.message ?? `status ${statusCode}`,
    url: URL,
    requestBodyValues: {},
    statusCode,
    responseHeaders: opts.headers ?? {},
    responseBody: opts.body,
  });
}

describe("classifyError: HTTP errors", () => {
  it("401 is an auth error, not retried, naming provider, URL and key source", () => {
    registerSecret(KEY);
    const e = classifyError(apiError(401, { body: '{"error":{"message":"Incorrect API key provided"}}' }), openai());
    expect(e).toMatchObject({ kind: "auth", retryable: false, status: 401, url: URL });
    expect(e.message).toContain("OpenAI (openai)");
    expect(e.message).toContain(URL);
    expect(e.message).toContain("environment variable OPENAI_API_KEY");
    expect(e.message).toContain("Incorrect API key provided");
    expect(e.message).toContain("check the API key");
  });

  it("never includes the key, even when the provider echoes it back", () => {
    registerSecret(KEY);
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } });
    const e = classifyError(apiError(401, { body, message: `Unauthorized: ${KEY}` }), openai());
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain("[REDACTED]");
  });

  it("never includes the key from a non-JSON body either", () => {
    registerSecret(KEY);
    const e = classifyError(apiError(403, { body: `<html>bad token ${KEY}</html>` }), openai());
    expect(e.kind).toBe("auth");
    expect(e.message).not.toContain(KEY);
  });

  it("hides the provider's own key even if nobody registered it", () => {
    const unregistered = "sk-unregistered-ZYXWVUT9876543210";
    const body = JSON.stringify({ error: `invalid key ${unregistered}` });
    const e = classifyError(apiError(401, { body }), openai(unregistered));
    expect(e.message).not.toContain(unregistered);
  });

  it("says when no key is configured", () => {
    const p = resolveProvider("openai", { file: "/x", exists: false, config: {} }, {});
    const e = classifyError(apiError(401), p as ResolvedProvider);
    expect(e.message).toContain("no key configured");
  });

  it("429 is a retryable rate limit that honours retry-after seconds", () => {
    const e = classifyError(apiError(429, { headers: { "retry-after": "7" } }), openai());
    expect(e).toMatchObject({ kind: "rate_limit", retryable: true, status: 429, retryAfterMs: 7000 });
  });

  it("429 honours retry-after given as an HTTP date", () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const e = classifyError(apiError(429, { headers: { "retry-after": at } }), openai());
    // HTTP dates have one-second resolution.
    expect(e.retryAfterMs).toBeGreaterThan(28_000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("429 prefers retry-after-ms", () => {
    const e = classifyError(apiError(429, { headers: { "retry-after-ms": "1500", "retry-after": "2" } }), openai());
    expect(e.retryAfterMs).toBe(1500);
  });

  it.each([500, 502, 503, 529])("%i is a retryable server error", (status) => {
    expect(classifyError(apiError(status), openai())).toMatchObject({ kind: "server", retryable: true, status });
  });

  it("400 is a bad request, not retried, with the provider's explanation", () => {
    const body = JSON.stringify({ error: { message: "Unsupported parameter: 'temperature'" } });
    const e = classifyError(apiError(400, { body }), openai());
    expect(e).toMatchObject({ kind: "bad_request", retryable: false, status: 400 });
    expect(e.message).toContain("HTTP 400: Unsupported parameter: 'temperature'");
    expect(e.message).not.toContain("check the API key");
  });

  it("408 and 409 are retried", () => {
    expect(classifyError(apiError(408), openai()).retryable).toBe(true);
    expect(classifyError(apiError(409), openai()).retryable).toBe(true);
  });

  it("uses the error's message when the body is empty", () => {
    expect(classifyError(apiError(500, { message: "Internal Server Error" }), openai()).message).toContain("HTTP 500: Internal Server Error");
  });
});

describe("classifyError: other failures", () => {
  it("a reset connection is a retryable network error", () => {
    const err = new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    const e = classifyError(err, openai());
    expect(e).toMatchObject({ kind: "network", retryable: true });
    expect(e.message).toContain("network error: fetch failed: ECONNRESET");
    expect(e.message).not.toContain("[object Object]");
  });

  it("finds the network cause inside the SDK's APICallError, with its URL", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8080"), { code: "ECONNREFUSED" }),
    });
    const err = new APICallError({
      message: "Cannot connect to API: fetch failed",
      url: "http://127.0.0.1:8080/v1/responses",
      requestBodyValues: {},
      cause,
      isRetryable: true,
    });
    const e = classifyError(err, openai());
    expect(e).toMatchObject({ kind: "network", retryable: true, url: "http://127.0.0.1:8080/v1/responses" });
    expect(e.message).toContain("connect ECONNREFUSED 127.0.0.1:8080");
  });

  it("a stall is retryable", () => {
    const e = classifyError(new StallError(90_000), openai());
    expect(e).toMatchObject({ kind: "stalled", retryable: true, url: "https://api.openai.com/v1" });
    expect(e.message).toContain("stream stalled: no data received for 90s");
  });

  it("a malformed stream is retryable", () => {
    const e = classifyError(new JSONParseError({ text: "{not json", cause: new SyntaxError("bad") }), openai());
    expect(e).toMatchObject({ kind: "malformed_response", retryable: true });
  });

  it("anything else is unknown and not retried", () => {
    expect(classifyError(new Error("boom"), openai())).toMatchObject({ kind: "unknown", retryable: false });
    expect(classifyError("a string", openai()).message).toContain("a string");
  });
});

describe("parseRetryAfter", () => {
  it("is undefined without headers", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it("ignores garbage", () => {
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
  });

  it("never returns a negative delay", () => {
    expect(parseRetryAfter({ "retry-after": new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
    expect(parseRetryAfter({ "retry-after": "-5" })).toBe(0);
    expect(parseRetryAfter({ "retry-after-ms": "-5" })).toBe(0);
  });

  it("accepts fractional seconds", () => {
    expect(parseRetryAfter({ "retry-after": "1.5" })).toBe(1500);
  });
});
