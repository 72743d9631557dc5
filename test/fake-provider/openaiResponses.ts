/**
 * OpenAI Responses API (`POST .../responses`). Streaming: `event: <type>` + `data: <json>` SSE
 * frames, every event carrying `sequence_number`:
 *   response.created → response.in_progress
 *   [reasoning]  output_item.added(reasoning) → reasoning_summary_part.added →
 *                reasoning_summary_text.delta* → reasoning_summary_text.done →
 *                reasoning_summary_part.done → output_item.done(reasoning)
 *   [text]       output_item.added(message) → content_part.added → output_text.delta* →
 *                output_text.done → content_part.done → output_item.done(message)
 *   [tool call]  output_item.added(function_call) → function_call_arguments.delta* →
 *                function_call_arguments.done → output_item.done(function_call)
 *   response.completed (with usage)
 */
import { type EncodeContext, type ProtocolHandler, type ResolvedTurn, SSE_MALFORMED, hexId, splitChunks, sse } from "./common.js";
import type { PromptOf } from "./promptCache.js";

/** Prompt caching: automatic, per `prompt_cache_key`; tools come first, then the conversation. */
function promptOf(body: any): PromptOf {
  const tools = Array.isArray(body?.tools) ? body.tools : [];
  const input = Array.isArray(body?.input) ? body.input : [];
  const instructions = typeof body?.instructions === "string" ? [{ instructions: body.instructions }] : [];
  return { mode: "automatic", cacheKey: body?.prompt_cache_key ?? "", blocks: [...tools, ...instructions, ...input].map((content) => ({ content })) };
}

function usageJson(turn: ResolvedTurn) {
  const u = turn.usage;
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

/** Output items of the final response, with the ids used while streaming. */
function outputItems(turn: ResolvedTurn, ctx: EncodeContext) {
  const items: Record<string, unknown>[] = [];
  if (turn.reasoning) {
    items.push({
      type: "reasoning",
      id: `rs_${hexId(ctx.nextId())}`,
      summary: [{ type: "summary_text", text: turn.reasoning }],
    });
  }
  if (turn.text) {
    items.push({
      type: "message",
      id: `msg_${hexId(ctx.nextId())}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of turn.toolCalls) {
    items.push({
      type: "function_call",
      id: `fc_${hexId(ctx.nextId())}`,
      call_id: call.id,
      name: call.name,
      arguments: call.argsJson,
      status: "completed",
    });
  }
  return items;
}

function responseJson(ctx: EncodeContext, id: string, status: string, output: unknown[], usage: unknown) {
  return {
    id,
    object: "response",
    created_at: ctx.created,
    status,
    model: ctx.model,
    output,
    incomplete_details: null,
    error: null,
    usage,
    service_tier: "default",
  };
}

export const openaiResponses: ProtocolHandler = {
  protocol: "openai-responses",
  toolIdPrefix: "call_",
  streamContentType: "text/event-stream; charset=utf-8",
  malformedChunk: SSE_MALFORMED,
  promptOf,

  isStreaming(body) {
    return body?.stream === true;
  },

  stream(turn: ResolvedTurn, ctx: EncodeContext): string[] {
    const frames: string[] = [];
    let seq = 0;
    const emit = (type: string, payload: Record<string, unknown>) => {
      frames.push(sse({ type, sequence_number: seq++, ...payload }, type));
    };
    const responseId = `resp_${hexId(ctx.nextId())}`;
    const items = outputItems(turn, ctx);
    emit("response.created", { response: responseJson(ctx, responseId, "in_progress", [], null) });
    emit("response.in_progress", { response: responseJson(ctx, responseId, "in_progress", [], null) });

    let toolIndex = 0;
    items.forEach((item, output_index) => {
      const item_id = item.id as string;
      if (item.type === "reasoning") {
        emit("response.output_item.added", { output_index, item: { type: "reasoning", id: item_id, summary: [] } });
        const part = { type: "summary_text", text: "" };
        emit("response.reasoning_summary_part.added", { item_id, output_index, summary_index: 0, part });
        for (const delta of splitChunks(turn.reasoning, turn.chunkSize)) {
          emit("response.reasoning_summary_text.delta", { item_id, output_index, summary_index: 0, delta });
        }
        emit("response.reasoning_summary_text.done", { item_id, output_index, summary_index: 0, text: turn.reasoning });
        emit("response.reasoning_summary_part.done", {
          item_id,
          output_index,
          summary_index: 0,
          part: { type: "summary_text", text: turn.reasoning },
        });
        emit("response.output_item.done", { output_index, item });
      } else if (item.type === "message") {
        emit("response.output_item.added", {
          output_index,
          item: { type: "message", id: item_id, status: "in_progress", role: "assistant", content: [] },
        });
        const emptyPart = { type: "output_text", text: "", annotations: [], logprobs: [] };
        emit("response.content_part.added", { item_id, output_index, content_index: 0, part: emptyPart });
        for (const delta of splitChunks(turn.text, turn.chunkSize)) {
          emit("response.output_text.delta", { item_id, output_index, content_index: 0, delta, logprobs: [] });
        }
        emit("response.output_text.done", { item_id, output_index, content_index: 0, text: turn.text, logprobs: [] });
        const fullPart = { type: "output_text", text: turn.text, annotations: [], logprobs: [] };
        emit("response.content_part.done", { item_id, output_index, content_index: 0, part: fullPart });
        emit("response.output_item.done", { output_index, item });
      } else {
        const call = turn.toolCalls[toolIndex++];
        emit("response.output_item.added", {
          output_index,
          item: { ...item, arguments: "", status: "in_progress" },
        });
        for (const delta of splitChunks(call.argsJson, turn.chunkSize)) {
          emit("response.function_call_arguments.delta", { item_id, output_index, delta });
        }
        emit("response.function_call_arguments.done", { item_id, output_index, arguments: call.argsJson });
        emit("response.output_item.done", { output_index, item });
      }
    });
    emit("response.completed", { response: responseJson(ctx, responseId, "completed", items, usageJson(turn)) });
    return frames;
  },

  json(turn: ResolvedTurn, ctx: EncodeContext) {
    const responseId = `resp_${hexId(ctx.nextId())}`;
    return responseJson(ctx, responseId, "completed", outputItems(turn, ctx), usageJson(turn));
  },

  errorBody(status: number, message: string) {
    const [type, code] =
      status === 401
        ? ["invalid_request_error", "invalid_api_key"]
        : status === 429
          ? ["requests", "rate_limit_exceeded"]
          : status >= 500
            ? ["server_error", null]
            : ["invalid_request_error", null];
    return { error: { message, type, param: null, code } };
  },
};
