import * as fs from "node:fs";
import * as path from "node:path";
import { nanoid } from "nanoid";
import type { AgentEvent, AgentEventOf, ErrorKind, Mode, RunStatus, ThinkingLevel } from "../agent/events.js";
import { emptyUsage } from "../agent/usage.js";
import { expandHome, muxRoot, sessionsDir } from "../config/paths.js";
import { SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { runMcpServer } from "../mcp/config.js";
import { mcpForRun } from "../mcp/workspace.js";
import { loadProvidersConfig } from "../providers/config.js";
import { resolveModel } from "../providers/resolveModel.js";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import type { ChatMessage } from "../agent/messages.js";
import { type ImageAttachment, ImageAttachmentSchema, ImageAttachmentsSchema } from "../api/images.js";
import { imageInfo } from "../common/imageInfo.js";
import { formatBytes, IMAGE_TARGET_EDGE, MAX_IMAGE_BYTES } from "../providers/images.js";
import { ChatTurnFailure, type ChatTurnEnd, failureKind, runChatTurn } from "../session/chatSession.js";
import { parseSlashCommand } from "../session/slashCommands.js";
import { needsWorkspaceMessage, type WorkspaceCommands } from "../session/slashRun.js";
import { runtimeChoiceOf } from "../workspace/runtimeChoice.js";
import type { Workspace } from "../workspace/config.js";
import { runInitHook } from "../workspace/initHook.js";
import { planFilePath } from "../workspace/planFile.js";
import { resolveProjectPath } from "../workspace/projects.js";
import { terminalAsker } from "./askTerminal.js";
import { formatDuration } from "./duration.js";
import { noteName } from "./nameNote.js";
import { err } from "./output.js";
import { jsonRenderer } from "./render/json.js";
import { prettyRenderer } from "./render/pretty.js";
import { quietRenderer } from "./render/quiet.js";
import type { Renderer } from "./render/types.js";
import { ignoredFlagNotes } from "./runFlags.js";
import { runComplete } from "./runSummary.js";
import { runSubagents } from "./runSubagents.js";
import { parseRuntimeOption } from "./runtimeOption.js";

export interface RunOptions {
  dir: string;
  model?: string;
  mode: Mode;
  agent?: string;
  /** `--mcp name=command`: this run's own MCP servers. */
  mcp?: { name: string; command: string }[];
  /** false with `--no-mcp-config`: the mcp.jsonc files are left out. */
  mcpConfig?: boolean;
  thinking?: ThinkingLevel;
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
  /** Image files attached to the message. */
  image?: string[];
  /** The original Mux's `--goal`: the message, when none is given. */
  goal?: string;
  json?: boolean;
  quiet?: boolean;
  hideCosts?: boolean;
  /** false (`--no-web-fetch`): the agent is not offered web_fetch. */
  webFetch?: boolean;
}

const EXIT: Record<RunStatus, number> = { completed: 0, error: 1, "budget-exceeded": 2, aborted: 130 };

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** How a run --timeout stopped ends (exit 1). */
function timeoutError(ms: number): AgentEventOf<"error"> {
  return { type: "error", kind: "timeout", message: `stopped: the run took longer than --timeout ${formatDuration(ms)}` };
}

/** Any failure, by kind: what the user must fix (config, command line, busy chat) or a bug. */
function failureOf(e: unknown): { kind: ErrorKind; message: string } {
  const message = e instanceof Error ? e.message : String(e);
  return { kind: e instanceof SessionBusyError ? "busy" : failureKind(e, "unknown"), message };
}

interface RunTarget {
  runtime: Runtime;
  sessionId: string;
  workspace?: Workspace;
  /** The model the workspace used last, when none is given. */
  defaultModel?: string;
  /** The workspace's setting: how full (in %) the window may be before a turn compacts first. */
  autoCompactPercent?: number;
  /** The workspace's setting: false when web_fetch is off there. */
  webFetch?: boolean;
  /** Where a proposed plan is kept for the user to edit. */
  planFile: string;
  /**
   * A new workspace's init hook, still running: the first tool call waits for it, and the run
   * ends after it (its events come first). One another process runs is found by the session.
   */
  initHook?: Promise<unknown>;
}

/**
 * Where the run happens: the directory itself (plain `mux run`), or a registered workspace of
 * the project at --dir (created on first use, continuing its chat afterwards).
 */
async function resolveTarget(opts: RunOptions, dir: string, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<RunTarget> {
  const choice = opts.runtime ? parseRuntimeOption(opts.runtime) : undefined;
  if (opts.workspaceId !== undefined && !/^[A-Za-z0-9_-]+$/.test(opts.workspaceId)) {
    throw new ChatTurnFailure("usage", `--workspace-id takes letters, digits, "-" and "_", not "${opts.workspaceId}"`);
  }
  if (!opts.workspace && (!choice || choice.type === "local")) {
    const sessionId = opts.session ?? opts.workspaceId ?? nanoid(12);
    // No workspace: the plan is named after the session, under the directory's name.
    return { runtime: new LocalRuntime(dir), sessionId, planFile: planFilePath(muxRoot(), path.basename(dir), sessionId) };
  }
  const given = opts.session ? "--session" : opts.workspaceId ? "--workspace-id" : undefined;
  if (given) throw new ChatTurnFailure("usage", `${given} cannot be combined with a workspace: a workspace continues its own chat`);
  // Loaded only for workspaces: a plain `mux run` starts faster without the workspace services.
  const { createWorkspaceService } = await import("../app/services.js");
  const service = createWorkspaceService();
  const projectPath = await resolveProjectPath(dir);
  let ws = opts.workspace ? service.find(opts.workspace, projectPath) : undefined;
  let initHook: Promise<unknown> | undefined;
  if (ws) {
    await service.prepare(ws);
    if (choice && choice.type !== ws.runtime.type) {
      throw new ChatTurnFailure("usage", `workspace "${ws.name}" uses the ${ws.runtime.type} runtime, not ${choice.type}`);
    }
    const health = await service.health(ws);
    if (health !== "ok") {
      throw new ChatTurnFailure(
        "config",
        `workspace "${ws.name}" is ${health.replace("-", " ")} (changed outside Mux): run \`mux workspace recreate ${ws.name}\` or delete it`,
      );
    }
  } else {
    ws = await service.create({ projectPath, name: opts.workspace, runtime: choice ?? { type: "worktree" } });
    noteName("created", ws, opts.workspace);
    const created = ws;
    // The hook runs while the model thinks; the first tool call waits for it.
    initHook = runInitHook(service.runtime(created), {
      workspaceId: created.id,
      projectPath: created.projectPath,
      workspaceName: created.name,
      stateDir: service.sessionDir(created.id),
      emit,
      signal,
    }).catch(() => {});
  }
  if (opts.model) await service.updateSettings(ws.id, { model: opts.model });
  return {
    runtime: service.runtime(ws),
    sessionId: ws.id,
    workspace: ws,
    defaultModel: ws.settings.model,
    autoCompactPercent: ws.settings.autoCompactPercent,
    webFetch: ws.settings.webFetch,
    planFile: service.planFile(ws),
    initHook,
  };
}

/**
 * What `/model`, `/fork`, `/new`… do to the workspace of this run: its settings are written to the
 * registry; a new workspace runs its init hook before the run ends (its events in the stream).
 */
async function workspaceCommands(ws: Workspace, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<WorkspaceCommands> {
  const { createWorkspaceService } = await import("../app/services.js");
  const service = createWorkspaceService();
  const adopt = async (made: Workspace) => {
    await runInitHook(service.runtime(made), {
      workspaceId: made.id,
      projectPath: made.projectPath,
      workspaceName: made.name,
      stateDir: service.sessionDir(made.id),
      emit,
      signal,
    }).catch(() => {});
    return { id: made.id, name: made.name };
  };
  return {
    saveSettings: async (picks) => {
      await service.updateSettings(ws.id, picks);
    },
    fork: async (name) => adopt(await service.fork(ws.id, name)),
    create: async (name) => adopt(await service.create({ projectPath: ws.projectPath, name, runtime: runtimeChoiceOf(ws) })),
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
    const interrupt = () => onSignal("SIGINT");
    const result = await runOnce(messageArg, opts, renderer, { signal: controller.signal, listen, interrupt, modeGiven: givenFlags.includes("mode") }, soFar);
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
        sessionId: result.sessionId,
        model: result.model,
        usage: result.usage,
        costUsd: result.costUsd,
        ...(result.costIncomplete ? { costIncomplete: true } : {}),
        ...(result.context ? { context: result.context } : {}),
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

/**
 * The images given with --image, checked as the server checks what the browser sends. They are
 * not scaled down here (that would take an image library with native code): one larger than
 * allowed is refused, naming the limit.
 */
function readImages(files: string[]): ImageAttachment[] {
  const images = files.map((file) => {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new ChatTurnFailure("usage", `--image ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      throw new ChatTurnFailure(
        "usage",
        `--image ${file}: ${formatBytes(bytes.length)} is more than the ${formatBytes(MAX_IMAGE_BYTES)} an image may have: scale it down (e.g. to ${IMAGE_TARGET_EDGE} pixels on its longer side)`,
      );
    }
    const info = imageInfo(bytes);
    if (!info) throw new ChatTurnFailure("usage", `--image ${file}: not a PNG, JPEG, WebP or GIF image`);
    const parsed = ImageAttachmentSchema.safeParse({ mediaType: info.mediaType, data: bytes.toString("base64"), filename: path.basename(file) });
    if (!parsed.success) throw new ChatTurnFailure("usage", `--image ${file}: ${parsed.error.issues[0].message}`);
    return parsed.data;
  });
  const all = ImageAttachmentsSchema.safeParse(images);
  if (!all.success) throw new ChatTurnFailure("usage", `--image: ${all.error.issues[0].message}`);
  return images;
}

/** Everything from the message to the finished turn; throws what keeps the run from starting (a ChatTurnFailure says its kind). */
async function runOnce(
  messageArg: string,
  opts: RunOptions,
  renderer: Renderer,
  { signal, listen, interrupt, modeGiven }: { signal: AbortSignal; listen: () => void; interrupt: () => void; modeGiven: boolean },
  soFar: RunSoFar,
): Promise<ChatTurnEnd & { sessionId: string }> {
  const images = readImages(opts.image ?? []);
  const message = (messageArg || (await readStdin()) || opts.goal || "").trim();
  if (!message && !images.length) throw new ChatTurnFailure("usage", "no message: pass it as an argument or on stdin");
  // A command that cannot run is refused before anything is created or sent.
  const parsed = parseSlashCommand(message);
  if (parsed.kind === "refused") throw new ChatTurnFailure("usage", parsed.message);
  const outside = parsed.kind === "command" && !opts.workspace ? needsWorkspaceMessage(parsed.command) : undefined;
  if (outside) throw new ChatTurnFailure("usage", outside);
  if (opts.budget !== undefined && !(opts.budget > 0)) throw new ChatTurnFailure("usage", "--budget must be a positive number of dollars");
  const dir = fs.existsSync(opts.dir) ? fs.realpathSync(opts.dir) : undefined;
  if (!dir || !fs.statSync(dir).isDirectory()) throw new ChatTurnFailure("usage", `--dir ${opts.dir} is not a directory`);
  listen();

  const providers = loadProvidersConfig();
  // A model given on the command line is checked before a workspace is created for it.
  const chosen = opts.model ? await resolveModel(opts.model, providers) : undefined;
  const target = await resolveTarget(opts, dir, signal, (e) => renderer.onEvent(e));
  soFar.target = target;
  const store = SessionStore.forSession(sessionsDir(), target.sessionId);
  if (opts.session && !store.exists()) throw new ChatTurnFailure("usage", `no session "${opts.session}" in ${sessionsDir()}`);
  if (store.exists()) soFar.sessionId = target.sessionId;
  let lock: SessionLock;
  try {
    lock = SessionLock.acquire(store.dir, "mux run");
  } catch (e) {
    if (e instanceof SessionBusyError)
      throw new ChatTurnFailure("busy", `${opts.workspace ? `workspace "${opts.workspace}"` : "this session"} is busy: ${e.message}`);
    throw e;
  }
  let history: ChatMessage[];
  try {
    const loaded = store.load();
    for (const w of loaded.warnings) err(`mux: warning: ${w}\n`);
    history = loaded.messages;
  } catch (e) {
    lock.release();
    throw e;
  }
  // From here on the session exists (the user's message is its first line).
  soFar.sessionId = target.sessionId;
  // This run's MCP servers (nothing is loaded without an mcp.jsonc), stopped when it ends.
  const own =
    opts.mcp?.length || opts.mcpConfig === false
      ? { servers: Object.fromEntries((opts.mcp ?? []).map((s) => [s.name, runMcpServer(s.name, s.command)])), configFiles: opts.mcpConfig !== false }
      : undefined;
  const mcp = await mcpForRun(
    { sessionId: target.sessionId, workspace: target.workspace, dir, stateDir: store.dir, own, runtime: async () => target.runtime },
    process.env,
  );
  const end = await runChatTurn({
    lock,
    store,
    history,
    text: message,
    ...(images.length ? { images } : {}),
    model: chosen,
    defaultModel: target.defaultModel,
    providers,
    // The workspace's mode (`/plan` keeps it) unless --mode says otherwise.
    mode: modeGiven ? opts.mode : (target.workspace?.settings.mode ?? opts.mode),
    agent: opts.agent,
    projectDir: target.workspace?.projectPath ?? dir,
    thinking: opts.thinking,
    budgetUsd: opts.budget,
    autoCompactPercent: target.autoCompactPercent,
    runtime: () => target.runtime,
    initHook: target.initHook,
    env: process.env,
    signal,
    emit: (event) => renderer.onEvent(event),
    warn: (w) => err(`mux: warning: ${w}\n`),
    // Someone at a terminal answers the agent's questions; a script or CI job cannot (the agent decides).
    askUser: process.stdin.isTTY && process.stderr.isTTY ? terminalAsker(process.stdin, process.stderr, interrupt) : undefined,
    toolOptions: { webFetch: opts.webFetch !== false && target.webFetch !== false },
    planFile: target.planFile,
    ...(target.workspace && parsed.kind === "command" ? { workspace: await workspaceCommands(target.workspace, signal, (e) => renderer.onEvent(e)) } : {}),
    mcp,
    subagents: runSubagents({
      parent: { id: target.sessionId, dir, workspace: target.workspace, runtime: target.runtime },
      env: process.env,
      providers,
      emit: (e) => renderer.onEvent(e),
      warn: (w) => err(`mux: warning: ${w}\n`),
      webFetch: opts.webFetch !== false,
    }),
  }).finally(() => mcp?.manager.close());
  return { ...end, sessionId: target.sessionId };
}
