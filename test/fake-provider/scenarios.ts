/** Reusable responders / helpers for scripting the fake provider. */
import type { FakeTurn, RecordedRequest } from "./types.js";

function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Number of tool results the client sent back in this request (i.e. how many tool calls have
 * been answered so far in the conversation), for every protocol:
 * - openai-chat / ollama: messages with role "tool"
 * - openai-responses: input items of type "function_call_output"
 * - anthropic: content blocks of type "tool_result" (inside user messages)
 * - google: parts carrying `functionResponse`
 */
export function countToolResults(req: RecordedRequest): number {
  const body = req.body ?? {};
  switch (req.protocol) {
    case "openai-chat":
    case "ollama":
      return asArray(body.messages).filter((m) => m?.role === "tool").length;
    case "openai-responses":
      return asArray(body.input).filter((item) => item?.type === "function_call_output").length;
    case "anthropic":
      return asArray(body.messages)
        .flatMap((m) => asArray(m?.content))
        .filter((block) => block?.type === "tool_result").length;
    case "google":
      return asArray(body.contents)
        .flatMap((c) => asArray(c?.parts))
        .filter((part) => part?.functionResponse != null).length;
  }
}

/**
 * Responder for an n-step tool loop: while fewer than n tool results are present in the request,
 * call tool `bash` with `{script: "echo step-<i>"}` (i = 1..n); afterwards answer "All done.".
 * Stateless (derived from the request body), so concurrent sessions each get their own loop.
 */
export function echoToolLoop(n: number): (req: RecordedRequest) => FakeTurn {
  return (req) => {
    const done = countToolResults(req);
    if (done < n) {
      return { toolCalls: [{ name: "bash", args: { script: `echo step-${done + 1}` } }] };
    }
    return { text: "All done." };
  };
}
