/**
 * Fake LLM provider: a real HTTP server on 127.0.0.1 speaking the streaming wire protocols of
 * OpenAI Chat Completions, OpenAI Responses, Anthropic Messages, Ollama and Google Gemini, so
 * end-to-end tests and benchmarks can drive the real AI SDK provider packages against it.
 *
 * Routing is by path suffix (any prefix is accepted):
 *   .../chat/completions → openai-chat        .../responses → openai-responses
 *   .../messages         → anthropic          .../api/chat  → ollama
 *   .../<model>:streamGenerateContent | :generateContent → google
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { anthropic } from "./anthropic.js";
import { type EncodeContext, type ProtocolHandler, resolveTurn } from "./common.js";
import { google } from "./google.js";
import { requestImages } from "./images.js";
import { ollama } from "./ollama.js";
import { openaiChat } from "./openaiChat.js";
import { openaiResponses } from "./openaiResponses.js";
import { PromptCacheSimulator } from "./promptCache.js";
import type { FakeFault, FakeProvider, FakeProviderOptions, FakeTurn, RecordedRequest } from "./types.js";

export type * from "./types.js";

/** Chunks sent before a reset/malformed/stall fault when `afterChunks` is omitted. */
export const DEFAULT_FAULT_AFTER_CHUNKS = 2;
export const DEFAULT_TURN: FakeTurn = { text: "Done." };

/** Pick the protocol for a request path (without query string); undefined → 404. */
export function routeProtocol(pathname: string): ProtocolHandler | undefined {
  const p = pathname.replace(/\/+$/, "");
  if (p.endsWith("/chat/completions")) return openaiChat;
  if (p.endsWith("/responses")) return openaiResponses;
  if (p.endsWith("/messages")) return anthropic;
  if (p.endsWith("/api/chat")) return ollama;
  if (/:(stream)?generateContent$/i.test(p)) return google;
  return undefined;
}

function modelFromRequest(handler: ProtocolHandler, pathname: string, body: any): string {
  if (handler.protocol === "google") {
    const m = /\/([^/]+):[a-z]+$/i.exec(pathname);
    return m ? decodeURIComponent(m[1]) : "gemini-fake";
  }
  return typeof body?.model === "string" ? body.model : "fake-model";
}

/** All credentials a request presents: Bearer token, x-api-key, x-goog-api-key, api-key, ?key=. */
function presentedKeys(req: IncomingMessage, url: URL): string[] {
  const keys: string[] = [];
  const auth = req.headers.authorization;
  if (typeof auth === "string" && auth.trim()) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    keys.push(m ? m[1].trim() : auth.trim());
  }
  for (const name of ["x-api-key", "x-goog-api-key", "api-key"]) {
    const v = req.headers[name];
    if (typeof v === "string" && v) keys.push(v);
  }
  const q = url.searchParams.get("key");
  if (q) keys.push(q);
  return keys;
}

function statusMessage(status: number): string {
  if (status === 401) return "fake provider: invalid API key";
  if (status === 429) return "fake provider: rate limit exceeded, please retry";
  if (status === 529) return "fake provider: overloaded";
  if (status >= 500) return `fake provider: internal server error (${status})`;
  return `fake provider: request failed with status ${status}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startFakeProvider(opts: FakeProviderOptions = {}): Promise<FakeProvider> {
  let token: string | null = opts.token ?? null;
  let responder: ((req: RecordedRequest) => FakeTurn) | null = null;
  const queue: FakeTurn[] = [];
  const requests: RecordedRequest[] = [];
  let idSeq = 0;
  const nextId = () => ++idSeq;
  let requestSeq = 0;
  let closed = false;
  /** Responses still being written (or stalled); destroyed on close(). */
  const live = new Set<ServerResponse>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const promptCache = opts.promptCache ? new PromptCacheSimulator() : undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          sleepers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(entry);
    });

  async function streamFrames(
    res: ServerResponse,
    handler: ProtocolHandler,
    contentType: string,
    frames: string[],
    delayMs: number,
    beforeFrame: FakeTurn["beforeFrame"],
    fault: Exclude<FakeFault, { kind: "status" }> | undefined,
    record: RecordedRequest,
  ): Promise<void> {
    live.add(res);
    const closedP = new Promise<void>((resolve) => res.once("close", () => resolve()));
    res.once("close", () => live.delete(res));
    const write = (data: string) => Promise.race([new Promise<void>((resolve) => res.write(data, () => resolve())), closedP]);
    res.writeHead(200, {
      "content-type": contentType,
      "cache-control": "no-cache",
      "x-request-id": `req_fake_${record.index}`,
    });
    res.flushHeaders();
    const limit = fault ? Math.min(fault.afterChunks ?? DEFAULT_FAULT_AFTER_CHUNKS, frames.length) : frames.length;
    for (let i = 0; i < limit; i++) {
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      await beforeFrame?.(i);
      if (res.destroyed || closed) return;
      await write(frames[i]);
    }
    if (res.destroyed || closed) return;
    if (!fault) {
      await new Promise<void>((resolve) => res.end(() => resolve()));
      record.finishedAt = performance.timeOrigin + performance.now();
    } else if (fault.kind === "reset") {
      // Make sure headers (and any frames) reached the socket before killing it.
      await new Promise<void>((resolve) => (res.socket ? res.socket.write("", () => resolve()) : resolve()));
      res.socket?.destroy();
      res.destroy();
    } else if (fault.kind === "malformed") {
      await write(handler.malformedChunk);
      res.end();
    }
    // "stall": leave the response open; close() or the client's disconnect ends it.
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    let body: any = raw === "" ? undefined : raw;
    try {
      if (raw !== "") body = JSON.parse(raw);
    } catch {
      // keep the raw string
    }
    const handler = req.method === "POST" ? routeProtocol(url.pathname) : undefined;
    if (!handler) {
      sendJson(res, 404, {
        error: { message: `fake provider: no route for ${req.method} ${url.pathname}`, type: "not_found", code: 404 },
      });
      return;
    }
    const keys = presentedKeys(req, url);
    const authorized = token == null || keys.includes(token);
    const record: RecordedRequest = {
      index: requestSeq++,
      protocol: handler.protocol,
      method: req.method ?? "POST",
      path: req.url ?? url.pathname,
      headers: { ...req.headers },
      body,
      images: requestImages(handler.protocol, body),
      receivedAt,
      authorized,
    };
    requests.push(record);
    if (!authorized) {
      const message = keys.length === 0 ? "fake provider: missing API key" : "fake provider: invalid API key";
      sendJson(res, 401, handler.errorBody(401, message));
      return;
    }

    const turn = queue.shift() ?? responder?.(record) ?? DEFAULT_TURN;
    const fault = turn.fault;
    if (fault?.kind === "status") {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds != null) headers["retry-after"] = String(fault.retryAfterSeconds);
      sendJson(res, fault.status, fault.body ?? handler.errorBody(fault.status, statusMessage(fault.status)), headers);
      return;
    }
    const ctx: EncodeContext = {
      model: modelFromRequest(handler, url.pathname, body),
      nextId,
      created: Math.floor(Date.now() / 1000),
    };
    const resolved = resolveTurn(turn, nextId, handler.toolIdPrefix);
    if (promptCache && handler.promptOf && turn.usage?.input === undefined) {
      const billed = promptCache.bill(handler.promptOf(body));
      resolved.usage = { ...resolved.usage, input: billed.input, cached: billed.cached, cacheWrite: billed.cacheWrite };
    }
    record.billed = { input: resolved.usage.input, cached: resolved.usage.cached, cacheWrite: resolved.usage.cacheWrite };
    const streaming = handler.isStreaming(body, url.pathname);
    const frames = streaming ? handler.stream(resolved, ctx) : [JSON.stringify(handler.json(resolved, ctx))];
    if (!streaming && !fault) {
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
      if (!closed) sendJson(res, 200, frames[0]);
      record.finishedAt = performance.timeOrigin + performance.now();
      return;
    }
    const contentType = streaming ? handler.streamContentType : "application/json";
    await streamFrames(res, handler, contentType, frames, turn.chunkDelayMs ?? 0, turn.beforeFrame, fault, record);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = `fake provider: handler failed: ${err instanceof Error ? err.message : String(err)}`;
      if (!res.headersSent) sendJson(res, 500, { error: { message, type: "server_error" } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue(...turns: FakeTurn[]) {
      queue.push(...turns);
    },
    setResponder(fn) {
      responder = fn;
    },
    setToken(t) {
      token = t;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      requestSeq = 0;
      responder = null;
      promptCache?.clear();
    },
    advanceCacheClock(ms) {
      promptCache?.advance(ms);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      sleepers.clear();
      for (const res of live) res.destroy();
      live.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
