/** Public types of the fake LLM provider server. */

export type FakeFault =
  /** Reply with this HTTP status and a provider-shaped error body (or `body` verbatim). */
  | { kind: "status"; status: number; retryAfterSeconds?: number; body?: unknown }
  /** Send response headers and N chunks, then destroy the socket. */
  | { kind: "reset"; afterChunks?: number }
  /** Send N chunks, then one unparseable SSE data line / NDJSON line, then end the response. */
  | { kind: "malformed"; afterChunks?: number }
  /** Send N chunks, then go silent until the client disconnects or the server closes. */
  | { kind: "stall"; afterChunks?: number };

export interface FakeToolCall {
  name: string;
  /** Tool input. Objects are JSON-encoded; a string is sent verbatim as the raw arguments JSON text. */
  args: unknown;
  /** Tool call id; generated (`call_<n>` / `toolu_<n>`) when omitted. */
  id?: string;
}

export interface FakeUsage {
  /** All input tokens, cache reads and writes included. */
  input?: number;
  output?: number;
  cached?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface FakeTurn {
  reasoning?: string;
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Characters per text/reasoning/arguments delta (default 8). */
  chunkSize?: number;
  /** Delay between wire chunks in ms (default 0). */
  chunkDelayMs?: number;
  /** Awaited before each wire chunk of a streamed reply is sent (its index): a test holds the stream where it wants to look. */
  beforeFrame?: (index: number) => Promise<void> | void;
  /**
   * Defaults: input 100, output ceil(chars/4)+10, cached 0, cacheWrite 0, reasoning
   * ceil(reasoning.length/4). With `promptCache` on, input, cached and cacheWrite default to what
   * the simulated cache bills for the request instead.
   */
  usage?: FakeUsage;
  fault?: FakeFault;
}

export type FakeProtocol = "openai-chat" | "openai-responses" | "anthropic" | "ollama" | "google";

/** An image a request carries, as its protocol sent it. */
export interface RecordedImage {
  /** As the request labels it ("" when the protocol does not say: Ollama). */
  mediaType: string;
  /** Base64 ("" when the image was sent as a link). */
  data: string;
  /** A link sent instead of the image's bytes. */
  url?: string;
}

export interface RecordedRequest {
  index: number;
  protocol: FakeProtocol;
  method: string;
  /** Request path including the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (raw string if it was not JSON). */
  body: any;
  /** The images in the request's messages, in the protocol's own format (see images.ts). */
  images: RecordedImage[];
  /** Wall-clock ms (performance.timeOrigin + performance.now()) when the request arrived. */
  receivedAt: number;
  /** Wall-clock ms when the response was completely written (unset for faults and errors). */
  finishedAt?: number;
  authorized: boolean;
  /** The input tokens the response reported: all, read from the cache, written to it. */
  billed?: { input: number; cached: number; cacheWrite: number };
}

export interface FakeProviderOptions {
  /** Expected API key; null/undefined accepts anything. */
  token?: string | null;
  /**
   * Simulate the providers' prompt caches (Anthropic breakpoints, OpenAI automatic caching by
   * cache key; see promptCache.ts): input tokens are counted from the request and cache reads
   * and writes are reported in the real usage fields.
   */
  promptCache?: boolean;
}

export interface FakeProvider {
  /** "http://127.0.0.1:PORT" */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue turns; each authorized LLM request consumes the next one. */
  enqueue(...turns: FakeTurn[]): void;
  /** Used when the queue is empty (default: a short text answer "Done."). */
  setResponder(fn: ((req: RecordedRequest) => FakeTurn) | null): void;
  setToken(token: string | null): void;
  /** Clear queue, recorded requests and responder (and the simulated prompt cache). */
  reset(): void;
  /** Move the simulated prompt cache's clock on, as if this much time had passed. */
  advanceCacheClock(ms: number): void;
  /** Stop the server; also ends stalled and in-flight streams. */
  close(): Promise<void>;
}
