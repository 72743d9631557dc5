import * as fs from "node:fs";
import { nanoid } from "nanoid";
import type { AgentEvent, AgentEventOf, Mode, RunStatus, ThinkingLevel } from "../agent/events.js";
import { retryPolicyFromEnv } from "../agent/retry.js";
import { ConfigError } from "../config/errors.js";
import { muxRoot, sessionsDir } from "../config/paths.js";
import { SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { loadProvidersConfig } from "../providers/config.js";
import { defaultModel } from "../providers/defaultModel.js";
import { resolveModel } from "../providers/resolveModel.js";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import { runTurn } from "../session/turn.js";
import type { Workspace } from "../workspace/config.js";
import { GitError } from "../workspace/git.js";
import { readInitStatus, runInitHook, waitForInitHook } from "../workspace/initHook.js";
import { resolveProjectPath } from "../workspace/projects.js";
import { noteName } from "./nameNote.js";
import { colors, err } from "./output.js";
import { jsonRenderer } from "./render/json.js";
import { prettyRenderer } from "./render/pretty.js";
import { quietRenderer } from "./render/quiet.js";
import { parseRuntimeOption } from "./runtimeOption.js";
import { createWorkspaceService } from "./services.js";

export interface RunOptions {
  dir: string;
  model?: string;
  mode: Mode;
  thinking: ThinkingLevel;
  budget?: number;
  runtime?: string;
  workspace?: string;
  session?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXIT: Record<RunStatus, number> = { completed: 0, error: 1, "budget-exceeded": 2, aborted: 130 };

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function fail(message: string): number {
  err(`${colors().red("mux:")} ${message}\n`);
  return 1;
}

/** `mux run`: one turn of the agent in a directory; exit 0/1/2/130 (done/error/budget/interrupted). */
interface RunTarget {
  runtime: Runtime;
  sessionId: string;
  workspace?: Workspace;
  /** The model the workspace used last, when none is given. */
  defaultModel?: string;
  beforeFirstTool?: () => Promise<void>;
}

/**
 * Where the run happens: the directory itself (plain `mux run`), or a registered workspace of
 * the project at --dir (created on first use, continuing its chat afterwards).
 */
async function resolveTarget(opts: RunOptions, dir: string, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<RunTarget | string> {
  const choice = opts.runtime ? parseRuntimeOption(opts.runtime) : undefined;
  if (!opts.workspace && (!choice || choice.type === "local")) {
    return { runtime: new LocalRuntime(dir), sessionId: opts.session ?? nanoid(12) };
  }
  if (opts.session) return "--session cannot be combined with a workspace: a workspace continues its own chat";
  const service = createWorkspaceService();
  const projectPath = await resolveProjectPath(dir);
  let ws = opts.workspace ? service.find(opts.workspace, projectPath) : undefined;
  let beforeFirstTool: (() => Promise<void>) | undefined;
  if (ws) {
    if (choice && choice.type !== ws.runtime.type) {
      return `workspace "${ws.name}" uses the ${ws.runtime.type} runtime, not ${choice.type}`;
    }
    const health = await service.health(ws);
    if (health !== "ok") {
      return `workspace "${ws.name}" is ${health.replace("-", " ")} (changed outside Mux): run \`mux workspace recreate ${ws.name}\` or delete it`;
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
    beforeFirstTool = () => hook.then(() => {});
  }
  if (opts.model) await service.updateSettings(ws.id, { model: opts.model });
  return {
    runtime: service.runtime(ws),
    sessionId: ws.id,
    workspace: ws,
    defaultModel: ws.settings.model,
    beforeFirstTool,
  };
}

/** `mux run`: one turn of the agent in a directory; exit 0/1/2/130 (done/error/budget/interrupted). */
export async function runCommand(messageArg: string, opts: RunOptions): Promise<number> {
  const started = Date.now();
  // The SDK would print its warnings straight to the console, between our streamed output.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  try {
    const message = (messageArg || (await readStdin())).trim();
    if (!message) return fail("no message: pass it as an argument or on stdin");
    if (opts.budget !== undefined && !(opts.budget > 0)) return fail("--budget must be a positive number of dollars");
    const dir = fs.existsSync(opts.dir) ? fs.realpathSync(opts.dir) : undefined;
    if (!dir || !fs.statSync(dir).isDirectory()) return fail(`--dir ${opts.dir} is not a directory`);

    const renderer = opts.json ? jsonRenderer() : opts.quiet ? quietRenderer() : prettyRenderer();
    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      // First Ctrl+C stops the agent and saves history; a second one leaves at once.
      if (++interrupts > 1) process.exit(130);
      controller.abort(new Error(`interrupted (${signal})`));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const providers = loadProvidersConfig();
    const target = await resolveTarget(opts, dir, controller.signal, (e) => renderer.onEvent(e));
    if (typeof target === "string") return fail(target);
    const model = await resolveModel(opts.model ?? target.defaultModel ?? defaultModel(providers), providers);
    if (opts.budget !== undefined && !model.price) {
      return fail(`--budget needs the price of ${model.name}, which Mux does not know: add "prices" for it in ${providers.file}`);
    }
    const store = SessionStore.forSession(sessionsDir(), target.sessionId);
    if (opts.session && !store.exists()) return fail(`no session "${opts.session}" in ${sessionsDir()}`);
    let lock: SessionLock;
    try {
      lock = SessionLock.acquire(store.dir, "mux run");
    } catch (e) {
      if (e instanceof SessionBusyError) return fail(`${opts.workspace ? `workspace "${opts.workspace}"` : "this session"} is busy: ${e.message}`);
      throw e;
    }
    const loaded = store.load();
    for (const w of loaded.warnings) err(`mux: warning: ${w}\n`);

    const result = await runTurn({
      store,
      history: loaded.messages,
      userText: message,
      model,
      runtime: target.runtime,
      mode: opts.mode,
      thinking: opts.thinking,
      budgetUsd: opts.budget,
      signal: controller.signal,
      retry: retryPolicyFromEnv(),
      muxRoot: muxRoot(),
      emit: (event) => renderer.onEvent(event),
      beforeFirstTool: target.beforeFirstTool,
    }).finally(() => lock.release());
    const summary: AgentEventOf<"run-complete"> = {
      type: "run-complete",
      status: result.status,
      sessionId: target.sessionId,
      model: model.name,
      usage: result.usage,
      costUsd: result.costUsd,
      text: result.text,
      ...(result.plan !== undefined ? { plan: result.plan } : {}),
      durationMs: Date.now() - started,
    };
    renderer.finish(summary);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    return EXIT[result.status];
  } catch (e) {
    if (e instanceof ConfigError || e instanceof GitError) return fail(e.message);
    throw e;
  }
}
