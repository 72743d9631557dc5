import * as fs from "node:fs";
import * as path from "node:path";
import type { AgentEvent } from "../agent/events.js";
import { muxRoot, sessionsDir } from "../config/paths.js";
import { SessionLock } from "../history/sessionLock.js";
import { SessionStore } from "../history/sessionStore.js";
import { mcpForRun } from "../mcp/workspace.js";
import type { LoadedProvidersConfig } from "../providers/config.js";
import type { Runtime } from "../runtime/types.js";
import { type ChatTurnInput, runChatTurn } from "../session/chatSession.js";
import { type ChildDriver, MAX_TASK_DEPTH, subagentsFor, type TaskParent, taskDepth } from "../session/subagents.js";
import { ConfigStore, type Workspace } from "../workspace/config.js";
import { runInitHook } from "../workspace/initHook.js";
import type { WorkspaceService } from "../workspace/service.js";

/** The git repository `dir` is in (a `.git` found walking up; no git process), or undefined. */
export function gitTopLevel(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

export interface RunSubagentsOptions {
  /** The run's workspace, or (absent) the directory it runs in, by its session id. */
  parent: { id: string; dir: string; workspace?: Workspace; runtime: Runtime };
  env: NodeJS.ProcessEnv;
  providers: LoadedProvidersConfig;
  /** Where the children's events go, each wrapped as a child-event. */
  emit: (event: AgentEvent) => void;
  warn: (message: string) => void;
  webFetch: boolean;
}

/**
 * `mux run`'s helpers: child workspaces of the project at --dir (it must be a git repository),
 * each run here with the same session core, its events printed as child-events tagged with its
 * id; their chats are kept like any workspace's (`mux run --workspace <name>` continues one).
 * Undefined, with nothing loaded, outside a git repository.
 */
export function runSubagents(opts: RunSubagentsOptions): ChatTurnInput["subagents"] {
  const top = opts.parent.workspace?.projectPath ?? gitTopLevel(opts.parent.dir);
  if (!top) return undefined;
  // A helper's own workspace, run again from here: it may be too deep to start helpers.
  const ws = opts.parent.workspace;
  if (ws?.parentWorkspaceId && taskDepth(ws, new ConfigStore(muxRoot(opts.env)).read().workspaces) >= MAX_TASK_DEPTH) return undefined;
  let made: Promise<(parent: TaskParent) => ChatTurnInput["subagents"]> | undefined;
  // The workspace services load when the first helper starts (a run that starts none loads none of them).
  const load = () =>
    (made ??= (async () => {
      const { createWorkspaceService } = await import("../app/services.js");
      const service = createWorkspaceService(opts.env);
      const forParent = (parent: TaskParent) => subagentsFor(parent, { service, driver, env: opts.env });
      const driver = cliDriver(service, opts, forParent);
      return forParent;
    })());
  const parent: TaskParent = {
    id: opts.parent.id,
    projectPath: fs.realpathSync(top),
    workspace: opts.parent.workspace,
    runtime: () => opts.parent.runtime,
  };
  return (defaults) => {
    // The factory is sync (the turn asks once it resolved its model); the services load on first use.
    let launcher: ReturnType<NonNullable<ChatTurnInput["subagents"]>> | undefined;
    const get = async () => {
      if (!launcher) launcher = (await load())(parent)?.(defaults);
      if (!launcher) throw new Error("no helpers can be started here");
      return launcher;
    };
    return {
      run: async (request, ctx) => (await get()).run(request, ctx),
      start: async (request, ctx) => (await get()).start(request, ctx),
      await: async (ids, timeoutMs, signal) => (await get()).await(ids, timeoutMs, signal),
      // No helper started: nothing to settle (and nothing loaded for it).
      settle: async () => (launcher ? launcher.settle() : []),
      apply: async (taskId, o) => (await get()).apply(taskId, o),
    };
  };
}

/** Creates children one at a time (concurrent `git worktree add`s in one repository break), then runs each here. */
function cliDriver(service: WorkspaceService, opts: RunSubagentsOptions, subagentsOf: (parent: TaskParent) => ChatTurnInput["subagents"]): ChildDriver {
  let creating: Promise<unknown> = Promise.resolve();
  const hooks = new Map<string, Promise<unknown>>();
  const wrap = (child: Workspace) => (event: AgentEvent) =>
    opts.emit(event.type === "child-event" ? event : { type: "child-event", childId: child.id, parentId: child.parentWorkspaceId ?? "", event });
  return {
    create: (input) => {
      const made = creating.then(() => service.create(input));
      creating = made.catch(() => {});
      return made.then((child) => {
        // Runs while the child's model thinks; its first tool call waits for it.
        const hook = service.prepare(child).then(() =>
          runInitHook(service.runtime(child), {
            workspaceId: child.id,
            projectPath: child.projectPath,
            workspaceName: child.name,
            stateDir: service.sessionDir(child.id),
            emit: wrap(child),
          }),
        );
        hooks.set(
          child.id,
          hook.catch(() => {}),
        );
        return child;
      });
    },
    run: async ({ child, text, agent, model, thinking, signal, budgetUsd }) => {
      const store = SessionStore.forSession(sessionsDir(opts.env), child.id);
      const runtime = () => service.preparedRuntime(child);
      const lock = SessionLock.acquire(store.dir, "mux run");
      // The MCP servers the helper's workspace may use, started for its turn and stopped after it.
      const mcp = await mcpForRun({ sessionId: child.id, workspace: child, dir: child.projectPath, stateDir: store.dir, runtime }, opts.env).catch((err) => {
        lock.release();
        throw err;
      });
      return runChatTurn({
        lock,
        store,
        history: [],
        text,
        model,
        providers: opts.providers,
        mode: "exec",
        agent,
        projectDir: child.projectPath,
        thinking,
        budgetUsd,
        runtime,
        initHook: hooks.get(child.id),
        env: opts.env,
        signal,
        emit: wrap(child),
        warn: opts.warn,
        toolOptions: { webFetch: opts.webFetch },
        planFile: service.planFile(child),
        subagents: subagentsOf({ id: child.id, projectPath: child.projectPath, workspace: child, runtime }),
        mcp,
      }).finally(() => mcp?.manager.close());
    },
  };
}
