/**
 * OpenAI Chat Completions (`POST .../chat/completions`), also used by OpenRouter and
 * OpenAI-compatible servers. Streaming: `data: <chunk>` SSE frames, a finish_reason chunk,
 * a usage chunk with empty `choices`, then `data: [DONE]`.
 */
import { type EncodeContext, type ProtocolHandler, type ResolvedTurn, SSE_MALFORMED, hexId, splitChunks, sse } from "./common.js";
import type { PromptOf } from "./promptCache.js";

/** Prompt caching: automatic, per `prompt_cache_key`; tools come first, then the conversation. */
function promptOf(body: any): PromptOf {
  const tools = Array.isArray(body?.tools) ? body.tools : [];
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  return { mode: "automatic", cacheKey: body?.prompt_cache_key ?? "", blocks: [...tools, ...messages].map((content) => ({ content })) };
}

function usageJson(turn: ResolvedTurn) {
  const u = turn.usage;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
}

function finishReason(turn: ResolvedTurn): string {
  return turn.toolCalls.length > 0 ? "tool_calls" : "stop";
}

export const openaiChat: ProtocolHandler = {
  protocol: "openai-chat",
  toolIdPrefix: "call_",
  streamContentType: "text/event-stream; charset=utf-8",
  malformedChunk: SSE_MALFORMED,
  promptOf,

  isStreaming(body) {
    return body?.stream === true;
  },

  stream(turn: ResolvedTurn, ctx: EncodeContext): string[] {
    const id = `chatcmpl-${hexId(ctx.nextId())}`;
    const base = { id, object: "chat.completion.chunk", created: ctx.created, model: ctx.model, system_fingerprint: "fp_fake" };
    const frames: string[] = [];
    let first = true;
    const delta = (d: Record<string, unknown>, finish: string | null = null) => {
      const withRole = first ? { role: "assistant", ...d } : d;
      first = false;
      frames.push(sse({ ...base, choices: [{ index: 0, delta: withRole, logprobs: null, finish_reason: finish }] }));
    };

    // Reasoning: `reasoning_content` (DeepSeek/vLLM/openai-compatible) and `reasoning` (OpenRouter).
    // The official OpenAI provider ignores both.
    for (const piece of splitChunks(turn.reasoning, turn.chunkSize)) {
      delta({ content: null, reasoning_content: piece, reasoning: piece });
    }
    for (const piece of splitChunks(turn.text, turn.chunkSize)) delta({ content: piece });
    turn.toolCalls.forEach((call, index) => {
      delta({
        ...(first ? { content: null } : {}),
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      });
      for (const piece of splitChunks(call.argsJson, turn.chunkSize)) {
        delta({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
    });
    delta({}, finishReason(turn));
    frames.push(sse({ ...base, choices: [], usage: usageJson(turn) }));
    frames.push("data: [DONE]\n\n");
    return frames;
  },

  json(turn: ResolvedTurn, ctx: EncodeContext) {
    const message: Record<string, unknown> = { role: "assistant", content: turn.text || null, refusal: null };
    if (turn.reasoning) {
      message.reasoning_content = turn.reasoning;
      message.reasoning = turn.reasoning;
    }
    if (turn.toolCalls.length > 0) {
      message.tool_calls = turn.toolCalls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.argsJson },
      }));
    }
    return {
      id: `chatcmpl-${hexId(ctx.nextId())}`,
      object: "chat.completion",
      created: ctx.created,
      model: ctx.model,
      system_fingerprint: "fp_fake",
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(turn) }],
      usage: usageJson(turn),
    };
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
