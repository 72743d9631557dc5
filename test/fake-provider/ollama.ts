/**
 * Ollama native chat API (`POST .../api/chat`). Streaming (the default unless `stream: false`):
 * NDJSON, one object per line. `message.thinking` carries reasoning, `message.content` text
 * (always present, "" when empty), tool calls arrive whole in one line as
 * `message.tool_calls[].function.{name, arguments(object)}`; the last line has `done: true`,
 * `done_reason` and the token counts. Like real Ollama, `done_reason` is "stop" even after tool
 * calls (the provider maps that to finishReason "tool-calls" itself). Errors: `{"error": "..."}`.
 */
import type { EncodeContext, ProtocolHandler, ResolvedTurn } from "./common.js";
import { splitChunks } from "./common.js";

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function toolCallsJson(turn: ResolvedTurn) {
  return turn.toolCalls.map((call, index) => ({
    id: call.id,
    function: { index, name: call.name, arguments: call.argsValue },
  }));
}

function doneFields(turn: ResolvedTurn) {
  return {
    done: true,
    done_reason: "stop",
    total_duration: 123_000_000,
    load_duration: 1_000_000,
    prompt_eval_count: turn.usage.input,
    prompt_eval_duration: 10_000_000,
    eval_count: turn.usage.output,
    eval_duration: 100_000_000,
  };
}

export const ollama: ProtocolHandler = {
  protocol: "ollama",
  toolIdPrefix: "call_",
  streamContentType: "application/x-ndjson",
  malformedChunk: '{"model": "broken", "message": {oops\n',

  isStreaming(body) {
    return body?.stream !== false;
  },

  stream(turn: ResolvedTurn, ctx: EncodeContext): string[] {
    const frames: string[] = [];
    const base = () => ({ model: ctx.model, created_at: new Date().toISOString() });
    for (const thinking of splitChunks(turn.reasoning, turn.chunkSize)) {
      frames.push(line({ ...base(), message: { role: "assistant", content: "", thinking }, done: false }));
    }
    for (const content of splitChunks(turn.text, turn.chunkSize)) {
      frames.push(line({ ...base(), message: { role: "assistant", content }, done: false }));
    }
    if (turn.toolCalls.length > 0) {
      frames.push(line({ ...base(), message: { role: "assistant", content: "", tool_calls: toolCallsJson(turn) }, done: false }));
    }
    frames.push(line({ ...base(), message: { role: "assistant", content: "" }, ...doneFields(turn) }));
    return frames;
  },

  json(turn: ResolvedTurn, ctx: EncodeContext) {
    const message: Record<string, unknown> = { role: "assistant", content: turn.text };
    if (turn.reasoning) message.thinking = turn.reasoning;
    if (turn.toolCalls.length > 0) message.tool_calls = toolCallsJson(turn);
    return { model: ctx.model, created_at: new Date().toISOString(), message, ...doneFields(turn) };
  },

  errorBody(_status: number, message: string) {
    return { error: message };
  },
};
