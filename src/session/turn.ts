import * as path from "node:path";
import { DELTA_HOLD_MS } from "../agent/deltaPacing.js";
import type { AgentEvent, Mode, ThinkingLevel } from "../agent/events.js";
import { type AgentModel, type AgentRunResult, type AskUser, runAgent } from "../agent/loop.js";
import { type ChatMessage, finalText, newUserMessage } from "../agent/messages.js";
import type { RetryPolicy } from "../agent/retry.js";
import { buildSystemPrompt } from "../agent/systemPrompt.js";
import type { SessionStore } from "../history/sessionStore.js";
import type { Runtime } from "../runtime/types.js";
import { toolAsText } from "../agent/toModelMessages.js";
import { getTool, type ToolOptions } from "../tools/registry.js";
import { agentAllowsTool, type ResolvedAgent } from "../agents/resolve.js";
import { toolsForTurn } from "../agents/toolSet.js";
import { writePlanFile } from "../workspace/planFile.js";
import { recordingProcesses, stopLeftoverToolProcesses, ToolProcessRecord } from "./toolProcesses.js";
import type { Subagents, TodoItem, ToolDefinition } from "../tools/types.js";

export interface TurnInput {
  store: SessionStore;
  /** Messages already in the session (loaded from the store). */
  history: ChatMessage[];
  /** The new user message; omitted to re-run the turn the history ends with (retry). */
  userText?: string;
  model: AgentModel;
  runtime: Runtime;
  mode: Mode;
  /** The agent the turn runs as (its instructions and tool patterns); the mode's defaults without one. */
  agent?: ResolvedAgent;
  thinking: ThinkingLevel;
  budgetUsd?: number;
  signal: AbortSignal;
  retry: RetryPolicy;
  muxRoot: string;
  emit: (event: AgentEvent) => void;
  beforeFirstTool?: () => Promise<void>;
  /** Shown to the user at the start of the answer (found before the turn, e.g. at server start). */
  notices?: string[];
  /** Receives the live assistant message once, before streaming starts. */
  onMessage?: (message: ChatMessage) => void;
  /** Someone who can answer the agent's questions (ask_user_question). */
  askUser?: AskUser;
  /** Which optional tools the model is offered (web_fetch). */
  toolOptions?: ToolOptions;
  /** Where a proposed plan is kept as a Markdown file the user can edit (default: plan.md in the chat's directory). */
  planFile?: string;
  /** Tools beside the built-in ones (MCP servers'); those that change things are left out in plan mode. */
  extraTools?: ToolDefinition[];
  /** Starts helper agents (the task tools, offered when toolOptions.subagents says so). */
  subagents?: Subagents;
}

export interface TurnResult extends AgentRunResult {
  /** What the agent said last (its answer). */
  text: string;
  plan?: string;
}

/**
 * How often what was streamed is put on disk for crash recovery: a kill -9 loses at most the
 * last 100 ms of the answer, counting the time a delta may wait to be joined (deltaPacing.ts).
 */
const PARTIAL_WRITE_MS = 100 - DELTA_HOLD_MS;

/** The latest todo list in the conversation, so a continued session keeps its checklist. */
function lastTodos(history: ChatMessage[]): TodoItem[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const parts = history[i].parts;
    for (let j = parts.length - 1; j >= 0; j--) {
      const p = parts[j];
      if (p.type === "tool" && p.toolName === "todo_write" && p.state === "done") {
        const todos = (p.input as { todos?: TodoItem[] } | undefined)?.todos;
        if (Array.isArray(todos)) return todos;
      }
    }
  }
  return [];
}

/**
 * What the model is shown of the history: a failed message keeps its finished steps but not the
 * step that failed (its partial output never reached the model as a whole; a retry redoes it).
 */
export function historyForModel(history: ChatMessage[], extraTools: readonly string[] = []): ChatMessage[] {
  const out: ChatMessage[] = [];
  const known = (name: string) => getTool(name) !== undefined || extraTools.includes(name);
  for (const m of history.map((h) => unknownToolsAsText(h, known))) {
    if (m.role !== "assistant" || m.metadata?.status !== "error") {
      out.push(m);
      continue;
    }
    let last = m.parts.length;
    while (last > 0 && m.parts[last - 1].type !== "step-start") last--;
    const failed = m.parts.slice(last);
    // A step whose tools ran is kept (e.g. a step-limit error): the model must know they ran.
    const ran = failed.some((p) => p.type === "tool" && p.state === "done");
    const parts = ran ? m.parts : m.parts.slice(0, Math.max(0, last - 1));
    if (parts.some((p) => p.type !== "step-start")) out.push({ ...m, parts });
  }
  return out;
}

/**
 * Calls of tools Mux does not have (a chat the original Mux wrote has its own: web_fetch, task…)
 * or of MCP tools this turn does not have are told to the model as text; the calls of the tools
 * it is given stay calls.
 */
function unknownToolsAsText(m: ChatMessage, known: (name: string) => boolean): ChatMessage {
  if (!m.parts.some((p) => p.type === "tool" && !known(p.toolName))) return m;
  return { ...m, parts: m.parts.map((p) => (p.type === "tool" && !known(p.toolName) ? { type: "text" as const, text: toolAsText(p) } : p)) };
}

/**
 * One user message and the agent's answer, persisted as it happens: the user message is stored
 * first, the streaming answer is logged as it grows, and the finished answer is appended. Without
 * `userText` the turn re-runs on the history as it is (retry after an error).
 */
export async function runTurn(input: TurnInput): Promise<TurnResult> {
  const { store } = input;
  const history = [...input.history];
  if (input.userText !== undefined) {
    const userMessage = newUserMessage(input.userText);
    store.append(userMessage);
    history.push(userMessage);
  }
  const system = await buildSystemPrompt({
    runtime: input.runtime,
    muxRoot: input.muxRoot,
    mode: input.mode,
    model: input.model.name,
    agent: input.agent,
  });
  const extraTools = (input.extraTools ?? []).filter((t) => {
    const inMode = input.mode !== "plan" || !t.mutates;
    return input.agent ? agentAllowsTool(input.agent, t.name, inMode) : inMode;
  });
  const planFile = input.planFile ?? path.join(store.dir, "plan.md");
  const toolSession = {
    todos: lastTodos(input.history),
    plan: undefined as string | undefined,
    savePlan: (plan: string) => {
      writePlanFile(planFile, plan);
      return planFile;
    },
  };
  // Commands a Mux process that died mid-tool left running are stopped before anything else
  // runs here; while this turn runs, its own commands are recorded the same way.
  const notices = [...(input.notices ?? []), ...stopLeftoverToolProcesses(store.dir)];
  const runtime = recordingProcesses(input.runtime, new ToolProcessRecord(store.dir));

  let current: ChatMessage | undefined;
  let lastWrite = 0;
  let pending: NodeJS.Timeout | undefined;
  const snapshot = () => {
    pending = undefined;
    lastWrite = Date.now();
    // Serialized now, written in the background (one write at a time per chat): a server
    // streaming many chats must not block its event loop on the disk.
    if (current) store.savePartial(current);
  };
  const emit = (event: AgentEvent) => {
    if (current) store.recordPartial(event, current);
    input.emit(event);
    // At most one snapshot per PARTIAL_WRITE_MS: a finished tool or step is written at once
    // unless one was just taken, in which case the pending one (≤ PARTIAL_WRITE_MS away) has it.
    const wait = PARTIAL_WRITE_MS - (Date.now() - lastWrite);
    if (wait <= 0 && (event.type === "tool-call-end" || event.type === "step-start")) {
      if (pending) clearTimeout(pending);
      snapshot();
    } else if (!pending) pending = setTimeout(snapshot, Math.max(0, wait));
  };

  const resultPromise = runAgent({
    history: historyForModel(
      history,
      extraTools.map((t) => t.name),
    ),
    chatId: path.basename(store.dir),
    model: input.model,
    system,
    tools: [...toolsForTurn(input.mode, input.agent, input.toolOptions), ...extraTools],
    runtime,
    notices,
    thinking: input.thinking,
    mode: input.mode,
    signal: input.signal,
    retry: input.retry,
    toolSession,
    budgetUsd: input.budgetUsd,
    beforeFirstTool: input.beforeFirstTool,
    askUser: input.askUser,
    subagents: input.subagents,
    emit,
    onMessage: (message) => {
      current = message;
      input.onMessage?.(message);
    },
  });
  let result: AgentRunResult;
  try {
    result = await resultPromise;
  } finally {
    if (pending) clearTimeout(pending);
  }
  store.append(result.message);
  store.clearPartial();
  // A write still running would bring the partial file back after the turn: the turn is over
  // once it is gone (and `mux run` may exit right away).
  await store.flushPartial();
  return { ...result, text: finalText(result.message), plan: toolSession.plan };
}
