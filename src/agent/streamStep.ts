import { type LanguageModel, type ModelMessage, type SystemModelMessage, streamText } from "ai";
import type { ProviderOptions } from "../providers/promptCaching.js";
import { IncompleteStreamError, StallError } from "../providers/errors.js";
import type { ReportedUsage } from "../providers/reportedUsage.js";
import type { ToolDefinition } from "../tools/types.js";
import { fromSdkUsage } from "./cost.js";
import type { Usage } from "./events.js";
import type { ToolRunResult } from "./executeTool.js";
import { toSdkTools } from "./sdkTools.js";
import { instrumentModel, isStepFinishedMarker, type OutputPart } from "./stepModel.js";
import { ToolGate } from "./toolGate.js";

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

/** Posts the outcome of one of the step's tool calls back to the SDK's loop. */
export type SettleToolCall = (toolCallId: string, run: ToolRunResult) => void;

export interface SessionCallbacks extends StepCallbacks {
  /**
   * A step's response is complete and none of its tools has run yet. Runs the tools (posting each
   * outcome with `settle`); "stop" ends the session at once (budget, end of turn).
   */
  onStepFinish(step: StepResult, settle: SettleToolCall): Promise<"continue" | "stop">;
  /** May the SDK request another step? Asked once a step's tools have all run. */
  canContinue(): boolean;
  /** The SDK is about to request another step: returns the conversation to send. */
  onNextStep(): ModelMessage[];
  /** A request went out (a step's first attempt, or a retry). */
  onRequest?(): void;
  /** The provider reported usage of the request in flight before its response ended. */
  onUsageReported?(usage: ReportedUsage): void;
}

export interface SessionRequest {
  model: LanguageModel;
  system: string | SystemModelMessage;
  /** The conversation so far, sent with the session's first step. */
  messages: ModelMessage[];
  tools: readonly ToolDefinition[];
  /** Provider options on the last tool definition (a cache breakpoint). */
  lastToolOptions?: ProviderOptions;
  providerOptions: ProviderOptions;
  /** The provider's cap on tokens written per request, when one is configured. */
  maxOutputTokens?: number;
  signal: AbortSignal;
  stallTimeoutMs: number;
  /**
   * Ollama's SDK skips unparseable lines silently; a stream that then ends without its final
   * frame reports "other" and no usage. Treat that as broken (retryable) for such providers.
   */
  strictFinish?: boolean;
}

export interface SessionResult {
  /** The session's last complete step (its tools have run). */
  last: StepResult;
  /** onStepFinish ended the session. */
  stopped: boolean;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * `fullStream` is one branch of a tee of the SDK's stream; the other branch stays in the result
 * for whatever else might read it, and nothing does: it would hold every part of the session
 * until the end (each delta, with 50 answers streaming at once) and cost a copy per part.
 * Cancelling that branch alone leaves ours flowing. (`baseStream` is the SDK's field, ai 6.x.)
 */
export function dropUnreadCopy(result: object): void {
  const rest = (result as { baseStream?: unknown }).baseStream;
  if (rest instanceof ReadableStream && !rest.locked) void rest.cancel().catch(() => {});
}

/** What the SDK validates in place of the conversation (see streamSession); never sent. */
const STAND_IN: ModelMessage[] = [{ role: "user", content: "" }];

class SessionEnded extends Error {
  constructor() {
    super("the agent session has ended");
  }
}

/**
 * One `streamText` call driving as many LLM steps as the model needs: the SDK requests a step,
 * the loop (via onStepFinish) runs its tools, and the SDK sends the results with the next request,
 * until a step calls no tool or the loop stops. Each step's conversation comes from the loop
 * (onNextStep), already converted from the chat.
 *
 * Throws on any failure (HTTP, network, malformed stream, stall) so the caller decides whether to
 * retry — from the conversation as it stands, in a new session; SDK-level retries are off so every
 * retry is visible. Steps that completed before the failure are kept: only the failed step is lost.
 */
export async function streamSession(req: SessionRequest, cb: SessionCallbacks): Promise<SessionResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(req.signal.reason);
  req.signal.addEventListener("abort", onAbort, { once: true });
  if (req.signal.aborted) onAbort();
  let stalled: StallError | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Armed only while waiting for the provider (from the request to the end of its response):
  // tools may take as long as they need.
  const armStallTimer = () => {
    // Called for every chunk: the running timer is pushed back rather than replaced.
    if (timer) timer.refresh();
    else {
      timer = setTimeout(() => {
        stalled = new StallError(req.stallTimeoutMs);
        controller.abort(stalled);
      }, req.stallTimeoutMs);
    }
  };
  const disarmStallTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const gate = new ToolGate<ToolRunResult>();
  let ended = false;
  let toolCalls: StepToolCall[] = [];
  let stepComplete = false;
  let last: StepResult | undefined;
  // The next step may only be requested once the loop is done with the current one (the SDK goes
  // on by itself when a step's calls were all invalid: it answers those without `execute`).
  let stepHandled = deferred();
  const started = new Set<string>();
  let drained = false;
  /** What a callback threw while the response streamed (it ends the session like a stream error). */
  let outputFailed: { error: unknown } | undefined;
  // What the response shows comes straight from the provider's stream, not from fullStream (see
  // OutputPart): before the step's finish, so in order with the step's other events.
  const onOutput = (part: OutputPart) => {
    if (ended || outputFailed || controller.signal.aborted) return;
    try {
      switch (part.type) {
        case "text-delta":
          if (part.delta) cb.onText(part.delta);
          break;
        case "reasoning-delta":
          if (part.delta) cb.onReasoning(part.delta);
          break;
        case "reasoning-end":
          cb.onReasoningEnd(part.providerMetadata as StepToolCall["providerMetadata"]);
          break;
        case "tool-input-start":
        case "tool-call": {
          const id = part.type === "tool-call" ? part.toolCallId : part.id;
          if (started.has(id)) break;
          started.add(id);
          cb.onToolStart(id, part.toolName);
          break;
        }
      }
    } catch (error) {
      outputFailed = { error };
      controller.abort(error);
    }
  };
  try {
    const result = streamText({
      model: instrumentModel(req.model, {
        onRequest: () => {
          cb.onRequest?.();
          armStallTimer();
        },
        onChunk: armStallTimer,
        onResponseEnd: disarmStallTimer,
        onUsageReported: (usage) => cb.onUsageReported?.(usage),
        onOutput,
      }),
      system: req.system,
      // The SDK checks the `messages` given here against its zod schema: for a 2,000-message chat
      // that is ~0.3 s of CPU and as much again in garbage, before every session. The messages a
      // prepareStep returns go to the provider as they are (converted the same way), and ours are
      // made by toModelMessages, typed: so every step, the first one too, gets them from
      // prepareStep, and the SDK checks only this stand-in.
      messages: STAND_IN,
      tools: toSdkTools(req.tools, gate, req.lastToolOptions),
      maxRetries: 0,
      abortSignal: controller.signal,
      providerOptions: req.providerOptions,
      ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
      // Carries the step-finished marker (the provider's own raw chunks stay off).
      includeRawChunks: true,
      stopWhen: () => ended || !cb.canContinue(),
      prepareStep: async ({ stepNumber }) => {
        if (stepNumber === 0) return { messages: req.messages };
        await stepHandled.promise;
        if (ended) throw new SessionEnded();
        toolCalls = [];
        stepComplete = false;
        stepHandled = deferred();
        return { messages: cb.onNextStep() };
      },
      // Errors arrive as stream parts below; the default handler would print them (key and all).
      onError: () => {},
    });
    const fullStream = result.fullStream;
    dropUnreadCopy(result);
    for await (const part of fullStream) {
      switch (part.type) {
        case "tool-call": {
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
        case "raw": {
          if (!isStepFinishedMarker(part.rawValue)) break;
          const usage = fromSdkUsage(part.rawValue.usage);
          const finishReason = part.rawValue.finishReason;
          const brokeOff = finishReason === "other" && usage.inputTokens === 0 && usage.outputTokens === 0;
          if (req.strictFinish && brokeOff) throw new IncompleteStreamError();
          const step: StepResult = { toolCalls, usage, finishReason };
          last = step;
          stepComplete = true;
          const settled = new Set<string>();
          let verdict: "continue" | "stop";
          try {
            verdict = await cb.onStepFinish(step, (toolCallId, run) => {
              settled.add(toolCallId);
              gate.resolve(toolCallId, run);
            });
          } finally {
            // Calls the loop did not run (interrupted) must not keep the SDK waiting.
            for (const call of step.toolCalls) if (!settled.has(call.toolCallId)) gate.reject(call.toolCallId, new SessionEnded());
            stepHandled.resolve();
          }
          if (verdict === "stop") return { last: step, stopped: true };
          if (req.signal.aborted) throw req.signal.reason ?? new Error("aborted");
          break;
        }
        case "error":
          throw part.error;
        case "abort":
          throw stalled ?? outputFailed?.error ?? req.signal.reason ?? new Error("aborted");
        default:
          break;
      }
    }
    drained = true;
    if (stalled) throw stalled;
    if (outputFailed) throw outputFailed.error;
    if (req.signal.aborted) throw req.signal.reason ?? new Error("aborted");
    if (!stepComplete || !last) throw new IncompleteStreamError();
    return { last, stopped: false };
  } catch (err) {
    throw stalled ?? (outputFailed ? outputFailed.error : err);
  } finally {
    ended = true;
    disarmStallTimer();
    // Closes the connection when we stopped reading early (error part, stall, stop). A stream
    // read to its end has nothing left open, and aborting would still walk every step's fetch
    // listeners (the 20-step run's last milliseconds before exit).
    if (!drained) controller.abort();
    req.signal.removeEventListener("abort", onAbort);
    gate.rejectAll(new SessionEnded());
    stepHandled.resolve();
  }
}
