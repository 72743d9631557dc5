import * as path from "node:path";
import { nanoid } from "nanoid";
import type { AgentEvent, ErrorKind, Mode, RunStatus, ThinkingLevel, Usage } from "../agent/events.js";
import { addUsage, emptyUsage } from "../agent/events.js";
import type { AgentModel } from "../agent/loop.js";
import { type ChatMessage, finalText, newUserMessage } from "../agent/messages.js";
import { applyEvent, newAssistantMessage } from "../agent/reduce.js";
import { sumCosts } from "../api/partialCost.js";
import { ConfigError } from "../config/errors.js";
import { muxRoot } from "../config/paths.js";
import type { SessionLock } from "../history/sessionLock.js";
import type { SessionStore } from "../history/sessionStore.js";
import type { McpManager, McpWorkspace } from "../mcp/manager.js";
import type { LoadedProvidersConfig } from "../providers/config.js";
import type { Runtime } from "../runtime/types.js";
import { GitError } from "../workspace/git.js";
import { readInitStatus, waitForInitHook } from "../workspace/initHook.js";
import { parseContextCommand } from "./slashCommands.js";

/** What a turn needs from its driver (`mux run`, or the server's workspace session). */
export interface ChatTurnInput {
  /** The chat's lock, taken by the driver (so a busy chat is refused before anything happens). */
  lock: SessionLock;
  store: SessionStore;
  /** The chat as loaded (not changed here). */
  history: ChatMessage[];
  /** The user's new message; omitted to re-run the turn the chat ends with (retry). */
  text?: string;
  /** The model asked for (already resolved, or its name); the configured default when none. */
  model?: AgentModel | string;
  /** The providers' configuration, when the driver has read it already (read here otherwise). */
  providers?: LoadedProvidersConfig;
  mode: Mode;
  thinking: ThinkingLevel;
  budgetUsd?: number;
  /** How full (in %) the model's window may be before the turn compacts the chat first (0: never; default 70). */
  autoCompactPercent?: number;
  /** The workspace's runtime, prepared (a failure here ends the turn as a `config` error). */
  runtime: () => Runtime | Promise<Runtime>;
  /** A new workspace's init hook this process runs: the first tool call waits for it. */
  initHook?: Promise<unknown> | null;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** Each message as it is stored: the user's, then the answer (or what the failure left). */
  onMessage?: (message: ChatMessage) => void;
  /** Shown to the user at the start of the answer. */
  notices?: string[];
  /** Problems that do not end the turn (a failure that could not be saved). */
  warn?: (message: string) => void;
  /** The MCP servers the agent may use: the process's manager and this workspace (absent: none). */
  mcp?: { manager: McpManager; workspace: McpWorkspace };
}

export interface ChatTurnEnd {
  status: RunStatus;
  /** The model's name; what was asked for when it could not be resolved ("" when nothing was). */
  model: string;
  /** The answer as stored (for a failure before the agent ran: a message saying what failed). */
  message: ChatMessage;
  text: string;
  plan?: string;
  usage: Usage;
  costUsd: number | null;
  costIncomplete?: boolean;
  error?: { kind: ErrorKind; message: string };
  /** The last request's input tokens against the model's window (absent when none reported usage). */
  context?: { usedTokens: number; windowTokens: number | null };
}

/** A turn that cannot run, with the kind of failure it is. */
export class ChatTurnFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ChatTurnFailure";
  }
}

/** The kind of an error a turn met, given what kind it is when nothing more specific is known. */
export function failureKind(e: unknown, otherwise: ErrorKind): ErrorKind {
  if (e instanceof ChatTurnFailure) return e.kind;
  if (e instanceof ConfigError || e instanceof GitError) return "config";
  return otherwise;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** The first tool call waits for a running init hook (this process's, or one another process started). */
function initGate(input: ChatTurnInput): (() => Promise<void>) | undefined {
  const { signal } = input;
  let wait: Promise<unknown> | undefined = input.initHook ?? undefined;
  if (!wait && readInitStatus(input.store.dir).state === "running") wait = waitForInitHook(input.store.dir, signal);
  if (!wait) return undefined;
  const hook = wait.then(
    () => {},
    () => {},
  );
  return () => Promise.race([hook, abortPromise(signal)]);
}

/** All of a request's input, cached or not (some providers count the cached part apart). */
function inputTokensOf(usage: Usage): number {
  return Math.max(usage.inputTokens, usage.cachedInputTokens + usage.cacheWriteTokens);
}

const TERMINAL = new Set<AgentEvent["type"]>(["stream-end", "stream-abort", "error"]);

/**
 * One turn of a chat, the same for every entry point (`mux run`, the server): the driver takes
 * the chat's lock and loads it, then this stores the user's message, resolves the model, prepares
 * the runtime, lets the first tool wait for a running init hook, runs the agent, and stores the
 * answer. It knows no transport: everything it has to say goes out as events, failures included,
 * and a turn ends with exactly one terminal event (stream-end, stream-abort or error). It never
 * throws (only a driver's own callback can); the lock is released when the turn ends.
 */
export async function runChatTurn(input: ChatTurnInput): Promise<ChatTurnEnd> {
  const end = await turn(input);
  input.onMessage?.(end.message);
  return end;
}

async function turn(input: ChatTurnInput): Promise<ChatTurnEnd> {
  const { store } = input;
  let modelName = typeof input.model === "string" ? input.model : (input.model?.name ?? "");
  /** The answer being streamed (the agent's own message), kept for a failure to save. */
  let live: ChatMessage | undefined;
  let ended = false;
  let lastInputTokens: number | undefined;
  const emit = (event: AgentEvent) => {
    if (TERMINAL.has(event.type)) ended = true;
    // An interrupted request that reported nothing says nothing about the context either.
    else if (event.type === "usage" && (!event.incomplete || event.usage.inputTokens > 0)) lastInputTokens = inputTokensOf(event.usage);
    input.emit(event);
  };
  const fail = (kind: ErrorKind, text: string): ChatTurnEnd => {
    const message = live ?? newAssistantMessage(nanoid());
    if (!live) Object.assign(message.metadata ?? {}, { ...(modelName ? { model: modelName } : {}), mode: input.mode });
    const event: AgentEvent = { type: "error", messageId: message.id, kind, message: text };
    applyEvent(message, event);
    // A turn whose end was told already (the failure came while saving it) is not ended twice.
    if (!ended) emit(event);
    try {
      store.append(message);
      store.clearPartial();
    } catch (err) {
      input.warn?.(`cannot save the chat: ${errorText(err)}`);
    }
    return { status: "error", model: modelName, message, text: "", usage: emptyUsage(), costUsd: 0, error: { kind, message: text } };
  };
  try {
    const history = [...input.history];
    const keep = (message: ChatMessage) => {
      store.append(message);
      history.push(message);
      input.onMessage?.(message);
    };
    const command = input.text === undefined ? undefined : parseContextCommand(input.text);
    // The user's message is on disk before anything else can fail or be killed (commands are not kept).
    const userMessage = input.text !== undefined && !command ? newUserMessage(input.text) : undefined;
    if (userMessage) keep(userMessage);
    // Loaded on first use: the agent and provider SDKs are not needed to serve the UI.
    const [{ loadProvidersConfig }, { defaultModel }, { resolveModel }, { runTurn }, { retryPolicyFromEnv }, compaction] = await Promise.all([
      import("../providers/config.js"),
      import("../providers/defaultModel.js"),
      import("../providers/resolveModel.js"),
      import("./turn.js"),
      import("../agent/retry.js"),
      import("./compaction.js"),
    ]);
    let model: AgentModel;
    try {
      // Read per turn (unless given), so provider settings changed in the UI apply without a restart.
      const providers = input.providers ?? loadProvidersConfig(input.env);
      if (typeof input.model === "object") model = input.model;
      else {
        modelName ||= defaultModel(providers, input.env);
        model = await resolveModel(modelName, providers, input.env);
      }
      modelName = model.name;
      if (input.budgetUsd !== undefined && !model.price) {
        throw new ChatTurnFailure("config", `--budget needs the price of ${model.name}, which Mux does not know: add "prices" for it in ${providers.file}`);
      }
    } catch (err) {
      return fail(failureKind(err, "config"), errorText(err));
    }
    const retry = retryPolicyFromEnv(input.env);
    const summarize = (focus: string | undefined, events: (event: AgentEvent) => void) =>
      compaction.compact({
        // The turn's own message is not summarized: the model gets it after the summary (keepsAfter).
        history: history.filter((m) => m !== userMessage),
        model,
        mode: input.mode,
        thinking: input.thinking,
        focus,
        signal: input.signal,
        retry,
        chatId: path.basename(store.dir),
        emit: events,
      });

    if (command?.name === "clear") return clearContext(input, modelName, emit);
    if (command?.name === "compact") {
      if (!history.length || history.at(-1)?.metadata?.contextBoundary) return fail("usage", "there is nothing to compact yet");
      const result = await summarize(command.focus, emit);
      live = result.message;
      if (result.status === "completed" && !result.ok) return fail("malformed_response", "the model wrote no summary");
      store.append(result.message);
      return {
        status: result.status,
        model: modelName,
        message: result.message,
        text: finalText(result.message),
        usage: result.usage,
        costUsd: result.costUsd,
        ...(result.costIncomplete ? { costIncomplete: true } : {}),
        ...(result.ok ? { context: { usedTokens: result.usage.outputTokens, windowTokens: model.contextWindow ?? null } } : {}),
        ...(result.error ? { error: { kind: result.error.kind, message: result.error.message } } : {}),
      };
    }
    /**
     * Compacts before the turn goes on. The summary streams under its own message id but without
     * an end of its own (the turn ends once, after its answer); it is stored and shown like any
     * message, and its tokens and cost are the turn's too. At most once a turn.
     */
    let compacted = false;
    const spent: { usage: Usage; costUsd: number | null; costIncomplete?: boolean }[] = [];
    const autoCompact = async (why: string): Promise<boolean> => {
      compacted = true;
      const result = await summarize(undefined, (event) => {
        if (!TERMINAL.has(event.type)) input.emit(event);
      });
      spent.push(result);
      if (result.ok && userMessage) (result.message.metadata ??= {}).keepsAfter = userMessage.id;
      keep(result.message);
      if (result.ok) notices.push(`${why}: the conversation so far was compacted into a summary (the earlier messages stay in the chat).`);
      else input.warn?.(`could not compact the conversation: ${result.error?.message ?? result.message.metadata?.error ?? result.status}`);
      return result.ok;
    };
    const notices = [...(input.notices ?? [])];
    const at = input.autoCompactPercent === undefined ? compaction.AUTO_COMPACT_AT : input.autoCompactPercent / 100;
    if (at > 0 && compaction.needsCompaction(history, model.contextWindow, at)) {
      await autoCompact(`The context window of ${modelName} was over ${Math.round(at * 100)}% full`);
    }
    let runtime: Runtime;
    try {
      runtime = await input.runtime();
    } catch (err) {
      return fail(failureKind(err, "config"), errorText(err));
    }
    // The workspace's MCP servers start here, the first time a turn needs them.
    const mcp = input.mcp ? await input.mcp.manager.tools(input.mcp.workspace) : undefined;
    if (mcp) notices.push(...mcp.notices);
    /** An overflow refusal is held back while the turn may still compact and try again. */
    let held: AgentEvent | undefined;
    const turnEmit = (event: AgentEvent) => {
      if (event.type === "error" && !compacted && compaction.isContextOverflow(event)) held = event;
      else emit(event);
    };
    const once = () =>
      runTurn({
        store,
        history,
        model,
        runtime,
        mode: input.mode,
        thinking: input.thinking,
        budgetUsd: input.budgetUsd,
        signal: input.signal,
        retry,
        muxRoot: muxRoot(input.env),
        emit: turnEmit,
        onMessage: (message) => {
          live = message;
        },
        beforeFirstTool: initGate(input),
        notices: notices.splice(0),
        extraTools: mcp?.tools,
      });
    let result = await once();
    if (held) {
      // The refused answer stays in the chat (before the summary); the request is asked again after it.
      history.push(result.message);
      input.onMessage?.(result.message);
      if (userMessage && (await autoCompact(`${modelName} refused the request as longer than its context window`))) {
        held = undefined;
        result = await once();
      }
    }
    if (held) emit(held);
    // (Without a compaction the answer's own figures stand as they are: an unknown cost stays unknown.)
    const total = spent.length ? sumCosts([...spent, result]) : { costUsd: result.costUsd, costIncomplete: result.costIncomplete };
    return {
      status: result.status,
      model: modelName,
      message: result.message,
      text: result.text,
      ...(result.plan !== undefined ? { plan: result.plan } : {}),
      usage: spent.reduce((sum, s) => addUsage(sum, s.usage), result.usage),
      costUsd: total.costUsd,
      ...(total.costIncomplete ? { costIncomplete: true } : {}),
      ...(lastInputTokens !== undefined ? { context: { usedTokens: lastInputTokens, windowTokens: model.contextWindow ?? null } } : {}),
      ...(result.status === "error"
        ? { error: { kind: result.error?.kind ?? "unknown", message: result.error?.message ?? result.message.metadata?.error ?? "the turn failed" } }
        : {}),
    };
  } catch (err) {
    return fail(failureKind(err, "unknown"), errorText(err));
  } finally {
    input.lock.release();
  }
}

/** `/clear`: a boundary after which the model sees nothing of what came before; no request is made. */
function clearContext(input: ChatTurnInput, model: string, emit: (event: AgentEvent) => void): ChatTurnEnd {
  const messageId = nanoid();
  const message = newAssistantMessage(messageId);
  const events: AgentEvent[] = [
    { type: "stream-start", messageId, model, mode: input.mode, ts: message.createdAt },
    { type: "notice", messageId, level: "info", text: "Context cleared: the model sees only what follows (the chat keeps everything)." },
    { type: "stream-end", messageId, finishReason: "stop", usage: emptyUsage(), costUsd: 0 },
  ];
  for (const event of events) {
    applyEvent(message, event);
    emit(event);
  }
  Object.assign((message.metadata ??= {}), { contextBoundary: "reset" as const });
  input.store.append(message);
  return { status: "completed", model, message, text: "", usage: emptyUsage(), costUsd: 0 };
}
