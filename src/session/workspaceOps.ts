import { expandHome } from "../config/paths.js";
import type { CoderDeleteAction } from "../workspace/coderWorkspaces.js";
import type { Project, Workspace } from "../workspace/config.js";
import { git } from "../workspace/git.js";
import { suggestName } from "../workspace/names.js";
import { detectTrunk, resolveProjectPath } from "../workspace/projects.js";
import type { CreateWorkspaceInput, WorkspaceService } from "../workspace/service.js";
import { RACY_GIT_WINDOW_MS, settleIndex } from "../workspace/worktree.js";
import { HubError } from "./errors.js";
import { localWorktree } from "../workspace/schemas.js";
import type { GitTracker } from "./gitTracker.js";
import type { RegistryView } from "./registryView.js";
import type { WorkspaceFeed } from "./workspaceFeed.js";
import type { WorkspaceSession } from "./workspaceSession.js";

/** What the operations need from the hub that owns the sessions. */
export interface OpsHost {
  /** The workspace's session (made on first use). */
  session(id: string): WorkspaceSession;
  /** The session, only when one was made. */
  existing(id: string): WorkspaceSession | undefined;
  /** Drops the (closed) session: a fresh one is made on next use. */
  forget(id: string): void;
  /** A tool or an operation may have changed files in the workspace. */
  filesChanged(id: string): void;
}

/**
 * Project and workspace operations (add and remove projects; create, fork, rename, re-create and
 * delete workspaces; the settings a user picks): each changes the registry or the files, then
 * tells the feed. Worktree operations of one project run one at a time.
 */
export class WorkspaceOps {
  /** Worktree operations per project, one at a time (see serial()). */
  private readonly projectOps = new Map<string, Promise<unknown>>();
  private readonly settleTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly service: WorkspaceService,
    private readonly registryView: RegistryView,
    private readonly git: GitTracker,
    private readonly feed: WorkspaceFeed,
    private readonly host: OpsHost,
  ) {}

  // ── projects ─────────────────────────────────────────────────────────────

  listProjects(): Project[] {
    return this.feed.registry().projects;
  }

  async addProject(input: string): Promise<Project> {
    const project = await this.service.addProject(expandHome(input));
    this.feed.emitProjects();
    return project;
  }

  async removeProject(input: string): Promise<void> {
    await this.service.removeProject(input);
    this.feed.emitProjects();
  }

  async branches(input: string): Promise<{ trunk: string; branches: string[] }> {
    const projectPath = await resolveProjectPath(expandHome(input));
    const out = await git(projectPath, ["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes"]);
    const branches = out.split("\n").filter((b) => b && !b.endsWith("/HEAD"));
    return { trunk: await detectTrunk(projectPath), branches };
  }

  async suggestName(input: string): Promise<string> {
    const projectPath = await resolveProjectPath(expandHome(input));
    return suggestName(
      new Set(
        this.feed
          .workspaces()
          .filter((w) => w.projectPath === projectPath)
          .map((w) => w.name),
      ),
    );
  }

  // ── workspaces ───────────────────────────────────────────────────────────

  /** A workspace that just got its files: known to the sidebar, git tracked, init hook started. */
  private async adopt(ws: Workspace, runInit: boolean): Promise<void> {
    this.feed.setHealth(ws.id, "ok");
    const session = this.host.session(ws.id);
    if (runInit) session.startInitHook(ws);
    const worktree = localWorktree(ws.runtime);
    if (worktree) this.settleIndexLater(ws.id, worktree);
    await this.git.set(ws);
    this.host.filesChanged(ws.id);
    this.feed.emitProjectsIfChanged();
    this.feed.emitWorkspace(ws);
  }

  /**
   * Settles a new worktree's index once git no longer sees its files as racily clean (see
   * settleIndex), after the init hook and while the agent is not working (either may run git,
   * whose index lock must not collide with ours); an agent busy for long settles it itself.
   */
  private settleIndexLater(id: string, worktreePath: string, tries = 5): void {
    const timer = setTimeout(async () => {
      this.settleTimers.delete(timer);
      const session = this.host.existing(id);
      await session?.initSettled();
      if (session?.busy) {
        if (tries > 1) this.settleIndexLater(id, worktreePath, tries - 1);
        return;
      }
      await settleIndex(worktreePath);
    }, RACY_GIT_WINDOW_MS);
    timer.unref();
    this.settleTimers.add(timer);
  }

  /**
   * Runs a worktree operation of a project after the ones before it: `git worktree add` prunes
   * first, and a prune running beside another add breaks that add ("could not open
   * .git/worktrees/<name>/locked"), so the UI's concurrent creations must not overlap.
   */
  private serial<T>(projectPath: string, fn: () => Promise<T>): Promise<T> {
    const before = this.projectOps.get(projectPath) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => {});
    this.projectOps.set(projectPath, settled);
    void settled.then(() => {
      if (this.projectOps.get(projectPath) === settled) this.projectOps.delete(projectPath);
    });
    return run;
  }

  async create(input: CreateWorkspaceInput): Promise<Workspace> {
    const projectPath = await resolveProjectPath(expandHome(input.projectPath));
    const ws = await this.serial(projectPath, () => this.service.create({ ...input, projectPath }));
    await this.adopt(ws, true);
    return ws;
  }

  async fork(id: string, name?: string): Promise<Workspace> {
    const source = this.feed.get(id);
    const ws = await this.serial(source.projectPath, () => this.service.fork(id, name));
    await this.adopt(ws, true);
    return ws;
  }

  async rename(id: string, name: string): Promise<Workspace> {
    // Moving the worktree under a running agent would pull its files away mid-turn.
    if (this.host.existing(id)?.busy) throw new HubError("CONFLICT", "the agent is working in this workspace: wait or interrupt it first");
    const current = this.feed.get(id);
    const ws = await this.serial(current.projectPath, () => this.service.rename(current.id, name));
    await this.git.set(ws);
    this.host.filesChanged(ws.id);
    this.feed.emitWorkspace(ws);
    return ws;
  }

  async recreate(id: string): Promise<Workspace> {
    const before = this.feed.get(id);
    const wasHealthy = (await this.service.health(before)) === "ok";
    const ws = await this.serial(before.projectPath, () => this.service.recreate(id));
    if (wasHealthy) return ws;
    await this.adopt(ws, true);
    return ws;
  }

  async delete(id: string, force = false, coder?: CoderDeleteAction): Promise<void> {
    const ws = this.feed.get(id);
    // Stop the agent first: it must not write into a directory being removed.
    await this.host.existing(id)?.close();
    try {
      await this.serial(ws.projectPath, () => this.service.delete(ws.id, { force, coder }));
    } catch (err) {
      this.host.forget(id); // closed: a fresh one is made on next use
      this.feed.changed(id);
      throw err;
    }
    this.feed.emitRemoved(id, ws.projectPath);
  }

  /** The user picked a model, thinking level or mode for this workspace: it keeps them. */
  async updateSettings(id: string, settings: Workspace["settings"]): Promise<void> {
    this.feed.get(id);
    const picks = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    if (Object.keys(picks).length) await this.saveSettings(id, picks);
  }

  /** Saves settings picked with a send (batched with other sends' picks; see RegistryView). */
  async saveSettings(id: string, picks: Workspace["settings"]): Promise<void> {
    const saved = await this.registryView.saveSettings(id, picks);
    for (const wsId of saved) this.feed.changed(wsId);
  }

  /** Stops the timers that would settle new worktrees' indexes. */
  dispose(): void {
    for (const t of this.settleTimers) clearTimeout(t);
  }
}
