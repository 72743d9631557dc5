import { nanoid } from "nanoid";
import type { CreatedModel } from "../providers/createModel.js";
import { type ClassifiedError, classifyError } from "../providers/errors.js";
import type { ImageLimits } from "../providers/images.js";
import type { Price } from "../providers/models.js";
import { mergeReportedUsage, type ReportedUsage } from "../providers/reportedUsage.js";
import { mergeProviderOptions } from "../providers/promptCaching.js";
import type { ResolvedProvider } from "../providers/resolve.js";
import type { Runtime } from "../runtime/types.js";
import type { Subagents, ToolDefinition, ToolSessionState } from "../tools/types.js";
import { cachedSystem, withMessageBreakpoints } from "./cacheBreakpoints.js";
import { cacheSavingsUsd, costUsd } from "./cost.js";
import type { AgentEvent, Mode, RunStatus, ThinkingLevel } from "./events.js";
import { addUsage, emptyUsage, type Usage } from "./usage.js";
import { executeTool } from "./executeTool.js";
import type { ChatMessage, Part } from "./messages.js";
import type { Answers, Question } from "./questions.js";
import { applyEvent, newAssistantMessage } from "./reduce.js";
import { type RetryPolicy, retryDelayMs, sleep } from "./retry.js";
import { type SessionCallbacks, type SessionResult, type SettleToolCall, type StepResult, streamSession } from "./streamStep.js";
import { toModelMessages } from "./toModelMessages.js";

export interface AgentModel {
  /** `provider:model-id` */
  name: string;
  provider: ResolvedProvider;
  created: CreatedModel;
  price: Price | undefined;
  /** Tokens its context window holds; null or absent when unknown. */
  contextWindow?: number | null;
  /** The most tokens it may write per request, when providers.jsonc caps it. */
  maxOutputTokens?: number;
  /** What it accepts of an image; null when it takes none (absent: as null). */
  images?: ImageLimits | null;
}

export interface AgentRunInput {
  /** The conversation so far, ending with the new user message. */
  history: ChatMessage[];
  /** The chat this run continues, the same for all its turns: keeps its requests on one prompt cache. */
  chatId?: string;
  model: AgentModel;
  system: string;
  tools: ToolDefinition[];
  runtime: Runtime;
  thinking: ThinkingLevel;
  mode: Mode;
  signal: AbortSignal;
  retry: RetryPolicy;
  toolSession: ToolSessionState;
  /** Stop as soon as the running cost passes this many dollars. */
  budgetUsd?: number;
  maxSteps?: number;
  emit: (event: AgentEvent) => void;
  /** Awaited before the first tool runs (a new workspace's init hook must finish first). */
  beforeFirstTool?: () => Promise<void>;
  /** Told to the user at the start of the answer (notice events), e.g. what a crash left behind and was cleaned up. */
  notices?: string[];
  /** Receives the live assistant message once, before streaming starts (for snapshots). */
  onMessage?: (message: ChatMessage) => void;
  /** Someone who can answer the agent's questions; without it they are told nobody can. */
  askUser?: AskUser;
  /** Starts helper agents (the task tools); absent: none can be started. */
  subagents?: Subagents;
}

/** Waits for the user's answers to a question the agent asked (the turn's signal ends the wait). */
export type AskUser = (request: { toolCallId: string; questions: Question[] }, signal: AbortSignal) => Promise<Answers>;

/** The question goes out as an event, then waits for whoever can answer, or the turn's end. */
function asker(input: AgentRunInput, messageId: string, toolCallId: string, emit: (e: AgentEvent) => void) {
  return async (questions: Question[]): Promise<Answers | null> => {
    const { askUser, signal } = input;
    emit({ type: "question", messageId, toolCallId, questions, answerable: askUser !== undefined });
    if (!askUser) return null;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("the turn was interrupted"));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([askUser({ toolCallId, questions }, signal), aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };
}

export interface AgentRunResult {
  message: ChatMessage;
  status: RunStatus;
  usage: Usage;
  costUsd: number | null;
  /** An interrupted request's usage was not (fully) reported: the run cost at least `costUsd`. */
  costIncomplete?: boolean;
  error?: ClassifiedError;
}

/**
 * The agent: streams LLM steps, runs the tools each step asks for, and repeats until the model
 * stops, the user interrupts, the budget runs out, or an error survives its retries. It emits
 * events only; it knows nothing of terminals, HTTP or storage.
 *
 * The steps run inside one `streamText` call (a session) for as long as they succeed: the SDK's
 * `execute` for each tool waits while this loop runs the step's tools itself, one at a time in
 * call order, and only after the step's cost passed the budget check. A failed step is retried in
 * a new session that starts from the conversation as it stands.
 */
export async function runAgent(input: AgentRunInput): Promise<AgentRunResult> {
  const { model, signal, retry } = input;
  const messageId = nanoid();
  const message = newAssistantMessage(messageId);
  input.onMessage?.(message);
  const emit = (event: AgentEvent) => {
    applyEvent(message, event);
    input.emit(event);
  };
  const toolsByName = new Map(input.tools.map((t) => [t.name, t]));
  // Earlier messages do not change during the run: converted once. Every request starts with
  // exactly what the one before sent (no timestamps, nothing rewritten), so the provider's
  // prompt cache can serve all of it; the breakpoints say where, for providers that need them.
  const caching = model.created.caching;
  const images = Boolean(model.images);
  const earlier = toModelMessages(input.history, model.name, { images });
  const conversation = () => withMessageBreakpoints([...earlier, ...toModelMessages([message], model.name, { images })], caching);
  let usage = emptyUsage();
  let totalCost: number | null = 0;
  let costIncomplete = false;
  /** What tools spent on models (the task tool's helpers): counted against the budget with the turn's own cost. */
  let toolsCost = 0;
  const spent = () => (totalCost === null ? null : totalCost + toolsCost);
  const done = (status: RunStatus, error?: ClassifiedError): AgentRunResult => ({
    message,
    status,
    usage,
    costUsd: totalCost,
    ...(costIncomplete ? { costIncomplete } : {}),
    error,
  });
  /** The step's request is out and the provider has not finished answering it. */
  let requestInFlight = false;
  /** What the provider reported of that request's usage so far. */
  let reported: ReportedUsage | undefined;
  const interrupted = () => {
    if (requestInFlight && !stepComplete) recordInterruptedRequest();
    emit({ type: "stream-abort", messageId, reason: "interrupted" });
    return done("aborted");
  };
  /**
   * The provider bills an interrupted request for what it processed: count what it reported
   * (often the input tokens), and mark the cost as a lower bound since the rest is unknown.
   */
  const recordInterruptedRequest = () => {
    const stepUsage = { ...emptyUsage(), ...reported };
    const stepCost = costUsd(stepUsage, model.price);
    usage = addUsage(usage, stepUsage);
    totalCost = stepCost === null || totalCost === null ? null : totalCost + stepCost;
    costIncomplete = true;
    requestInFlight = false;
    const cacheSavedUsd = cacheSavingsUsd(stepUsage, model.price);
    emit({ type: "usage", messageId, step, usage: stepUsage, costUsd: stepCost, totalCostUsd: totalCost, cacheSavedUsd, incomplete: true });
  };

  emit({ type: "stream-start", messageId, model: model.name, mode: input.mode, ts: Date.now() });
  for (const text of input.notices ?? []) emit({ type: "notice", messageId, level: "warning", text });
  const maxSteps = input.maxSteps ?? 500;
  let step = 0;
  /** The current step got its whole response: what happens next belongs to the next step. */
  let stepComplete = true;
  let attempt = 1;
  let endTurn = false;
  let budgetExceeded = false;
  const beginStep = () => {
    step++;
    stepComplete = false;
    attempt = 1;
    emit({ type: "step-start", messageId, step });
  };
  const tooManySteps = () => {
    emit({
      type: "error",
      messageId,
      kind: "unknown",
      message: `stopped after ${maxSteps} steps without finishing`,
    });
    return done("error");
  };

  /** The step's response is complete; none of its tools has started. */
  const onStepFinish = async (result: StepResult, settle: SettleToolCall): Promise<"continue" | "stop"> => {
    stepComplete = true;
    requestInFlight = false;
    const stepCost = costUsd(result.usage, model.price);
    usage = addUsage(usage, result.usage);
    totalCost = stepCost === null || totalCost === null ? null : totalCost + stepCost;
    const cacheSavedUsd = cacheSavingsUsd(result.usage, model.price);
    emit({ type: "usage", messageId, step, usage: result.usage, costUsd: stepCost, totalCostUsd: totalCost, cacheSavedUsd });
    for (const call of result.toolCalls) attachToolMetadata(message.parts, call.toolCallId, call.providerMetadata);

    const stopForBudget = () => {
      emit({ type: "stream-abort", messageId, reason: "budget" });
      budgetExceeded = true;
      return "stop" as const;
    };
    if (overBudget(input.budgetUsd, spent())) return stopForBudget();
    const runCall = async (call: StepResult["toolCalls"][number]) => {
      const { toolCallId, toolName } = call;
      const tool = toolsByName.get(toolName);
      const run = call.invalidReason
        ? { result: { error: `Invalid tool call: ${call.invalidReason}` }, isError: true, durationMs: 0 }
        : await executeTool(tool, toolName, call.input, {
            runtime: input.runtime,
            toolCallId,
            signal,
            session: input.toolSession,
            onOutput: (stream, text) => emit({ type: "tool-output", messageId, toolCallId, stream, text }),
            askUser: asker(input, messageId, toolCallId, emit),
            subagents: input.subagents,
            ...(input.budgetUsd !== undefined ? { budgetUsd: Math.max(0, input.budgetUsd - (spent() ?? 0)) } : {}),
          });
      if (!run.isError) toolsCost += tool?.costOf?.(run.result) ?? 0;
      emit({ type: "tool-call-end", messageId, toolCallId, toolName, ...run });
      if (!run.isError && tool?.endsTurn) endTurn = true;
      settle(toolCallId, run);
    };
    // In call order, one at a time; a run of calls of a concurrent tool (task) goes together.
    for (const batch of concurrentBatches(result.toolCalls, (name) => toolsByName.get(name)?.concurrent === true)) {
      if (input.beforeFirstTool) {
        await input.beforeFirstTool();
        input.beforeFirstTool = undefined;
      }
      if (signal.aborted) return "stop";
      for (const call of batch) emit({ type: "tool-call-args", messageId, toolCallId: call.toolCallId, toolName: call.toolName, args: call.input });
      await Promise.all(batch.map(runCall));
      if (overBudget(input.budgetUsd, spent())) return stopForBudget();
    }
    return endTurn || signal.aborted ? "stop" : "continue";
  };

  const callbacks: SessionCallbacks = {
    onText: (delta) => emit({ type: "text-delta", messageId, delta }),
    onReasoning: (delta) => emit({ type: "reasoning-delta", messageId, delta }),
    onReasoningEnd: (providerMetadata) => attachReasoningMetadata(message.parts, providerMetadata),
    onToolStart: (toolCallId, toolName) => emit({ type: "tool-call-start", messageId, toolCallId, toolName }),
    onStepFinish,
    canContinue: () => step < maxSteps && !signal.aborted,
    onRequest: () => {
      requestInFlight = true;
      reported = undefined;
    },
    onUsageReported: (u) => {
      reported = mergeReportedUsage(reported, u);
    },
    onNextStep: () => {
      beginStep();
      return conversation();
    },
  };

  for (;;) {
    if (signal.aborted) return interrupted();
    if (stepComplete) {
      if (step >= maxSteps) return tooManySteps();
      beginStep();
    }
    let session: SessionResult;
    try {
      session = await streamSession(
        {
          model: model.created.model,
          system: cachedSystem(input.system, caching),
          messages: conversation(),
          tools: input.tools,
          lastToolOptions: caching.toolBreakpoint ? caching.breakpoint : undefined,
          providerOptions: mergeProviderOptions(model.created.providerOptions(input.thinking), input.chatId ? caching.chatOptions(input.chatId) : {}),
          signal,
          stallTimeoutMs: retry.stallTimeoutMs,
          strictFinish: model.provider.kind === "ollama",
          maxOutputTokens: model.maxOutputTokens,
        },
        callbacks,
      );
    } catch (err) {
      if (signal.aborted) return interrupted();
      if (stepComplete) {
        // Failed after a step completed and before the next one began: the next step failed.
        if (step >= maxSteps) return tooManySteps();
        beginStep();
      }
      const error = classifyError(err, model.provider);
      const retryAfterTooLong = error.retryAfterMs !== undefined && error.retryAfterMs > retry.maxRetryAfterMs;
      if (!error.retryable || attempt >= retry.maxAttempts || retryAfterTooLong) {
        emit({
          type: "error",
          messageId,
          kind: error.kind,
          message: error.message,
          provider: model.provider.id,
          url: error.url,
          status: error.status,
          keySource: model.provider.apiKey.source.kind === "env" ? `env:${model.provider.apiKey.source.name}` : model.provider.apiKey.source.kind,
        });
        return done("error", error);
      }
      // The failed attempt is over: an interrupt while waiting to retry has no request to count.
      requestInFlight = false;
      const delayMs = retryDelayMs(attempt, retry, error.retryAfterMs);
      emit({
        type: "retry",
        messageId,
        attempt: attempt + 1,
        maxAttempts: retry.maxAttempts,
        delayMs,
        reason: error.message,
      });
      attempt++;
      await sleep(delayMs, signal);
      continue;
    }
    if (budgetExceeded) return done("budget-exceeded");
    if (signal.aborted) return interrupted();
    const last = session.last;
    if (last.toolCalls.length === 0) {
      emit({ type: "stream-end", messageId, finishReason: last.finishReason, usage, costUsd: totalCost });
      return done("completed");
    }
    if (endTurn) {
      emit({ type: "stream-end", messageId, finishReason: "tool-ended-turn", usage, costUsd: totalCost });
      return done("completed");
    }
    // The SDK stopped although the step's tools ran (it only goes on after "tool-calls" or
    // "stop"): the next step starts a new session.
  }
}

/** The calls in order, each alone, except that neighbouring calls of concurrent tools form one batch. */
export function concurrentBatches<C extends { toolName: string; invalidReason?: string }>(calls: C[], concurrent: (name: string) => boolean): C[][] {
  const batches: C[][] = [];
  for (const call of calls) {
    const together = !call.invalidReason && concurrent(call.toolName);
    const last = batches.at(-1);
    if (together && last && !last[0].invalidReason && concurrent(last[0].toolName)) last.push(call);
    else batches.push([call]);
  }
  return batches;
}

function overBudget(budget: number | undefined, cost: number | null): boolean {
  return budget !== undefined && cost !== null && cost > budget;
}

type Meta = Record<string, Record<string, unknown>> | undefined;

/** Signatures/encrypted reasoning must be replayed to the provider with the next request. */
function attachReasoningMetadata(parts: Part[], meta: Meta) {
  if (!meta) return;
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    if (p.type === "reasoning") {
      p.providerMetadata = meta;
      return;
    }
    if (p.type === "step-start") break;
  }
  // Reasoning with no visible text (e.g. redacted or encrypted): keep it for replay.
  parts.push({ type: "reasoning", text: "", providerMetadata: meta });
}

function attachToolMetadata(parts: Part[], toolCallId: string, meta: Meta) {
  if (!meta) return;
  const p = parts.find((x) => x.type === "tool" && x.toolCallId === toolCallId);
  if (p && p.type === "tool") p.providerMetadata = meta;
}
