import * as fs from "node:fs";
import * as path from "node:path";
import { nanoid } from "nanoid";
import { type AgentEvent, type AgentEventOf, type ErrorKind, emptyUsage, type Mode, type RunStatus, type ThinkingLevel } from "../agent/events.js";
import { retryPolicyFromEnv } from "../agent/retry.js";
import { ConfigError } from "../config/errors.js";
import { expandHome, muxRoot, sessionsDir } from "../config/paths.js";
import { SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { loadProvidersConfig } from "../providers/config.js";
import { defaultModel } from "../providers/defaultModel.js";
import { resolveModel } from "../providers/resolveModel.js";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import { runTurn, type TurnResult } from "../session/turn.js";
import type { Workspace } from "../workspace/config.js";
import { GitError } from "../workspace/git.js";
import { readInitStatus, runInitHook, waitForInitHook } from "../workspace/initHook.js";
import { resolveProjectPath } from "../workspace/projects.js";
import { formatDuration } from "./duration.js";
import { noteName } from "./nameNote.js";
import { err } from "./output.js";
import { jsonRenderer } from "./render/json.js";
import { prettyRenderer } from "./render/pretty.js";
import { quietRenderer } from "./render/quiet.js";
import type { Renderer } from "./render/types.js";
import { ignoredFlagNotes } from "./runFlags.js";
import { runComplete } from "./runSummary.js";
import { parseRuntimeOption } from "./runtimeOption.js";

export interface RunOptions {
  dir: string;
  model?: string;
  mode: Mode;
  thinking: ThinkingLevel;
  budget?: number;
  runtime?: string;
  workspace?: string;
  session?: string;
  /** The original Mux's `--workspace-id`: this session, continued when it exists, else started. */
  workspaceId?: string;
  /** The original Mux's `--config-root`: the data directory for this run (MUX_ROOT). */
  configRoot?: string;
  /** Milliseconds after which the run is stopped and fails (kind `timeout`). */
  timeout?: number;
  /** The original Mux's `--goal`: the message, when none is given. */
  goal?: string;
  json?: boolean;
  quiet?: boolean;
  hideCosts?: boolean;
}

const EXIT: Record<RunStatus, number> = { completed: 0, error: 1, "budget-exceeded": 2, aborted: 130 };

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A run that cannot start: ends as an `error` event of this kind (exit 1). */
class RunFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "RunFailure";
  }
}

/** How a run --timeout stopped ends (exit 1). */
function timeoutError(ms: number): AgentEventOf<"error"> {
  return { type: "error", kind: "timeout", message: `stopped: the run took longer than --timeout ${formatDuration(ms)}` };
}

/** Any failure, by kind: what the user must fix (config, command line, busy chat) or a bug. */
function failureOf(e: unknown): { kind: ErrorKind; message: string } {
  if (e instanceof RunFailure) return { kind: e.kind, message: e.message };
  if (e instanceof SessionBusyError) return { kind: "busy", message: e.message };
  if (e instanceof ConfigError || e instanceof GitError) return { kind: "config", message: e.message };
  return { kind: "unknown", message: e instanceof Error ? e.message : String(e) };
}

interface RunTarget {
  runtime: Runtime;
  sessionId: string;
  workspace?: Workspace;
  /** The model the workspace used last, when none is given. */
  defaultModel?: string;
  beforeFirstTool?: () => Promise<void>;
  /** A new workspace's init hook, still running: the run ends after it (its events come first). */
  initHook?: Promise<unknown>;
}

/**
 * Where the run happens: the directory itself (plain `mux run`), or a registered workspace of
 * the project at --dir (created on first use, continuing its chat afterwards).
 */
async function resolveTarget(opts: RunOptions, dir: string, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<RunTarget> {
  const choice = opts.runtime ? parseRuntimeOption(opts.runtime) : undefined;
  if (opts.workspaceId !== undefined && !/^[A-Za-z0-9_-]+$/.test(opts.workspaceId)) {
    throw new RunFailure("usage", `--workspace-id takes letters, digits, "-" and "_", not "${opts.workspaceId}"`);
  }
  if (!opts.workspace && (!choice || choice.type === "local")) {
    return { runtime: new LocalRuntime(dir), sessionId: opts.session ?? opts.workspaceId ?? nanoid(12) };
  }
  const given = opts.session ? "--session" : opts.workspaceId ? "--workspace-id" : undefined;
  if (given) throw new RunFailure("usage", `${given} cannot be combined with a workspace: a workspace continues its own chat`);
  // Loaded only for workspaces: a plain `mux run` starts faster without the workspace services.
  const { createWorkspaceService } = await import("../app/services.js");
  const service = createWorkspaceService();
  const projectPath = await resolveProjectPath(dir);
  let ws = opts.workspace ? service.find(opts.workspace, projectPath) : undefined;
  let beforeFirstTool: (() => Promise<void>) | undefined;
  let initHook: Promise<unknown> | undefined;
  if (ws) {
    await service.prepare(ws);
    if (choice && choice.type !== ws.runtime.type) {
      throw new RunFailure("usage", `workspace "${ws.name}" uses the ${ws.runtime.type} runtime, not ${choice.type}`);
    }
    const health = await service.health(ws);
    if (health !== "ok") {
      throw new RunFailure(
        "config",
        `workspace "${ws.name}" is ${health.replace("-", " ")} (changed outside Mux): run \`mux workspace recreate ${ws.name}\` or delete it`,
      );
    }
    const stateDir = service.sessionDir(ws.id);
    if (readInitStatus(stateDir).state === "running") beforeFirstTool = () => waitForInitHook(stateDir, signal).then(() => {});
  } else {
    ws = await service.create({ projectPath, name: opts.workspace, runtime: choice ?? { type: "worktree" } });
    noteName("created", ws, opts.workspace);
    const created = ws;
    // The hook runs while the model thinks; the first tool call waits for it.
    const hook = runInitHook(service.runtime(created), {
      workspaceId: created.id,
      projectPath: created.projectPath,
      workspaceName: created.name,
      stateDir: service.sessionDir(created.id),
      emit,
      signal,
    });
    initHook = hook.catch(() => {});
    beforeFirstTool = () => hook.then(() => {});
  }
  if (opts.model) await service.updateSettings(ws.id, { model: opts.model });
  return {
    runtime: service.runtime(ws),
    sessionId: ws.id,
    workspace: ws,
    defaultModel: ws.settings.model,
    beforeFirstTool,
    initHook,
  };
}

/** What the run-complete summary of a run that failed can say. */
interface RunSoFar {
  model: string;
  sessionId: string;
  target?: RunTarget;
}

/**
 * `mux run`: one turn of the agent in a directory; exit 0/1/2/130 (done/error/budget/interrupted).
 * Whatever happens, the run ends with exactly one run-complete (after an `error` event when it
 * failed), so a script reading `--json` always learns how it ended.
 */
export async function runCommand(messageArg: string, opts: RunOptions, givenFlags: string[] = []): Promise<number> {
  const started = Date.now();
  // The SDK would print its warnings straight to the console, between our streamed output.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  // Before anything reads a path under it.
  if (opts.configRoot) process.env.MUX_ROOT = path.resolve(expandHome(opts.configRoot));
  for (const note of ignoredFlagNotes(givenFlags)) err(`mux: note: ${note}\n`);
  const renderer = opts.json ? jsonRenderer() : opts.quiet ? quietRenderer() : prettyRenderer({ hideCosts: opts.hideCosts });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // First Ctrl+C stops the agent and saves history; a second one leaves at once.
    if (++interrupts > 1) process.exit(130);
    controller.abort(new Error(`interrupted (${signal})`));
  };
  // Taken over once the message is read (until then Ctrl+C simply ends the process).
  const listen = () => {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    if (opts.timeout === undefined) return;
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${formatDuration(opts.timeout as number)}`));
    }, opts.timeout);
  };
  const soFar: RunSoFar = { model: opts.model ?? "", sessionId: "" };
  try {
    const { result, model, sessionId } = await runOnce(messageArg, opts, renderer, { signal: controller.signal, listen }, soFar);
    clearTimeout(timer);
    await soFar.target?.initHook;
    // A run --timeout stopped is a failure, reported with what it cost so far.
    const stoppedByTimeout = timedOut && result.status === "aborted";
    const status = stoppedByTimeout ? "error" : result.status;
    if (stoppedByTimeout) renderer.onEvent(timeoutError(opts.timeout as number));
    if (status === "budget-exceeded" && opts.budget !== undefined)
      renderer.onEvent({ type: "budget-exceeded", spent: result.costUsd ?? 0, budget: opts.budget });
    renderer.finish(
      runComplete({
        status,
        sessionId,
        model,
        usage: result.usage,
        costUsd: result.costUsd,
        ...(result.costIncomplete ? { costIncomplete: true } : {}),
        text: result.text,
        ...(result.plan !== undefined ? { plan: result.plan } : {}),
        durationMs: Date.now() - started,
      }),
    );
    return EXIT[status];
  } catch (e) {
    clearTimeout(timer);
    await soFar.target?.initHook;
    const { kind, message } = timedOut ? timeoutError(opts.timeout as number) : failureOf(e);
    renderer.fail(
      { type: "error", kind, message },
      runComplete({
        status: "error",
        sessionId: soFar.sessionId,
        model: soFar.model,
        usage: emptyUsage(),
        costUsd: 0,
        text: "",
        durationMs: Date.now() - started,
      }),
    );
    return EXIT.error;
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Everything from the message to the finished turn; throws what keeps the run from happening. */
async function runOnce(
  messageArg: string,
  opts: RunOptions,
  renderer: Renderer,
  { signal, listen }: { signal: AbortSignal; listen: () => void },
  soFar: RunSoFar,
): Promise<{ result: TurnResult; model: string; sessionId: string }> {
  const message = (messageArg || (await readStdin()) || opts.goal || "").trim();
  if (!message) throw new RunFailure("usage", "no message: pass it as an argument or on stdin");
  if (opts.budget !== undefined && !(opts.budget > 0)) throw new RunFailure("usage", "--budget must be a positive number of dollars");
  const dir = fs.existsSync(opts.dir) ? fs.realpathSync(opts.dir) : undefined;
  if (!dir || !fs.statSync(dir).isDirectory()) throw new RunFailure("usage", `--dir ${opts.dir} is not a directory`);
  listen();

  const providers = loadProvidersConfig();
  // A model given on the command line is checked before a workspace is created for it.
  const chosen = opts.model ? await resolveModel(opts.model, providers) : undefined;
  const target = await resolveTarget(opts, dir, signal, (e) => renderer.onEvent(e));
  soFar.target = target;
  const model = chosen ?? (await resolveModel(target.defaultModel ?? defaultModel(providers), providers));
  soFar.model = model.name;
  if (opts.budget !== undefined && !model.price) {
    throw new RunFailure("config", `--budget needs the price of ${model.name}, which Mux does not know: add "prices" for it in ${providers.file}`);
  }
  const store = SessionStore.forSession(sessionsDir(), target.sessionId);
  if (opts.session && !store.exists()) throw new RunFailure("usage", `no session "${opts.session}" in ${sessionsDir()}`);
  if (store.exists()) soFar.sessionId = target.sessionId;
  let lock: SessionLock;
  try {
    lock = SessionLock.acquire(store.dir, "mux run");
  } catch (e) {
    if (e instanceof SessionBusyError)
      throw new RunFailure("busy", `${opts.workspace ? `workspace "${opts.workspace}"` : "this session"} is busy: ${e.message}`);
    throw e;
  }
  try {
    const loaded = store.load();
    for (const w of loaded.warnings) err(`mux: warning: ${w}\n`);
    // From here on the session exists (the user's message is its first line).
    soFar.sessionId = target.sessionId;
    const result = await runTurn({
      store,
      history: loaded.messages,
      userText: message,
      model,
      runtime: target.runtime,
      mode: opts.mode,
      thinking: opts.thinking,
      budgetUsd: opts.budget,
      signal,
      retry: retryPolicyFromEnv(),
      muxRoot: muxRoot(),
      emit: (event) => renderer.onEvent(event),
      beforeFirstTool: target.beforeFirstTool,
    });
    return { result, model: model.name, sessionId: target.sessionId };
  } finally {
    lock.release();
  }
}
