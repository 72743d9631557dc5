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
  input?: number;
  output?: number;
  cached?: number;
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
  /** Defaults: input 100, output ceil(chars/4)+10, cached 0, reasoning ceil(reasoning.length/4). */
  usage?: FakeUsage;
  fault?: FakeFault;
}

export type FakeProtocol = "openai-chat" | "openai-responses" | "anthropic" | "ollama" | "google";

export interface RecordedRequest {
  index: number;
  protocol: FakeProtocol;
  method: string;
  /** Request path including the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (raw string if it was not JSON). */
  body: any;
  /** Wall-clock ms (performance.timeOrigin + performance.now()) when the request arrived. */
  receivedAt: number;
  authorized: boolean;
}

export interface FakeProviderOptions {
  /** Expected API key; null/undefined accepts anything. */
  token?: string | null;
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
  /** Clear queue, recorded requests and responder. */
  reset(): void;
  /** Stop the server; also ends stalled and in-flight streams. */
  close(): Promise<void>;
}
