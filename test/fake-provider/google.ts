/**
 * Google Gemini (`POST .../models/<id>:streamGenerateContent?alt=sse`, or `:generateContent`).
 * Streaming: `data: <GenerateContentResponse>` SSE frames. Thoughts are text parts with
 * `thought: true`; function calls arrive whole as `{functionCall: {id, name, args}}`. Like the
 * real API the last chunk has `finishReason: "STOP"` even after function calls (the provider maps
 * it to "tool-calls"), plus `usageMetadata`. `candidatesTokenCount` excludes thoughts.
 */
import { type EncodeContext, type ProtocolHandler, type ResolvedTurn, SSE_MALFORMED, hexId, splitChunks, sse } from "./common.js";

function usageMetadata(turn: ResolvedTurn) {
  const u = turn.usage;
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: Math.max(0, u.output - u.reasoning),
    totalTokenCount: u.input + u.output,
    ...(u.cached > 0 ? { cachedContentTokenCount: u.cached } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
  };
}

function functionCallParts(turn: ResolvedTurn) {
  return turn.toolCalls.map((call) => ({
    functionCall: { id: call.id, name: call.name, args: call.argsValue },
  }));
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

export const google: ProtocolHandler = {
  protocol: "google",
  toolIdPrefix: "call_",
  streamContentType: "text/event-stream",
  malformedChunk: SSE_MALFORMED,

  isStreaming(_body, path) {
    return path.includes(":streamGenerateContent");
  },

  stream(turn: ResolvedTurn, ctx: EncodeContext): string[] {
    const responseId = hexId(ctx.nextId());
    const chunk = (parts: unknown[], last = false) =>
      sse({
        candidates: [
          {
            content: { role: "model", parts },
            ...(last ? { finishReason: "STOP" } : {}),
            index: 0,
          },
        ],
        ...(last ? { usageMetadata: usageMetadata(turn) } : {}),
        modelVersion: ctx.model,
        responseId,
      });
    const frames: string[] = [];
    for (const text of splitChunks(turn.reasoning, turn.chunkSize)) frames.push(chunk([{ text, thought: true }]));
    for (const text of splitChunks(turn.text, turn.chunkSize)) frames.push(chunk([{ text }]));
    // Final chunk: function calls (if any) + finishReason + usage.
    frames.push(chunk(turn.toolCalls.length > 0 ? functionCallParts(turn) : [{ text: "" }], true));
    return frames;
  },

  json(turn: ResolvedTurn, ctx: EncodeContext) {
    const parts: unknown[] = [];
    if (turn.reasoning) parts.push({ text: turn.reasoning, thought: true });
    if (turn.text) parts.push({ text: turn.text });
    parts.push(...functionCallParts(turn));
    return {
      candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
      usageMetadata: usageMetadata(turn),
      modelVersion: ctx.model,
      responseId: hexId(ctx.nextId()),
    };
  },

  errorBody(status: number, message: string) {
    return { error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } };
  },
};
