import * as path from "node:path";
import { nanoid } from "nanoid";
import type { AgentEvent, ErrorKind, Mode, RunStatus, ThinkingLevel, Usage } from "../agent/events.js";
import { addUsage, emptyUsage } from "../agent/usage.js";
import type { AgentModel, AskUser } from "../agent/loop.js";
import { type ChatMessage, type FilePart, finalText, newUserMessage } from "../agent/messages.js";
import { applyEvent, newAssistantMessage } from "../agent/reduce.js";
import { type ImageAttachment, imagePart, storedImage } from "../api/images.js";
import { sumCosts } from "../api/partialCost.js";
import { ConfigError } from "../config/errors.js";
import { muxRoot } from "../config/paths.js";
import type { SessionLock } from "../history/sessionLock.js";
import type { SessionStore } from "../history/sessionStore.js";
import type { McpManager, McpWorkspace } from "../mcp/manager.js";
import type { LoadedProvidersConfig } from "../providers/config.js";
import { formatBytes } from "../providers/images.js";
import type { Runtime } from "../runtime/types.js";
import type { ToolOptions } from "../tools/registry.js";
import type { Subagents } from "../tools/types.js";
import { GitError } from "../workspace/git.js";
import { readInitStatus, waitForInitHook } from "../workspace/initHook.js";
import { type ResolvedAgent, resolveAgent } from "../agents/resolve.js";
import { reportCost, subagentCosts } from "./costs.js";
import { ChatTurnFailure } from "./errors.js";
import { followingMessage, parseSlashCommand } from "./slashCommands.js";
import { type CommandOutcome, localAnswer, runSlashCommand, type WorkspaceCommands } from "./slashRun.js";

export { ChatTurnFailure };

/** What a turn needs from its driver (`mux run`, or the server's workspace session). */
export interface ChatTurnInput {
  /** The chat's lock, taken by the driver (so a busy chat is refused before anything happens). */
  lock: SessionLock;
  store: SessionStore;
  /** The chat as loaded (not changed here). */
  history: ChatMessage[];
  /** The user's new message; omitted to re-run the turn the chat ends with (retry). */
  text?: string;
  /** Images attached to the new message (checked already: kind, size, count; see api/images.ts). */
  images?: ImageAttachment[];
  /** The model asked for (already resolved, or its name); else the agent's, `defaultModel`, the configured default. */
  model?: AgentModel | string;
  /** The model when neither the request nor the agent names one (e.g. the workspace's last). */
  defaultModel?: string;
  /** The providers' configuration, when the driver has read it already (read here otherwise). */
  providers?: LoadedProvidersConfig;
  mode: Mode;
  /**
   * The agent to run as (`.mux/agents/NAME.md`, `~/.mux/agents/NAME.md`, or a built-in mode): its
   * mode replaces `mode`; its model and thinking level apply when none was asked for.
   */
  agent?: string;
  /** The project's directory on this machine, where its own agents are (`.mux/agents/`). */
  projectDir?: string;
  /** The thinking level asked for; the agent's, else off, when none. */
  thinking?: ThinkingLevel;
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
  /** Someone who can answer the agent's questions (the web app, a terminal); without it the agent decides itself. */
  askUser?: AskUser;
  /** Optional tools turned off for this workspace or run. */
  toolOptions?: ToolOptions;
  /** Where a proposed plan is kept for the user to edit (default: plan.md in the chat's directory). */
  planFile?: string;
  /** What `/model`, `/plan`, `/fork`… change in the workspace (absent outside one: see slashRun.ts). */
  workspace?: WorkspaceCommands;
  /** The MCP servers the agent may use: the process's manager and this workspace (absent: none). */
  mcp?: { manager: McpManager; workspace: McpWorkspace };
  /**
   * Helper agents this turn may start (the task tools), given the model and thinking level the
   * turn resolved (children use them unless told otherwise); absent: the tools are not offered.
   */
  subagents?: (defaults: { model: string; thinking: ThinkingLevel }) => Subagents | undefined;
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

/**
 * The agent a turn runs as, read from its files now (an edit applies to the next message). A
 * file that cannot be read is a config error naming it when it is the one asked for; other
 * broken files are only warned about.
 */
async function agentNamed(id: string, input: ChatTurnInput): Promise<ResolvedAgent> {
  // Loaded on use: agent files need the YAML parser, which a run without --agent does without.
  const { loadAgentCatalog } = await import("../agents/discover.js");
  const catalog = loadAgentCatalog({ muxRoot: muxRoot(input.env), projectDir: input.projectDir });
  const broken = catalog.problems.find((p) => path.basename(p.file) === `${id}.md`);
  if (broken) throw new ChatTurnFailure("config", broken.message);
  return resolveAgent(catalog, id);
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
  let mode = input.mode;
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
    if (!live) Object.assign(message.metadata ?? {}, { ...(modelName ? { model: modelName } : {}), mode });
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
    const parsed = input.text === undefined ? undefined : parseSlashCommand(input.text);
    // The drivers refuse these before a turn starts; this only keeps one from reaching the model.
    if (parsed?.kind === "refused") return fail("usage", parsed.message);
    const command = parsed?.kind === "command" ? parsed.command : undefined;
    const text = parsed?.kind === "message" ? parsed.text : command && followingMessage(command);
    // Every command but these two does its work before the turn (and without the model).
    const firstCommand = command?.name === "compact" || command?.name === "clear" ? undefined : command;
    // The user's message is on disk before anything else can fail or be killed (commands are not
    // kept); one that follows a command waits for it (`/model nonsense fix it` sends nothing).
    let userMessage = text !== undefined && !firstCommand ? newUserMessage(text, input.images?.map(imagePart)) : undefined;
    if (userMessage) keep(userMessage);
    // Loaded on first use: the agent and provider SDKs are not needed to serve the UI.
    const { loadProvidersConfig, defaultModel, resolveModel, runTurn, retryPolicyFromEnv, compaction, contextWindows } = await import("./turnModules.js");
    let agent: ResolvedAgent | undefined;
    try {
      agent = input.agent ? await agentNamed(input.agent, input) : undefined;
    } catch (err) {
      return fail("config", errorText(err));
    }
    if (agent) mode = agent.mode;
    modelName ||= agent?.model ?? input.defaultModel ?? "";
    const thinking = input.thinking ?? agent?.thinking ?? "off";
    // Read per turn (unless given), so provider settings changed in the UI apply without a restart.
    let providers = input.providers;
    const loadProviders = () => (providers ??= loadProvidersConfig(input.env));
    let outcome: CommandOutcome | undefined;
    if (firstCommand) {
      try {
        outcome = await runSlashCommand(firstCommand, {
          workspace: input.workspace,
          history,
          resolveModel: (name) => resolveModel(name, loadProviders(), input.env),
          // Only `/model` needs it (not loaded for a plain turn).
          knownModels: async () => (await import("../providers/settings.js")).listModels(input.env).map((m) => m.id),
          contextWindowFor: contextWindows(() => loadProviders().config),
        });
      } catch (err) {
        return fail(failureKind(err, "usage"), errorText(err));
      }
      if (outcome.model) modelName = outcome.model.name;
      mode = outcome.mode ?? mode;
      if (text === undefined) {
        const message = localAnswer(store, { model: modelName, mode, command: outcome.event, emit });
        return { status: "completed", model: modelName, message, text: outcome.event.text, usage: emptyUsage(), costUsd: 0 };
      }
      // The answer that follows says what the command did (as a notice).
      emit({ type: "command", ...outcome.event });
      userMessage = newUserMessage(text, input.images?.map(imagePart));
      keep(userMessage);
    }
    let model: AgentModel;
    try {
      const loaded = loadProviders();
      if (outcome?.model) model = outcome.model;
      else if (typeof input.model === "object") model = input.model;
      else {
        modelName ||= defaultModel(loaded, input.env);
        model = await resolveModel(modelName, loaded, input.env);
      }
      modelName = model.name;
      // Refused before any request: the model would reject them, or answer blind to them.
      const imageProblem = userMessage && imagesRefused(userMessage, model);
      if (imageProblem) throw new ChatTurnFailure("usage", imageProblem);
      if (input.budgetUsd !== undefined && !model.price) {
        throw new ChatTurnFailure("config", `--budget needs the price of ${model.name}, which Mux does not know: add "prices" for it in ${loaded.file}`);
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
        mode,
        thinking,
        focus,
        signal: input.signal,
        retry,
        chatId: path.basename(store.dir),
        emit: events,
      });

    if (command?.name === "clear") {
      const notice = "Context cleared: the model sees only what follows (the chat keeps everything).";
      const message = localAnswer(store, {
        model: modelName,
        mode,
        command: { name: "clear", text: notice },
        metadata: { contextBoundary: "reset" },
        emit,
      });
      return { status: "completed", model: modelName, message, text: "", usage: emptyUsage(), costUsd: 0 };
    }
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
    const notices = [...(input.notices ?? []), ...(outcome ? [outcome.event.text] : [])];
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
    const subagents = input.subagents?.({ model: modelName, thinking });
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
        mode,
        agent,
        thinking,
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
        askUser: input.askUser,
        toolOptions: { ...input.toolOptions, subagents: subagents !== undefined },
        planFile: input.planFile,
        extraTools: mcp?.tools,
        subagents,
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
    // Background helpers still at work are stopped with the turn; what they spent counts too.
    const unreported = (await subagents?.settle()) ?? [];
    // What the turn's sub-agents cost counts in its cost too (their tokens stay theirs: other models, maybe).
    const children = [...subagentCosts([result.message]).costs, ...unreported.map(reportCost)];
    const parts = [...spent, ...children];
    // (Without a compaction or children the answer's own figures stand as they are: an unknown cost stays unknown.)
    const total = parts.length ? sumCosts([...parts, result]) : { costUsd: result.costUsd, costIncomplete: result.costIncomplete };
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

/**
 * Why the model cannot take the images of this message (null when it can, or there are none):
 * it takes no images at all, or one is larger than its provider accepts.
 */
export function imagesRefused(message: ChatMessage, model: AgentModel): string | null {
  const images = message.parts.filter((p) => p.type === "file" && p.mediaType.startsWith("image/")) as FilePart[];
  if (!images.length) return null;
  const limits = model.images;
  if (!limits) {
    return (
      `${model.name} does not take images: pick a model that does (for example anthropic:claude-sonnet-4-5 or openai:gpt-5), ` +
      `or, if it does, say so in providers.jsonc: { "id": "${model.name.slice(model.name.indexOf(":") + 1)}", "images": true }`
    );
  }
  for (const part of images) {
    const stored = storedImage(part);
    if (!stored) continue;
    const name = part.filename ?? "an image";
    if (stored.bytes > limits.maxBytes) {
      return `${name} has ${formatBytes(stored.bytes)}; ${model.name} takes images of at most ${formatBytes(limits.maxBytes)}: scale it down`;
    }
    const edge = stored.info ? Math.max(stored.info.width, stored.info.height) : 0;
    if (edge > limits.maxEdge) {
      return `${name} is ${stored.info?.width}×${stored.info?.height} pixels; ${model.name} takes images of at most ${limits.maxEdge} pixels a side: scale it down`;
    }
  }
  return null;
}
