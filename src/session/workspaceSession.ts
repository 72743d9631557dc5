import type { AgentEvent } from "../agent/events.js";
import type { ChatMessage } from "../agent/messages.js";
import type { Answers } from "../agent/questions.js";
import { applyEvent, newAssistantMessage } from "../agent/reduce.js";
import type { PartialCost } from "../api/partialCost.js";
import type { Activity, CostSummary } from "../api/schemas.js";
import { SessionStore } from "../history/sessionStore.js";
import type { Workspace } from "../workspace/config.js";
import { runInitHook } from "../workspace/initHook.js";
import type { WorkspaceService } from "../workspace/service.js";
import { costSummary } from "./costs.js";
import { errorMessage, HubError } from "./errors.js";
import { ChatLog } from "./eventLog.js";
import { InitEvents } from "./initEvents.js";
import { type LockOwner, SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { cachedCost, chatStat, type PersistedState, readState, writeState } from "./sessionState.js";
import { stopLeftoverToolProcessesIfIdle } from "./toolProcesses.js";
import { type ChatTurnEnd, ChatTurnFailure, type ChatTurnInput, runChatTurn } from "./chatSession.js";
import type { ChildTurn } from "./subagents.js";
import { imageBytes, linkImages } from "./imageLinks.js";
import { mergeQueued, nextBatch, queuedText, type SendInput, type TurnRequest } from "./sendQueue.js";
import { PendingQuestion } from "./pendingQuestion.js";
import type { WorkspaceCommands } from "./slashRun.js";
import type { McpManager, McpWorkspace } from "../mcp/manager.js";

/** Finished messages in a snapshot; older ones are paged in with history(). */
export const SNAPSHOT_MESSAGES = 50;
/** How soon queued messages try again while another process runs an agent in the chat. */
const QUEUE_RETRY_MS = 2_000;
/** Tools that may change files: their end triggers a git status refresh. */
const FILE_TOOLS = new Set(["bash", "file_write", "file_edit_replace_string", "file_edit_insert"]);

/** What a session needs from the hub that owns it. */
export interface SessionHost {
  readonly service: WorkspaceService;
  readonly muxRoot: string;
  readonly env: NodeJS.ProcessEnv;
  /** The workspace as the registry has it now (undefined once deleted). */
  workspace(id: string): Workspace | undefined;
  /** The process's MCP servers, and where this workspace's run (undefined once it is deleted). */
  readonly mcp: McpManager;
  mcpWorkspace(id: string): McpWorkspace | undefined;
  /** Another Mux process running an agent in this workspace's chat, as last seen. */
  elsewhere(id: string): LockOwner | undefined;
  /** The workspace's summary (activity, cost) changed. */
  changed(id: string): void;
  /** A tool may have changed files in the workspace. */
  filesChanged(id: string): void;
  warn(message: string): void;
  /** A turn ended here (the host may tidy up once none runs). */
  turnEnded(): void;
  /** What `/model`, `/fork`, `/new`… do to this workspace. */
  commands(id: string): WorkspaceCommands;
  /** The helper agents this workspace's turns may start (absent: none). */
  subagents?(id: string): ChatTurnInput["subagents"];
}

/**
 * One workspace's agent: its chat (loaded from disk on first use), the turn in progress, the
 * queue of messages typed meanwhile, and the log every subscriber reads. Runs whether or not
 * anyone watches; a turn is only ever started by a user's send or retry.
 */
export class WorkspaceSession {
  readonly log: ChatLog;
  private readonly dir: string;
  private readonly store: SessionStore;
  private messages: ChatMessage[] | null = null;
  /** The assistant message being streamed, folded from the turn's events. */
  private streaming: ChatMessage | null = null;
  private persisted: PersistedState;
  private queue: SendInput[] = [];
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private initHook: Promise<unknown> | null = null;
  private readonly init: InitEvents;
  private cost: PartialCost | undefined;
  private closed = false;
  /** The agent's question waiting for the user (ask_user_question): the turn waits until it is answered. */
  private readonly question = new PendingQuestion(() => this.host.changed(this.id));

  constructor(
    readonly id: string,
    private readonly host: SessionHost,
  ) {
    this.dir = host.service.sessionDir(id);
    this.store = new SessionStore(this.dir);
    this.persisted = readState(this.dir) ?? { unread: false, lastActivityAt: chatStat(this.dir)?.mtimeMs ?? null, state: "idle" };
    this.init = new InitEvents(id, this.dir);
    this.log = new ChatLog(() => this.snapshot());
    // A turn cut short by a crash: recover it now (as interrupted), so the list shows it.
    if (this.store.hasPartial() && !SessionLock.heldByOther(this.dir)) this.load();
    // Commands it left running are stopped now, not at the next message; the note comes with that message.
    this.notices = stopLeftoverToolProcessesIfIdle(this.dir, "mux server");
    for (const n of this.notices) host.warn(`${id}: ${n}`);
  }

  /** Notes for the user found before the next turn (see toolProcesses.ts). */
  private notices: string[] = [];

  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves once no init hook is running (at once when there is none). */
  async initSettled(): Promise<void> {
    while (this.initHook) await this.initHook;
  }

  get activity(): Activity {
    // An agent another process runs here (`mux run --workspace`) shows as streaming, saying where.
    const other = this.running ? undefined : this.host.elsewhere(this.id);
    const state = this.running
      ? this.question.waiting
        ? "needs-input"
        : this.streaming
          ? "streaming"
          : "starting"
      : other
        ? "streaming"
        : this.persisted.state;
    return {
      state,
      queued: this.queue.map(queuedText),
      unread: this.persisted.unread,
      lastActivityAt: this.persisted.lastActivityAt,
      ...(state === "error" && this.persisted.error ? { error: this.persisted.error } : {}),
      ...(other ? { elsewhere: `${other.what} (pid ${other.pid})` } : {}),
    };
  }

  /** When the chat was last needed (loaded or read), for unloadIfIdle. */
  private lastUsedAt = 0;

  /**
   * Frees the chat held in memory when no turn runs, nobody watches it and it was not needed
   * for `idleMs`: a long-running server with many workspaces keeps only the chats in use.
   * It is read from disk again when next needed.
   */
  unloadIfIdle(idleMs: number, now = Date.now()): boolean {
    if (!this.messages || this.running || this.queue.length || this.log.subscriberCount > 0) return false;
    if (now - this.lastUsedAt < idleMs) return false;
    this.messages = null;
    return true;
  }

  private load(): ChatMessage[] {
    this.lastUsedAt = Date.now();
    if (this.messages) return this.messages;
    this.diskKey = this.currentDiskKey();
    // A partial message is only left over from a crash if nobody is running a turn here now.
    const loaded = this.store.load({ recover: !SessionLock.heldByOther(this.dir) });
    for (const w of loaded.warnings) this.host.warn(w);
    this.messages = loaded.messages;
    if (loaded.recovered) {
      this.persisted.state = "idle";
      this.persisted.error = undefined;
      this.persisted.unread = true;
      this.persisted.lastActivityAt = Math.max(this.persisted.lastActivityAt ?? 0, loaded.recovered.createdAt);
      this.save();
    }
    return this.messages;
  }

  private snapshot() {
    const messages = this.load();
    const start = Math.max(0, messages.length - SNAPSHOT_MESSAGES);
    const init = this.init.replay();
    return {
      messages: messages.slice(start).map(this.forBrowser),
      hasMore: start > 0,
      totalMessages: messages.length,
      // A copy: the live message keeps changing while the snapshot waits to be sent.
      streaming: this.streaming ? structuredClone(this.streaming) : null,
      ...(init.length ? { init } : {}),
    };
  }

  history(before: number, limit: number): { messages: ChatMessage[]; start: number } {
    const messages = this.load();
    const end = Math.min(before, messages.length);
    const start = Math.max(0, end - limit);
    return { messages: messages.slice(start, end).map(this.forBrowser), start };
  }

  /** A message as subscribers are sent it: its images as links (see imageLinks.ts). */
  private readonly forBrowser = (message: ChatMessage) => linkImages(message, this.id);

  /** The bytes of an image of the chat, for its link (undefined when there is no such image). */
  image(messageId: string, index: number): { mediaType: string; bytes: Uint8Array } | undefined {
    return imageBytes(
      this.load().find((m) => m.id === messageId),
      index,
    );
  }

  /** Starts a turn, or queues the message while one runs. */
  send(input: SendInput): { queued: boolean } {
    this.assertOpen();
    this.load();
    if (this.running) {
      this.queue.push(input);
      this.host.changed(this.id);
      return { queued: true };
    }
    // Messages still queued (the last turn failed) go first, together with this one.
    this.startBatch([...this.queue, input]);
    return { queued: false };
  }

  /**
   * Runs a sub-agent's task in this (child) workspace: one turn with its prompt, watched like any
   * other; resolves with how it ended. The parent's signal interrupts it.
   */
  runTask(turn: ChildTurn): Promise<ChatTurnEnd> {
    this.assertOpen();
    this.load();
    if (this.running) throw new HubError("CONFLICT", "a turn is already running in this workspace");
    return new Promise<ChatTurnEnd>((resolve, reject) => {
      const interrupt = () => this.interrupt("the agent that started this helper was interrupted");
      this.start({ text: turn.text, model: turn.model, agent: turn.agent, thinking: turn.thinking }, (end) => {
        turn.signal.removeEventListener("abort", interrupt);
        if (end) resolve(end);
        else reject(new Error("the helper's turn broke off"));
      });
      if (turn.signal.aborted) interrupt();
      else turn.signal.addEventListener("abort", interrupt, { once: true });
    });
  }

  /** Re-runs the turn the chat ends with (after an error or interrupt), with no new message. */
  retry(): void {
    this.assertOpen();
    if (this.running) throw new HubError("CONFLICT", "a turn is running: interrupt it first");
    const last = this.load().at(-1);
    if (!last) throw new HubError("BAD_REQUEST", "nothing to retry: the chat is empty");
    if (last.role === "assistant" && last.metadata?.status === "complete") {
      throw new HubError("BAD_REQUEST", "the last turn finished: send a new message instead");
    }
    this.start({});
  }

  interrupt(reason = "interrupted by user"): void {
    this.controller?.abort(new Error(reason));
  }

  /** The user's answers to the question the agent is waiting on; the same turn goes on with them. */
  answer(toolCallId: string, answers: Answers): void {
    this.question.answer(toolCallId, answers);
  }

  clearQueue(): void {
    if (!this.queue.length) return;
    this.queue = [];
    this.host.changed(this.id);
  }

  markRead(): void {
    if (!this.persisted.unread) return;
    this.persisted.unread = false;
    this.save();
    this.host.changed(this.id);
  }

  /** Running cost of the chat, the turn in progress included (known part, and whether some is unknown). */
  workspaceCost(): PartialCost {
    if (this.cost !== undefined) return this.cost;
    if (!this.messages) {
      const cached = cachedCost(this.dir, this.persisted);
      if (cached !== undefined) return (this.cost = cached);
    }
    const messages = this.load();
    const { costUsd, costIncomplete } = costSummary(this.streaming ? [...messages, this.streaming] : messages);
    this.cost = { costUsd, costIncomplete };
    if (!this.running) this.save();
    return this.cost;
  }

  costs(contextWindowFor: (model: string) => number | null): CostSummary {
    const messages = this.load();
    return costSummary(this.streaming ? [...messages, this.streaming] : messages, contextWindowFor);
  }

  /** Runs the project's init hook in a workspace just created; the first tool call waits for it. */
  startInitHook(ws: Workspace): void {
    this.init.reset();
    const emit = (e: AgentEvent) => {
      this.init.add(e);
      this.log.pushEvent(e);
    };
    let runtime: ReturnType<WorkspaceService["runtime"]>;
    try {
      runtime = this.host.service.runtime(ws);
    } catch (err) {
      this.host.warn(`init hook of ${ws.name}: ${errorMessage(err)}`);
      return;
    }
    const hook = runInitHook(runtime, {
      workspaceId: ws.id,
      projectPath: ws.projectPath,
      workspaceName: ws.name,
      stateDir: this.dir,
      emit,
    });
    this.initHook = hook
      .catch((err) => this.host.warn(`init hook of ${ws.name}: ${errorMessage(err)}`))
      .finally(() => {
        this.initHook = null;
        this.host.filesChanged(this.id);
      });
  }

  /** Stops everything for good (the workspace is being deleted, or the server stops). */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    this.queue = [];
    // The reason reaches a question still waiting: its result says the user did not answer because Mux stopped.
    this.interrupt("Mux stopped");
    const running = this.running;
    if (running) await Promise.race([running, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.log.closeAll();
  }

  private assertOpen(): void {
    if (this.closed) throw new HubError("NOT_FOUND", "the workspace is being deleted");
  }

  private save(): void {
    if (this.closed) return;
    const st = chatStat(this.dir);
    const summary = this.messages && !this.running && st ? costSummary(this.messages) : undefined;
    const cost = summary && st ? { ...st, costUsd: summary.costUsd, costIncomplete: summary.costIncomplete } : this.persisted.cost;
    this.persisted.cost = cost;
    writeState(this.dir, this.persisted);
  }

  /** Starts a turn; throws (changing nothing) when another process runs an agent in this chat. */
  private start(req: TurnRequest, ended?: (end: ChatTurnEnd | undefined) => void): void {
    let lock: SessionLock;
    try {
      lock = SessionLock.acquire(this.dir, "mux server");
    } catch (err) {
      if (err instanceof SessionBusyError) throw new HubError("CONFLICT", err.message);
      throw err;
    }
    // Holding the lock, nobody else writes the chat: take in what another process added.
    this.syncFromDisk();
    const controller = new AbortController();
    this.controller = controller;
    this.log.markTurnStart();
    this.running = this.turn(req, lock, controller.signal)
      .then((end) => ended?.(end))
      .catch((err) => {
        ended?.(undefined);
        // A bug in the code around the turn (the turn itself reports its failures as events).
        lock.release();
        this.streaming = null;
        this.log.pushEvent({ type: "error", kind: "unknown", message: errorMessage(err) });
        this.finish("error", errorMessage(err));
      })
      .finally(() => this.afterTurn());
    this.host.changed(this.id);
  }

  /** chat.jsonl as this process last read or wrote it. */
  private diskKey: string | undefined;

  private currentDiskKey(): string {
    const st = chatStat(this.dir);
    return st ? `${st.size}:${st.mtimeMs}` : "none";
  }

  /**
   * Shows what another process (`mux run --workspace`) appended to the chat: the messages this
   * process has not seen are pushed to the subscribers as they would have been live.
   */
  syncFromDisk(): void {
    if (!this.messages || this.running || this.currentDiskKey() === this.diskKey) return;
    const known = new Set(this.messages.map((m) => m.id));
    this.messages = null;
    for (const m of this.load()) if (!known.has(m.id)) this.log.pushMessage(this.forBrowser(m));
    this.host.changed(this.id);
  }

  /** One turn, run by the session core (chatSession.ts), which releases the lock. */
  private async turn(req: TurnRequest, lock: SessionLock, signal: AbortSignal): Promise<ChatTurnEnd> {
    const messages = this.load();
    this.persisted.lastActivityAt = Date.now();
    const ws = this.host.workspace(this.id);
    const end = await runChatTurn({
      lock,
      store: this.store,
      history: messages,
      text: req.text,
      images: req.images,
      model: req.model ?? ws?.settings.model,
      mode: req.mode ?? ws?.settings.mode ?? "exec",
      // A message sent in a mode (no agent) runs as that mode, not as the workspace's agent.
      agent: req.mode || req.agent ? req.agent : ws?.settings.agent,
      projectDir: ws?.projectPath,
      thinking: req.thinking ?? ws?.settings.thinking,
      autoCompactPercent: ws?.settings.autoCompactPercent,
      runtime: async () => {
        if (!ws) throw new ChatTurnFailure("unknown", "this workspace no longer exists");
        return this.host.service.preparedRuntime(ws);
      },
      initHook: this.initHook,
      env: this.host.env,
      signal,
      emit: (e) => this.onEvent(e),
      onMessage: (m) => {
        if (m.role === "assistant") this.streaming = null;
        messages.push(m);
        this.log.pushMessage(this.forBrowser(m));
      },
      notices: this.notices.splice(0),
      warn: (m) => this.host.warn(`${this.id}: ${m}`),
      askUser: this.question.ask,
      toolOptions: { webFetch: ws?.settings.webFetch },
      planFile: ws ? this.host.service.planFile(ws) : undefined,
      workspace: this.host.commands(this.id),
      mcp: this.mcpScope(),
      subagents: this.host.subagents?.(this.id),
    });
    if (end.status === "error") this.finish("error", end.error?.message ?? "the turn failed");
    else this.finish(end.plan ? "needs-input" : "idle");
    return end;
  }

  private mcpScope(): { manager: McpManager; workspace: McpWorkspace } | undefined {
    const workspace = this.host.mcpWorkspace(this.id);
    return workspace && { manager: this.host.mcp, workspace };
  }

  private onEvent(e: AgentEvent): void {
    if (e.type === "stream-start") this.streaming = newAssistantMessage(e.messageId, e.ts);
    if (this.streaming && (!("messageId" in e) || e.messageId === this.streaming.id)) applyEvent(this.streaming, e);
    this.log.pushEvent(e);
    if (e.type === "stream-start") this.host.changed(this.id);
    else if (e.type === "usage") {
      this.cost = undefined;
      this.host.changed(this.id);
    } else if (e.type === "tool-call-end" && FILE_TOOLS.has(e.toolName)) this.host.filesChanged(this.id);
  }

  private finish(state: PersistedState["state"], error?: string): void {
    this.persisted.state = state;
    this.persisted.error = error;
    this.persisted.unread = true;
    this.persisted.lastActivityAt = Date.now();
    this.cost = undefined;
  }

  private afterTurn(): void {
    this.controller = null;
    this.running = null;
    this.diskKey = this.currentDiskKey();
    this.log.markTurnEnd();
    this.save();
    this.host.changed(this.id);
    this.host.turnEnded();
    if (!this.closed && this.queue.length && this.persisted.state !== "error") this.startQueued();
  }

  /** Starts a turn with the next batch of messages and queues the rest (nothing changes when it cannot start). */
  private startBatch(entries = this.queue): void {
    const n = nextBatch(entries);
    this.start(mergeQueued(entries.slice(0, n)));
    this.queue = entries.slice(n);
  }

  /** Runs the queued messages; while another process has the chat, tries again a bit later. */
  private startQueued(): void {
    if (this.closed || this.running || !this.queue.length) return;
    try {
      this.startBatch();
    } catch (err) {
      if (!(err instanceof HubError) || err.code !== "CONFLICT") throw err;
      setTimeout(() => this.startQueued(), QUEUE_RETRY_MS).unref();
    }
  }
}
