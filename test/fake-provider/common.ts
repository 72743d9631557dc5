/** Shared helpers for the protocol encoders. */
import type { PromptOf } from "./promptCache.js";
import type { FakeProtocol, FakeTurn } from "./types.js";

export interface ResolvedToolCall {
  name: string;
  /** Given id, or a generated one with the protocol's prefix ("call_3", "toolu_3"). */
  id: string;
  /** Raw JSON text of the arguments. */
  argsJson: string;
  /** Arguments as a value (parsed from argsJson when possible, else the raw string). */
  argsValue: unknown;
}

export interface ResolvedUsage {
  /** All input tokens, cache reads and writes included. */
  input: number;
  output: number;
  /** Input tokens read from the prompt cache. */
  cached: number;
  /** Input tokens written to the prompt cache (Anthropic reports them apart). */
  cacheWrite: number;
  reasoning: number;
}

export interface ResolvedTurn {
  reasoning: string;
  text: string;
  toolCalls: ResolvedToolCall[];
  chunkSize: number;
  usage: ResolvedUsage;
}

export interface EncodeContext {
  /** Model id echoed back to the client. */
  model: string;
  /** Unique per-server sequence number for ids. */
  nextId(): number;
  /** Unix seconds. */
  created: number;
}

/** One protocol: how to detect it, encode turns as wire chunks, and shape errors. */
export interface ProtocolHandler {
  protocol: FakeProtocol;
  /** Prefix of generated tool call ids. */
  toolIdPrefix: string;
  /** Content type of streamed responses. */
  streamContentType: string;
  /** Whether this request wants a streamed reply. */
  isStreaming(body: any, path: string): boolean;
  /** Wire chunks (already framed) for a streamed reply. */
  stream(turn: ResolvedTurn, ctx: EncodeContext): string[];
  /** JSON body for a non-streamed reply. */
  json(turn: ResolvedTurn, ctx: EncodeContext): unknown;
  /** Provider-shaped error body. */
  errorBody(status: number, message: string): unknown;
  /** A framed chunk that fails to parse on the client. */
  malformedChunk: string;
  /** The request's prompt as the provider's cache sees it (see promptCache.ts); none: not simulated. */
  promptOf?(body: any): PromptOf;
}

export function resolveTurn(turn: FakeTurn, nextId: () => number, toolIdPrefix = "call_"): ResolvedTurn {
  const reasoning = turn.reasoning ?? "";
  const text = turn.text ?? "";
  const toolCalls = (turn.toolCalls ?? []).map((call): ResolvedToolCall => {
    const argsJson = typeof call.args === "string" ? call.args : JSON.stringify(call.args ?? {});
    let argsValue: unknown = call.args ?? {};
    if (typeof call.args === "string") {
      try {
        argsValue = JSON.parse(call.args);
      } catch {
        argsValue = call.args;
      }
    }
    return { name: call.name, id: call.id ?? `${toolIdPrefix}${nextId()}`, argsJson, argsValue };
  });
  const chars = text.length + reasoning.length + toolCalls.reduce((n, c) => n + c.name.length + c.argsJson.length, 0);
  const reasoningTokens = turn.usage?.reasoning ?? (reasoning ? Math.ceil(reasoning.length / 4) : 0);
  const usage: ResolvedUsage = {
    input: turn.usage?.input ?? 100,
    output: turn.usage?.output ?? Math.ceil(chars / 4) + 10 + reasoningTokens,
    cached: turn.usage?.cached ?? 0,
    cacheWrite: turn.usage?.cacheWrite ?? 0,
    reasoning: reasoningTokens,
  };
  return { reasoning, text, toolCalls, chunkSize: Math.max(1, turn.chunkSize ?? 8), usage };
}

/** Split a string into pieces of `size` characters (empty string → no pieces). */
export function splitChunks(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** A Server-Sent Events frame; `event` adds an `event:` line like OpenAI Responses / Anthropic do. */
export function sse(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ""}data: ${payload}\n\n`;
}

export const SSE_MALFORMED = 'data: {"this is": not valid json\n\n';

/** A short random-looking hex id for message/response ids. */
export function hexId(n: number): string {
  return ((n * 2654435761) >>> 0).toString(16).padStart(8, "0") + n.toString(16);
}
