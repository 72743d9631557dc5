/**
 * Anthropic Messages API (`POST .../messages`). Streaming: `event: <type>` + `data: <json>` frames:
 *   message_start (message.usage) → ping →
 *   [thinking]  content_block_start(thinking) → thinking_delta* → signature_delta → content_block_stop
 *   [text]      content_block_start(text) → text_delta* → content_block_stop
 *   [tool use]  content_block_start(tool_use, input {}) → input_json_delta* → content_block_stop
 *   message_delta (stop_reason + usage) → message_stop
 * Usage: `input_tokens` excludes cache reads and writes, so we send input - cached - cacheWrite,
 * `cache_read_input_tokens: cached` and `cache_creation_input_tokens: cacheWrite`; the SDK adds
 * them back up.
 * Prompt caching: tools, then system blocks, then each message's content blocks, in that order;
 * a block with `cache_control` is a breakpoint (see promptCache.ts).
 */
import { type EncodeContext, type ProtocolHandler, type ResolvedTurn, SSE_MALFORMED, hexId, splitChunks, sse } from "./common.js";
import { CACHE_TTL_1H, CACHE_TTL_5M, type PromptBlock, type PromptOf } from "./promptCache.js";

function startUsage(turn: ResolvedTurn) {
  return {
    input_tokens: Math.max(0, turn.usage.input - turn.usage.cached - turn.usage.cacheWrite),
    cache_creation_input_tokens: turn.usage.cacheWrite,
    cache_read_input_tokens: turn.usage.cached,
    output_tokens: 1,
    service_tier: "standard",
  };
}

function finalUsage(turn: ResolvedTurn) {
  return {
    ...startUsage(turn),
    output_tokens: turn.usage.output,
    ...(turn.usage.reasoning > 0 ? { output_tokens_details: { thinking_tokens: turn.usage.reasoning } } : {}),
  };
}

function block(value: Record<string, unknown>, extra: Record<string, unknown> = {}): PromptBlock {
  const { cache_control, ...content } = value;
  const ttl = (cache_control as { ttl?: string } | undefined)?.ttl;
  return { content: { ...extra, ...content }, breakpointTtlMs: cache_control ? (ttl === "1h" ? CACHE_TTL_1H : CACHE_TTL_5M) : undefined };
}

function promptOf(body: any): PromptOf {
  const blocks: PromptBlock[] = [];
  for (const tool of Array.isArray(body?.tools) ? body.tools : []) blocks.push(block(tool));
  const system = body?.system;
  if (typeof system === "string") blocks.push(block({ type: "text", text: system }));
  else if (Array.isArray(system)) for (const b of system) blocks.push(block(b));
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    const content = typeof message?.content === "string" ? [{ type: "text", text: message.content }] : (message?.content ?? []);
    for (const b of content) blocks.push(block(b, { role: message.role }));
  }
  return { mode: "explicit", blocks };
}

function stopReason(turn: ResolvedTurn): string {
  return turn.toolCalls.length > 0 ? "tool_use" : "end_turn";
}

function signature(turn: ResolvedTurn): string {
  return Buffer.from(`fake-signature:${turn.reasoning.length}`).toString("base64");
}

export const anthropic: ProtocolHandler = {
  protocol: "anthropic",
  toolIdPrefix: "toolu_",
  streamContentType: "text/event-stream; charset=utf-8",
  malformedChunk: SSE_MALFORMED,
  promptOf,

  isStreaming(body) {
    return body?.stream === true;
  },

  stream(turn: ResolvedTurn, ctx: EncodeContext): string[] {
    const frames: string[] = [];
    const emit = (type: string, payload: Record<string, unknown> = {}) => frames.push(sse({ type, ...payload }, type));
    emit("message_start", {
      message: {
        id: `msg_${hexId(ctx.nextId())}`,
        type: "message",
        role: "assistant",
        model: ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: startUsage(turn),
      },
    });
    emit("ping");
    let index = 0;
    if (turn.reasoning) {
      emit("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (const thinking of splitChunks(turn.reasoning, turn.chunkSize)) {
        emit("content_block_delta", { index, delta: { type: "thinking_delta", thinking } });
      }
      emit("content_block_delta", { index, delta: { type: "signature_delta", signature: signature(turn) } });
      emit("content_block_stop", { index });
      index++;
    }
    if (turn.text) {
      emit("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const text of splitChunks(turn.text, turn.chunkSize)) {
        emit("content_block_delta", { index, delta: { type: "text_delta", text } });
      }
      emit("content_block_stop", { index });
      index++;
    }
    for (const call of turn.toolCalls) {
      emit("content_block_start", {
        index,
        content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
      });
      for (const partial_json of splitChunks(call.argsJson, turn.chunkSize)) {
        emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } });
      }
      emit("content_block_stop", { index });
      index++;
    }
    emit("message_delta", { delta: { stop_reason: stopReason(turn), stop_sequence: null }, usage: finalUsage(turn) });
    emit("message_stop");
    return frames;
  },

  json(turn: ResolvedTurn, ctx: EncodeContext) {
    const content: Record<string, unknown>[] = [];
    if (turn.reasoning) content.push({ type: "thinking", thinking: turn.reasoning, signature: signature(turn) });
    if (turn.text) content.push({ type: "text", text: turn.text });
    for (const call of turn.toolCalls) {
      content.push({ type: "tool_use", id: call.id, name: call.name, input: call.argsValue });
    }
    return {
      id: `msg_${hexId(ctx.nextId())}`,
      type: "message",
      role: "assistant",
      model: ctx.model,
      content,
      stop_reason: stopReason(turn),
      stop_sequence: null,
      usage: finalUsage(turn),
    };
  },

  errorBody(status: number, message: string) {
    const type =
      status === 400
        ? "invalid_request_error"
        : status === 401
          ? "authentication_error"
          : status === 403
            ? "permission_error"
            : status === 404
              ? "not_found_error"
              : status === 413
                ? "request_too_large"
                : status === 429
                  ? "rate_limit_error"
                  : status === 529
                    ? "overloaded_error"
                    : "api_error";
    return { type: "error", error: { type, message } };
  },
};
