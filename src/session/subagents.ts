import type { ThinkingLevel } from "../agent/events.js";
import { muxRoot } from "../config/paths.js";
import { ConfigError } from "../config/errors.js";
import { SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { execCapture, type Runtime } from "../runtime/types.js";
import {
  type Subagents,
  type TaskApplyResult,
  type TaskAwaitResult,
  type TaskCallContext,
  ToolError,
  type TaskReport,
  type TaskRequest,
  type TaskStarted,
} from "../tools/types.js";
import type { Workspace } from "../workspace/config.js";
import { MAX_NAME_LENGTH, normalizeName } from "../workspace/names.js";
import type { RuntimeChoice } from "../workspace/runtimeChoice.js";
import type { CreateWorkspaceInput, WorkspaceService } from "../workspace/service.js";
import { runtimeChoiceOf } from "../workspace/runtimeChoice.js";
import type { ChatTurnEnd, ChatTurnInput } from "./chatSession.js";

/** A workspace the user started is at depth 0; its children at 1 may start children; those at 2 may not. */
export const MAX_TASK_DEPTH = 2;
/** How many of one agent's helpers work at once; the others wait for a free place. */
export const DEFAULT_TASK_CONCURRENCY = 4;

/** The agent whose helpers these are: a workspace, or `mux run` in a project's directory. */
export interface TaskParent {
  /** The parent workspace's id, or (`mux run` in a directory) the run's session id. */
  id: string;
  /** The project the children are workspaces of (a git repository). */
  projectPath: string;
  /** The parent workspace; absent for `mux run` in a directory (the children start from its HEAD). */
  workspace?: Workspace;
  /** Where the parent's files are: task_apply_git_patch applies there. */
  runtime: () => Runtime | Promise<Runtime>;
}

/** One child's turn, as its driver runs it. */
export interface ChildTurn {
  child: Workspace;
  text: string;
  agent: string;
  model: string;
  thinking: ThinkingLevel;
  /** The parent's: interrupting the parent interrupts the child. */
  signal: AbortSignal;
  /** What is left of the parent's budget (`mux run --budget`): the child's turn stops past it. */
  budgetUsd?: number;
}

/**
 * What differs between `mux run` and the server: how a child workspace is made known (the
 * server's sidebar shows it, its init hook starts) and how its turn runs (the server through the
 * child's own workspace session, so its chat can be watched live like any other).
 */
export interface ChildDriver {
  create(input: CreateWorkspaceInput): Promise<Workspace>;
  run(turn: ChildTurn): Promise<ChatTurnEnd>;
}

export interface SubagentDeps {
  service: WorkspaceService;
  driver: ChildDriver;
  env: NodeJS.ProcessEnv;
  concurrency?: number;
}

/** How many parents up the chain a workspace has (a parent that is gone ends the chain). */
export function taskDepth(ws: Pick<Workspace, "parentWorkspaceId">, all: Workspace[]): number {
  let depth = 0;
  const seen = new Set<string>();
  for (let id = ws.parentWorkspaceId; id && !seen.has(id); ) {
    seen.add(id);
    depth++;
    id = all.find((w) => w.id === id)?.parentWorkspaceId;
  }
  return depth;
}

/**
 * The helpers a turn of `parent` may start, or undefined when it is too deep to start any (then
 * the task tools are not offered at all).
 */
export function subagentsFor(parent: TaskParent, deps: SubagentDeps): ChatTurnInput["subagents"] {
  // Only a helper's workspace has a chain to follow (the registry is not read for the others).
  const depth = parent.workspace?.parentWorkspaceId ? taskDepth(parent.workspace, deps.service.store.read().workspaces) : 0;
  if (depth >= MAX_TASK_DEPTH) return undefined;
  return (defaults) => new TaskLauncher(parent, deps, defaults);
}

/** A counting semaphore: at most `limit` holders; a waiter leaves when its signal aborts. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async use<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    if (this.used >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal.removeEventListener("abort", stop);
          resolve();
        };
        const stop = () => {
          this.waiting.splice(this.waiting.indexOf(go), 1);
          reject(new ToolError("interrupted before the helper started"));
        };
        this.waiting.push(go);
        signal.addEventListener("abort", stop, { once: true });
      });
    }
    this.used++;
    try {
      return await fn();
    } finally {
      this.used--;
      this.waiting.shift()?.();
    }
  }
}

const GIT = "git -c core.quotepath=off";

/** A helper started in the background: its report once it has one, and whether the model had it. */
interface Background {
  title: string;
  done: Promise<void>;
  report?: TaskReport;
  given: boolean;
}

/** One turn's helpers: started in child workspaces, at most `concurrency` at once. */
class TaskLauncher implements Subagents {
  private readonly slots: Slots;
  private readonly background = new Map<string, Background>();
  /** Stops the background helpers still at work when the turn ends. */
  private readonly stopBackground = new AbortController();

  constructor(
    private readonly parent: TaskParent,
    private readonly deps: SubagentDeps,
    private readonly defaults: { model: string; thinking: ThinkingLevel },
  ) {
    this.slots = new Slots(deps.concurrency ?? (Number(deps.env.MUX_TASK_CONCURRENCY) || DEFAULT_TASK_CONCURRENCY));
  }

  async run(request: TaskRequest, { signal, budgetUsd }: TaskCallContext): Promise<TaskReport> {
    const agentId = request.agentId ?? "exec";
    await this.checkRunnable(agentId);
    return this.slots.use(signal, async () => {
      const child = await this.createChild(request, agentId, "running");
      return this.runChild(child, request, agentId, signal, budgetUsd);
    });
  }

  /** Its workspace is made at once (queued); its turn waits for a free place like any helper's. */
  async start(request: TaskRequest, { signal, budgetUsd }: TaskCallContext): Promise<TaskStarted> {
    const agentId = request.agentId ?? "exec";
    await this.checkRunnable(agentId);
    const child = await this.createChild(request, agentId, "queued");
    const stop = AbortSignal.any([signal, this.stopBackground.signal]);
    const entry: Background = { title: request.title, given: false, done: Promise.resolve() };
    entry.done = this.slots
      .use(stop, async () => {
        await this.deps.service.setTaskStatus(child.id, "running").catch(() => {});
        return this.runChild(child, request, agentId, stop, budgetUsd);
      })
      .then(
        (report) => {
          entry.report = report;
        },
        async (err: unknown) => {
          await this.deps.service.setTaskStatus(child.id, "interrupted").catch(() => {});
          entry.report = failedReport(child, request, agentId, stop.aborted, err);
        },
      );
    this.background.set(child.id, entry);
    return { status: "running", taskId: child.id, workspaceId: child.id, title: request.title, agentId, branch: child.branch };
  }

  async await(taskIds: string[] | undefined, timeoutMs: number, signal: AbortSignal): Promise<TaskAwaitResult> {
    const wanted = taskIds ?? [...this.background].filter(([, b]) => !b.given).map(([id]) => id);
    const unknown = wanted.filter((id) => this.background.get(id)?.given !== false);
    const mine = wanted.filter((id) => !unknown.includes(id)).map((id) => [id, this.background.get(id) as Background] as const);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      Promise.all(mine.map(([, b]) => b.done)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        onAbort = resolve;
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
    const reports: TaskReport[] = [];
    const running: TaskAwaitResult["running"] = [];
    for (const [taskId, b] of mine) {
      if (!b.report) running.push({ taskId, title: b.title });
      else {
        b.given = true;
        reports.push(b.report);
      }
    }
    return { reports, running, unknown };
  }

  async settle(): Promise<TaskReport[]> {
    if (!this.background.size) return [];
    this.stopBackground.abort(new Error("the parent's turn ended"));
    await Promise.all([...this.background.values()].map((b) => b.done));
    const left = [...this.background.values()].filter((b) => !b.given && b.report);
    for (const b of left) b.given = true;
    return left.map((b) => b.report as TaskReport);
  }

  private async runChild(child: Workspace, request: TaskRequest, agentId: string, signal: AbortSignal, budgetUsd: number | undefined): Promise<TaskReport> {
    let end: ChatTurnEnd;
    try {
      end = await this.deps.driver.run({ child, text: helperMessage(request), agent: agentId, ...this.defaults, signal, budgetUsd });
    } catch (err) {
      await this.deps.service.setTaskStatus(child.id, "interrupted").catch(() => {});
      throw err;
    }
    await this.deps.service.setTaskStatus(child.id, end.status === "aborted" ? "interrupted" : "reported").catch(() => {});
    return this.report(child, request, agentId, end);
  }

  /** Built-in exec and plan, or a custom agent whose file says it may run as a sub-agent (`subagent.runnable`). */
  private async checkRunnable(agentId: string): Promise<void> {
    // Loaded on use: agent files need the YAML parser, which a run without agents does without.
    const { loadAgentCatalog } = await import("../agents/discover.js");
    const catalog = loadAgentCatalog({ muxRoot: muxRoot(this.deps.env), projectDir: this.parent.projectPath });
    const def = catalog.definitions.find((d) => d.id === agentId);
    const runnable = (d: (typeof catalog.definitions)[number]) => !d.front.ui?.disabled && (d.scope === "built-in" || d.front.subagent?.runnable === true);
    if (def && runnable(def)) return;
    const ids = [...new Set(catalog.definitions.filter(runnable).map((d) => d.id))].join(", ");
    throw new ToolError(
      `"${agentId}" ${def ? "cannot run as a helper (its file does not set subagent.runnable: true)" : "is not an agent"}; use one of: ${ids}`,
    );
  }

  /** A new workspace from the parent's current commit, on its own branch, recorded as the parent's child. */
  private async createChild(request: TaskRequest, agentId: string, taskStatus: "running" | "queued"): Promise<Workspace> {
    const { parent, deps } = this;
    let base: string;
    try {
      base = parent.workspace
        ? await deps.service.headOf(parent.workspace)
        : (await execCapture(await parent.runtime(), `${GIT} rev-parse HEAD`)).stdout.trim();
    } catch (err) {
      throw new ToolError(`cannot start a helper: the parent's commit is unknown (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!/^[0-9a-f]{40,64}$/.test(base)) throw new ToolError("cannot start a helper: the parent has no commit yet (commit something first)");
    // A local parent shares the project's directory: its helpers get worktrees of their own.
    const kind = parent.workspace?.runtime.type;
    const runtime: RuntimeChoice = parent.workspace && kind !== "local" ? runtimeChoiceOf(parent.workspace) : { type: "worktree" };
    const stem =
      normalizeName(request.title)
        .toLowerCase()
        .slice(0, MAX_NAME_LENGTH - 4)
        .replace(/[._-]+$/, "") || "task";
    const taken = new Set(
      deps.service.store
        .read()
        .workspaces.filter((w) => w.projectPath === parent.projectPath)
        .map((w) => w.name),
    );
    for (let n = 1; ; n++) {
      const name = n === 1 ? stem : `${stem}-${n}`;
      if (taken.has(name)) continue;
      try {
        return await deps.driver.create({
          projectPath: parent.projectPath,
          name,
          runtime,
          base,
          settings: { model: this.defaults.model, thinking: this.defaults.thinking, agent: agentId },
          parentWorkspaceId: parent.id,
          taskStatus,
        });
      } catch (err) {
        // Another helper of the same title took the name meanwhile: the next one.
        if (n < 20 && err instanceof ConfigError && /already exists/.test(err.message)) continue;
        throw err;
      }
    }
  }

  /** The child's answer, and where its changes are (its branch from the commit it started at). */
  private async report(child: Workspace, request: TaskRequest, agentId: string, end: ChatTurnEnd): Promise<TaskReport> {
    const base = child.base ?? "";
    let diffStat = "";
    let commits = 0;
    let uncommittedFiles = 0;
    try {
      const rt = await this.childRuntime(child);
      const ref = branchRef(child);
      commits = Number((await execCapture(rt, `${GIT} rev-list --count ${base}..${ref}`)).stdout.trim()) || 0;
      diffStat = (await execCapture(rt, `${GIT} diff --stat=100 ${base} ${ref}`)).stdout.trimEnd();
      uncommittedFiles = (await execCapture(rt, `${GIT} status --porcelain`)).stdout.split("\n").filter(Boolean).length;
    } catch (err) {
      diffStat = `(git could not tell: ${err instanceof Error ? err.message : String(err)})`;
    }
    const status = end.status === "completed" ? "completed" : end.status === "aborted" ? "interrupted" : "error";
    return {
      status,
      taskId: child.id,
      workspaceId: child.id,
      title: request.title,
      agentId,
      reportMarkdown: end.text,
      branch: child.branch,
      baseCommit: base,
      commits,
      diffStat,
      uncommittedFiles,
      costUsd: end.costUsd,
      ...(end.costIncomplete ? { costIncomplete: true } : {}),
      ...(end.error ? { error: end.error.message } : end.status === "budget-exceeded" ? { error: "its budget ran out" } : {}),
    };
  }

  private childRuntime(child: Workspace): Promise<Runtime> {
    return this.deps.service.preparedRuntime(child);
  }

  /**
   * The child's committed changes (`git diff` of its branch against the commit it started
   * from) applied to the parent's files with a three-way merge; conflicts stay in the files,
   * marked, and are listed.
   */
  async apply(taskId: string, { dryRun }: { dryRun: boolean }): Promise<TaskApplyResult> {
    const child = this.deps.service.store.read().workspaces.find((w) => w.id === taskId);
    if (!child || child.parentWorkspaceId !== this.parent.id) throw new ToolError(`no helper "${taskId}" of yours: use the taskId a task call returned`);
    // Its chat's lock says whether its agent is still at work (a status left "running" by a crash does not).
    try {
      SessionLock.acquire(this.deps.service.sessionDir(child.id), "task_apply_git_patch").release();
    } catch (err) {
      if (err instanceof SessionBusyError) throw new ToolError(`helper "${taskId}" is still working: wait for its report`);
      throw err;
    }
    if (!child.base) throw new ToolError(`helper "${taskId}" has no starting commit recorded`);
    const rt = await this.childRuntime(child);
    const ref = branchRef(child);
    const diff = await execCapture(rt, `${GIT} diff --binary ${child.base} ${ref}`);
    if (diff.exitCode !== 0) throw new ToolError(`cannot read the helper's changes: ${diff.stderr.trim()}`);
    const files = (await execCapture(rt, `${GIT} diff --name-only ${child.base} ${ref}`)).stdout.split("\n").filter(Boolean);
    if (!diff.stdout.trim()) {
      return { taskId, status: "nothing-to-apply", files: [], conflicts: [], note: "The helper committed no changes on its branch." };
    }
    const parentRt = await this.parent.runtime();
    // From the top of the parent's repository: run in a subdirectory, git would skip the paths outside it.
    const applied = await execCapture(parentRt, `cd "$(git rev-parse --show-toplevel)" && ${GIT} apply --3way${dryRun ? " --check" : ""} -`, {
      stdin: diff.stdout,
    });
    const said = `${applied.stdout}\n${applied.stderr}`;
    if (dryRun) {
      const conflicts = conflictedIn(said);
      const clean = applied.exitCode === 0 && conflicts.length === 0;
      return {
        taskId,
        status: clean ? "would-apply" : "would-conflict",
        files,
        conflicts,
        note: clean ? "It applies cleanly; nothing was changed." : `It would not apply cleanly; nothing was changed.\n${said.trim()}`,
      };
    }
    // What git left unmerged (its messages also name files it merged cleanly after all).
    const conflicts = (await execCapture(parentRt, `${GIT} diff --name-only --diff-filter=U`)).stdout.split("\n").filter(Boolean);
    if (applied.exitCode === 0 && conflicts.length === 0) {
      return { taskId, status: "applied", files, conflicts: [], note: `Applied ${files.length} file(s) as staged changes (not committed).` };
    }
    if (!conflicts.length) {
      const dirty = /does not match index|already exists in working directory/.test(said);
      throw new ToolError(`the helper's changes did not apply${dirty ? " (commit or stash your own changes to those files first)" : ""}: ${said.trim()}`);
    }
    return {
      taskId,
      status: "conflicts",
      files,
      conflicts,
      note: `Applied with conflicts in ${conflicts.join(", ")}: they hold conflict markers (<<<<<<< ours, >>>>>>> theirs) to resolve; the rest is staged.`,
    };
  }
}

/**
 * The helper's message: what it is (so it commits, and ends with a report), then its task. It is
 * the first message of its chat, shown there like any other.
 */
export function helperMessage(request: TaskRequest): string {
  return [
    `You are a helper agent: another agent gave you this task ("${request.title}") and waits for your report.`,
    "You work in a workspace of your own, on a branch of its own: commit your changes there (they reach the other agent only as commits).",
    "End with a short report: what you did, what you found, and anything left undone.",
    "",
    request.prompt,
  ].join("\n");
}

/** The report of a background helper that never got to report (stopped while waiting, or its turn failed). */
function failedReport(child: Workspace, request: TaskRequest, agentId: string, stopped: boolean, err: unknown): TaskReport {
  return {
    status: stopped ? "interrupted" : "error",
    taskId: child.id,
    workspaceId: child.id,
    title: request.title,
    agentId,
    reportMarkdown: "",
    branch: child.branch,
    baseCommit: child.base ?? "",
    commits: 0,
    diffStat: "",
    uncommittedFiles: 0,
    // Stopped before its turn began it spent nothing; a turn that failed may have.
    costUsd: stopped ? 0 : null,
    ...(stopped ? {} : { costIncomplete: true }),
    error: err instanceof Error ? err.message : String(err),
  };
}

/** The child's branch (a worktree's HEAD may have moved elsewhere), or its HEAD when it has none. */
function branchRef(child: Workspace): string {
  return child.branch ? `refs/heads/${child.branch}` : "HEAD";
}

/** Paths `git apply --3way` says it merged with conflicts (its --check says so too, and still exits 0). */
function conflictedIn(output: string): string[] {
  const out = new Set<string>();
  for (const line of output.split("\n")) {
    const m = /^Applied patch to '(.+)' with conflicts\.$/.exec(line.trim());
    if (m) out.add(m[1]);
  }
  return [...out];
}
