import { type LanguageModel, type ModelMessage, streamText, type ToolSet } from "ai";
import { IncompleteStreamError, StallError } from "../providers/errors.js";
import { fromSdkUsage } from "./cost.js";
import type { Usage } from "./events.js";

export interface StepToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  /** Set when the model produced input that failed the schema or named an unknown tool. */
  invalidReason?: string;
  providerMetadata?: Record<string, Record<string, unknown>>;
}

export interface StepCallbacks {
  onText(delta: string): void;
  onReasoning(delta: string): void;
  onReasoningEnd(providerMetadata: Record<string, Record<string, unknown>> | undefined): void;
  onToolStart(toolCallId: string, toolName: string): void;
}

export interface StepResult {
  toolCalls: StepToolCall[];
  usage: Usage;
  finishReason: string;
}

export interface StepRequest {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  providerOptions: Record<string, Record<string, any>>;
  signal: AbortSignal;
  stallTimeoutMs: number;
  /**
   * Ollama's SDK skips unparseable lines silently; a stream that then ends without its final
   * frame reports "other" and no usage. Treat that as broken (retryable) for such providers.
   */
  strictFinish?: boolean;
}

/**
 * One LLM request, streamed. Throws on any failure (HTTP, network, malformed stream, stall) so
 * the caller decides whether to retry; SDK-level retries are off so every retry is visible.
 */
export async function streamStep(req: StepRequest, cb: StepCallbacks): Promise<StepResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(req.signal.reason);
  req.signal.addEventListener("abort", onAbort, { once: true });
  let stalled: StallError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = new StallError(req.stallTimeoutMs);
      controller.abort(stalled);
    }, req.stallTimeoutMs);
  };
  const toolCalls: StepToolCall[] = [];
  const started = new Set<string>();
  let usage: Usage | undefined;
  let finishReason = "unknown";
  try {
    armStallTimer();
    const result = streamText({
      model: req.model,
      system: req.system,
      messages: req.messages,
      tools: req.tools,
      maxRetries: 0,
      abortSignal: controller.signal,
      providerOptions: req.providerOptions,
      // Errors arrive as stream parts below; the default handler would print them (key and all).
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      armStallTimer();
      switch (part.type) {
        case "text-delta":
          if (part.text) cb.onText(part.text);
          break;
        case "reasoning-delta":
          if (part.text) cb.onReasoning(part.text);
          break;
        case "reasoning-end":
          cb.onReasoningEnd(part.providerMetadata as StepToolCall["providerMetadata"]);
          break;
        case "tool-input-start":
          started.add(part.id);
          cb.onToolStart(part.id, part.toolName);
          break;
        case "tool-call": {
          if (!started.has(part.toolCallId)) {
            started.add(part.toolCallId);
            cb.onToolStart(part.toolCallId, part.toolName);
          }
          const invalid = (part as { invalid?: boolean; error?: unknown }).invalid;
          const error = (part as { error?: unknown }).error;
          toolCalls.push({
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            invalidReason: invalid ? (error instanceof Error ? error.message : String(error)) : undefined,
            providerMetadata: part.providerMetadata as StepToolCall["providerMetadata"],
          });
          break;
        }
        case "finish-step":
          usage = fromSdkUsage(part.usage);
          finishReason = part.finishReason;
          break;
        case "error":
          throw part.error;
        case "abort":
          throw stalled ?? req.signal.reason ?? new Error("aborted");
        default:
          break;
      }
    }
    if (stalled) throw stalled;
    if (req.signal.aborted) throw req.signal.reason ?? new Error("aborted");
    const brokeOff = finishReason === "other" && usage?.inputTokens === 0 && usage.outputTokens === 0;
    if (!usage || (req.strictFinish && brokeOff)) {
      throw new IncompleteStreamError();
    }
    return { toolCalls, usage, finishReason };
  } catch (err) {
    throw stalled ?? err;
  } finally {
    if (timer) clearTimeout(timer);
    // Closes the connection when we stopped reading early (error part, stall).
    controller.abort();
    req.signal.removeEventListener("abort", onAbort);
  }
}
