import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { SessionStore } from "../history/sessionStore.js";
import { muxRoot, sessionsDir } from "../config/paths.js";
import { LocalRuntime } from "../runtime/local.js";
import type { Runtime } from "../runtime/types.js";
import { ConfigStore, type Project, type Workspace } from "./config.js";
import { type CoderWorkspaces, refuseSharedCoder } from "./coderWorkspaces.js";
import type { PrepareOptions, RemoteWorkspaces, RemoveOptions } from "./remoteWorkspaces.js";
import { Devcontainers } from "./devcontainers.js";
import { dockerImageFor, noDockerImageError } from "./dockerConfig.js";
import { newRuntimeRecord } from "./newRuntime.js";
import { isRemote, localWorktree, type TaskStatus } from "./schemas.js";
import { GitError, git, gitMaybe } from "./git.js";
import type { StatusTarget } from "./gitStatus.js";
import { copyMuxIgnored } from "./muxignore.js";
import { addProject, removeProject, sameProject, setProjectTrusted } from "./projectRegistry.js";
import { normalizeName, suggestName, withSuffix, workspaceName } from "./names.js";
import { movePlanFile, planFilePath } from "./planFile.js";
import { projectDirName } from "./projectDirs.js";
import { detectTrunk, remoteStatusBase } from "./projects.js";
import { unsupportedRuntimeMessage } from "./registry/runtimeConfig.js";
import { type RuntimeChoice, runtimeChoiceOf } from "./runtimeChoice.js";
import { LANDED_REFS, addWorktree, removeWorktree, renameWorktree, unsavedWork, worktreeHealth, worktreeHealthAll, type WorktreeHealth } from "./worktree.js";

export interface CreateWorkspaceInput {
  projectPath: string;
  name?: string;
  runtime?: RuntimeChoice;
  /** Branch (or commit) to start from; the project's trunk by default. */
  base?: string;
  settings?: Workspace["settings"];
  /** A sub-agent's workspace: the workspace that started it, and its task's state. */
  parentWorkspaceId?: string;
  taskStatus?: TaskStatus;
}

/** `unsupported-runtime`: made by the original Mux with a runtime this one does not have (docker…). */
export type WorkspaceHealth = WorktreeHealth | "missing-project" | "unsupported-runtime";

export interface WorkspaceWithHealth extends Workspace {
  health: WorkspaceHealth;
}

/**
 * Projects and their workspaces: the registry plus the git operations that keep it true.
 * Deleting refuses to lose work unless forced, and touches nothing outside the workspace.
 */
export class WorkspaceService {
  readonly store: ConfigStore;
  private readonly devcontainers = new Devcontainers();

  constructor(
    readonly root = muxRoot(),
    private readonly remote?: RemoteWorkspaces,
    /** The Coder workspaces' statuses, for the sidebar. */
    readonly coder?: CoderWorkspaces,
  ) {
    this.store = new ConfigStore(root);
  }

  sessionDir(workspaceId: string): string {
    return path.join(sessionsDir({ MUX_ROOT: this.root }), workspaceId);
  }

  /**
   * Where a workspace's proposed plan is kept for the user to edit: `MUX_ROOT/plans/<project>/<workspace>.md`,
   * the original Mux's place for it (its `~/.mux/plans/<project>/<workspace>.md`), on this machine.
   */
  planFile(ws: Workspace): string {
    const project = sameProject(this.listProjects(), ws.projectPath);
    return planFilePath(this.root, project ? projectDirName(project) : path.basename(ws.projectPath), ws.name);
  }

  // ── projects ────────────────────────────────────────────────────────────

  /** Trusts (or stops trusting) a project's own settings that run programs (its `.mux/mcp.jsonc`). */
  setProjectTrusted(input: string, trusted: boolean): Promise<Project> {
    return setProjectTrusted(this.store, input, trusted);
  }

  addProject(input: string): Promise<Project> {
    return addProject(this.store, input);
  }

  listProjects(): Project[] {
    return this.store.read().projects;
  }

  /** Forgets a project; refuses while it still has workspaces (they hold the user's work). */
  removeProject(input: string): Promise<void> {
    return removeProject(this.store, input);
  }

  // ── workspaces ──────────────────────────────────────────────────────────

  async listWorkspaces(projectPath?: string): Promise<WorkspaceWithHealth[]> {
    const config = this.store.read();
    const project = projectPath && (sameProject(config.projects, projectPath)?.path ?? projectPath);
    const all = config.workspaces.filter((w) => !project || w.projectPath === project);
    const health = await this.healthAll(all);
    return all.map((w) => ({ ...w, health: health.get(w.id) ?? "ok" }));
  }

  /**
   * Finds a workspace by id, or by name within a project: the name as typed, or as creating a
   * workspace with it would have made it (`"my ws"` is `my-ws`).
   */
  find(ref: string, projectPath?: string): Workspace | undefined {
    const config = this.store.read();
    const all = config.workspaces;
    if (projectPath) projectPath = sameProject(config.projects, projectPath)?.path ?? projectPath;
    const named = (name: string) => all.find((w) => w.name === name && (!projectPath || w.projectPath === projectPath));
    return all.find((w) => w.id === ref) ?? named(ref) ?? named(normalizeName(ref));
  }

  get(ref: string, projectPath?: string): Workspace {
    const ws = this.find(ref, projectPath);
    if (ws) return ws;
    const normalized = normalizeName(ref);
    const as = normalized && normalized !== ref ? ` (or "${normalized}")` : "";
    throw new ConfigError(`no workspace "${ref}"${as}${projectPath ? ` in ${projectPath}` : ""}`);
  }

  async health(ws: Workspace): Promise<WorkspaceHealth> {
    if (ws.runtime.type === "unsupported") return "unsupported-runtime";
    if (!fs.existsSync(ws.projectPath)) return "missing-project";
    const worktree = localWorktree(ws.runtime);
    if (!worktree || !ws.branch) return "ok";
    return worktreeHealth(ws.projectPath, worktree, ws.branch);
  }

  /** health() of many workspaces, with a couple of git processes per project in all. */
  async healthAll(workspaces: Workspace[]): Promise<Map<string, WorkspaceHealth>> {
    const out = new Map<string, WorkspaceHealth>();
    const byProject = new Map<string, { id: string; worktreePath: string; branch: string }[]>();
    for (const ws of workspaces) {
      if (ws.runtime.type === "unsupported") out.set(ws.id, "unsupported-runtime");
      else if (!fs.existsSync(ws.projectPath)) out.set(ws.id, "missing-project");
      else {
        const worktree = localWorktree(ws.runtime);
        if (!worktree || !ws.branch) out.set(ws.id, "ok");
        else byProject.set(ws.projectPath, [...(byProject.get(ws.projectPath) ?? []), { id: ws.id, worktreePath: worktree, branch: ws.branch }]);
      }
    }
    await Promise.all(
      [...byProject].map(async ([projectPath, items]) => {
        const health = await worktreeHealthAll(projectPath, items);
        items.forEach((it, i) => out.set(it.id, health[i]));
      }),
    );
    return out;
  }

  worktreePath(project: Project, name: string): string {
    return path.join(this.root, "src", projectDirName(project), name);
  }

  async create(input: CreateWorkspaceInput): Promise<Workspace> {
    const project = await this.addProject(input.projectPath);
    const projectPath = project.path;
    const choice = input.runtime ?? { type: "worktree" };
    const base = input.base ?? (choice.type === "local" ? null : await detectTrunk(projectPath));
    const wanted = input.name === undefined ? undefined : await workspaceName(input.name, projectPath);
    // A bad docker.json, or no image anywhere, is refused before anything is made.
    const image = choice.type === "docker" ? dockerImageFor(projectPath, choice.image, this.store.read().defaultDockerImage)?.image : undefined;
    if (choice.type === "docker" && !image) throw noDockerImageError(projectPath, wanted, this.store.file);
    // Reserve the name in the registry first, so concurrent creations cannot pick the same one.
    const ws = await this.store.update((config) => {
      const taken = new Set(config.workspaces.filter((w) => w.projectPath === projectPath).map((w) => w.name));
      const name = wanted ?? suggestName(taken);
      if (taken.has(name)) throw new ConfigError(`a workspace named "${name}" already exists in ${projectPath}`);
      const runtime = newRuntimeRecord(choice, {
        projectPath,
        name,
        worktreePath: this.worktreePath(project, name),
        dockerImage: image,
        workspaces: config.workspaces,
      });
      const created: Workspace = {
        // 10 hex digits, as the original Mux makes them (the two apps share ids and sessions/<id>/).
        id: randomBytes(5).toString("hex"),
        projectPath,
        name,
        branch: choice.type === "local" ? null : name,
        base,
        runtime,
        createdAt: Date.now(),
        settings: input.settings ?? {},
        ...(input.parentWorkspaceId ? { parentWorkspaceId: input.parentWorkspaceId } : {}),
        ...(input.taskStatus ? { taskStatus: input.taskStatus } : {}),
      };
      config.workspaces.push(created);
      return created;
    });
    try {
      await this.materialize(ws);
    } catch (err) {
      await this.store.update((config) => {
        config.workspaces = config.workspaces.filter((w) => w.id !== ws.id);
      });
      throw err;
    }
    return this.get(ws.id);
  }

  /** Makes the workspace's files exist: a worktree (plus .muxignore'd files) or a remote one. */
  private async materialize(ws: Workspace): Promise<void> {
    if (ws.runtime.type === "devcontainer") {
      // Checked before anything is made (the project has the files the worktree will have).
      const config = path.resolve(ws.projectPath, ws.runtime.configPath);
      if (!fs.existsSync(config)) throw new ConfigError(`no dev container configuration at ${config} (add .devcontainer/devcontainer.json to the project)`);
    }
    if (ws.runtime.type === "worktree" || ws.runtime.type === "devcontainer") {
      // No base recorded (a workspace the original Mux made): the trunk, as for a new one.
      await addWorktree(ws.projectPath, ws.runtime.path, ws.branch!, ws.base ?? (await detectTrunk(ws.projectPath)));
      await copyMuxIgnored(ws.projectPath, ws.runtime.path);
      if (ws.runtime.type === "devcontainer") await this.openDevcontainer(ws);
    } else if (isRemote(ws.runtime)) {
      const project = this.store.read().projects.find((p) => p.path === ws.projectPath)!;
      await this.requireRemote().create(ws, project);
      const runtime = ws.runtime;
      await this.store.update((config) => {
        const w = config.workspaces.find((x) => x.id === ws.id);
        if (w) w.runtime = runtime;
      });
    }
  }

  /** Re-creates the worktree of a workspace whose directory or branch was deleted by hand. */
  async recreate(ref: string): Promise<Workspace> {
    const ws = this.supported(this.get(ref));
    const health = await this.health(ws);
    if (health === "ok") return ws;
    if (ws.runtime.type !== "worktree") throw new ConfigError(`workspace "${ws.name}" cannot be re-created (${health})`);
    const dir = ws.runtime.path;
    // Whatever is left where the worktree was goes only if empty: it may hold the user's files.
    await removeWorktree(ws.projectPath, dir, null).catch((err: Error) => {
      if (!(err instanceof GitError || err instanceof ConfigError)) throw err;
      throw new ConfigError(`cannot re-create "${ws.name}": ${dir} is in the way (${err.message}); move it away and try again`);
    });
    await this.materialize(ws);
    return ws;
  }

  async rename(ref: string, newName: string): Promise<Workspace> {
    const ws = this.supported(this.get(ref));
    const name = await workspaceName(newName, ws.projectPath);
    if (name === ws.name) return ws;
    if (this.store.read().workspaces.some((w) => w.projectPath === ws.projectPath && w.name === name)) {
      throw new ConfigError(`a workspace named "${name}" already exists in ${ws.projectPath}`);
    }
    // The files and branch move first: if that fails, the registry still says where they are.
    let runtime = ws.runtime;
    if (ws.runtime.type === "devcontainer") {
      // The dev container is bound to the worktree's path.
      throw new ConfigError(`dev container workspace "${ws.name}" cannot be renamed: fork it under the new name instead`);
    }
    if (ws.runtime.type === "worktree" && ws.branch) {
      const to = { path: this.worktreePath(await this.addProject(ws.projectPath), name), branch: name };
      await renameWorktree(ws.projectPath, { path: ws.runtime.path, branch: ws.branch }, to);
      runtime = { type: "worktree", path: to.path };
    } else if (isRemote(ws.runtime)) {
      runtime = { ...ws.runtime, path: await this.requireRemote().rename(ws, name) };
    }
    const renamed = await this.store.update((config) => {
      const w = config.workspaces.find((x) => x.id === ws.id);
      if (!w) throw new ConfigError(`workspace "${ws.name}" was deleted meanwhile`);
      w.name = name;
      if (w.branch) w.branch = name;
      w.runtime = runtime;
      return w;
    });
    // The plan file is named after the workspace: it goes along.
    movePlanFile(this.planFile(ws), this.planFile(renamed));
    return renamed;
  }

  /** A new workspace on a new branch from the source's HEAD, with a copy of its chat. */
  async fork(ref: string, newName?: string): Promise<Workspace> {
    const source = this.get(ref);
    if (source.runtime.type === "unsupported") throw new ConfigError(unsupportedRuntimeMessage(source.name, source.runtime));
    // A local workspace is the project directory itself: there is no branch of its own to fork.
    if (source.runtime.type === "local") throw new ConfigError("only worktree, SSH and Docker workspaces can be forked");
    // The fork lives where its source does (an SSH fork on the same host, a Docker one from the same image).
    const head = await this.headOf(source);
    const forked = await this.create({
      projectPath: source.projectPath,
      name: newName ?? withSuffix(source.name, "-fork"),
      runtime: runtimeChoiceOf(source),
      base: head,
      settings: source.settings,
    });
    const updated = await this.store.update((config) => {
      const w = config.workspaces.find((x) => x.id === forked.id)!;
      w.base = source.base;
      w.forkedFrom = source.id;
      return w;
    });
    // The chat comes along as history; its cost stays the source's (never counted twice).
    new SessionStore(this.sessionDir(source.id)).copyAsInherited(new SessionStore(this.sessionDir(forked.id)), source.id);
    return updated;
  }

  /**
   * The commit a workspace's files are at, where a workspace made from it can start: its
   * worktree's HEAD, the project's own for a local workspace, or (remote) made available to a
   * new workspace on the same host.
   */
  async headOf(ws: Workspace): Promise<string> {
    if (ws.runtime.type === "unsupported") throw new ConfigError(unsupportedRuntimeMessage(ws.name, ws.runtime));
    if (isRemote(ws.runtime)) return this.requireRemote().forkBase(ws);
    return (await git(localWorktree(ws.runtime) ?? ws.projectPath, ["rev-parse", "HEAD"])).trim();
  }

  /** Records where a sub-agent's task is (see TaskStatusSchema). */
  async setTaskStatus(id: string, status: TaskStatus): Promise<void> {
    await this.store.update((config) => {
      const w = config.workspaces.find((x) => x.id === id);
      if (w) w.taskStatus = status;
    });
  }

  /**
   * Deletes a workspace: its worktree directory, the branch it created, git's records and its
   * chat. Refuses when that would lose uncommitted changes or unmerged commits, or when git
   * cannot tell (it fails, or is missing), unless forced; a refusal changes nothing.
   */
  async delete(ref: string, opts: { force?: boolean } & RemoveOptions = {}): Promise<void> {
    // Its container or remote workspace is the original Mux's to remove: forgetting it here would strand it.
    const ws = this.supported(this.get(ref));
    const worktree = localWorktree(ws.runtime);
    if (worktree && ws.branch && fs.existsSync(ws.projectPath)) {
      if (!opts.force) await this.refuseToLoseWork(ws, worktree, ws.branch);
      // Its files are in the worktree: the container goes first, losing nothing.
      if (ws.runtime.type === "devcontainer") await this.devcontainers.remove(ws);
      await removeWorktree(ws.projectPath, worktree, ws.branch, { force: opts.force });
    } else if (isRemote(ws.runtime)) {
      const remote = this.requireRemote();
      refuseSharedCoder(ws, this.store.read().workspaces, opts.coder);
      await remote.remove(ws, Boolean(opts.force), { coder: opts.coder });
      // What merging or pushing it left in the local project: its fetched branch, its landed record.
      if (ws.branch && fs.existsSync(ws.projectPath)) {
        for (const ref of [...remote.localRefs(ws), `${LANDED_REFS}${ws.branch}`]) await gitMaybe(ws.projectPath, ["update-ref", "-d", ref]);
      }
    }
    await this.store.update((config) => {
      config.workspaces = config.workspaces.filter((w) => w.id !== ws.id);
    });
    fs.rmSync(this.sessionDir(ws.id), { recursive: true, force: true });
  }

  /** Throws unless git shows that deleting the worktree and its branch loses nothing. */
  private async refuseToLoseWork(ws: Workspace, worktreePath: string, branch: string): Promise<void> {
    let unsaved: Awaited<ReturnType<typeof unsavedWork>>;
    try {
      unsaved = await unsavedWork(ws.projectPath, worktreePath, branch, ws.base);
    } catch (err) {
      // Unable to look is not the same as nothing to lose.
      if (!(err instanceof GitError)) throw err;
      throw new ConfigError(
        `cannot tell whether workspace "${ws.name}" has unsaved work, so nothing was deleted: ${err.message.trim()}\n` +
          "Fix what git reports and try again, or use --force to delete it anyway.",
      );
    }
    const problems = [
      unsaved.dirtyFiles.length ? `${unsaved.dirtyFiles.length} uncommitted change(s) (${unsaved.dirtyFiles.slice(0, 5).join(", ")})` : "",
      unsaved.unmergedCommits.length ? `${unsaved.unmergedCommits.length} commit(s) on no other branch or remote` : "",
      unsaved.strayFiles.length
        ? `${unsaved.strayFiles.length} file(s) in ${worktreePath}, which is no longer a git worktree (${unsaved.strayFiles.slice(0, 5).join(", ")})`
        : "",
    ].filter(Boolean);
    if (problems.length) throw new ConfigError(`workspace "${ws.name}" has ${problems.join(" and ")}; use --force to delete anyway`);
  }

  async updateSettings(ref: string, settings: Workspace["settings"]): Promise<Workspace> {
    const ws = this.get(ref);
    return this.store.update((config) => {
      const w = config.workspaces.find((x) => x.id === ws.id);
      if (!w) throw new ConfigError(`workspace "${ws.name}" was deleted meanwhile`);
      w.settings = { ...w.settings, ...settings };
      return w;
    });
  }

  /**
   * Makes a workspace ready for runtime(): refuses one whose runtime this Mux lacks, and asks an
   * SSH host for its home directory when the workspace's path is given from there (`~/mux/…`,
   * as the original Mux records them).
   */
  async prepare(ws: Workspace, opts?: PrepareOptions): Promise<void> {
    this.supported(ws);
    if (isRemote(ws.runtime)) await this.requireRemote().prepare(ws, opts);
    if (ws.runtime.type === "devcontainer") await this.devcontainers.prepare(ws);
  }

  /** What git status needs for a workspace: its runtime and the base it is measured against. */
  async statusTarget(ws: Workspace): Promise<StatusTarget> {
    // Listing is no reason to start a stopped Coder workspace (its status is then unknown).
    await this.prepare(ws, { wake: false });
    return { id: ws.id, runtime: this.runtime(ws), base: await this.statusBase(ws, ws.base ?? (await detectTrunk(ws.projectPath))) };
  }

  /** `base` as the workspace's own repository names it (an SSH host keeps the branches elsewhere). */
  async statusBase(ws: Workspace, base: string): Promise<string> {
    return isRemote(ws.runtime) ? remoteStatusBase(ws.projectPath, base) : base;
  }

  /** Where the workspace's tools run. */
  /** The workspace's runtime once what it needs first is ready (a remote host's home, a started Coder workspace). */
  async preparedRuntime(ws: Workspace): Promise<Runtime> {
    await this.prepare(ws);
    return this.runtime(ws);
  }

  runtime(ws: Workspace): Runtime {
    switch (ws.runtime.type) {
      case "local":
        return new LocalRuntime(ws.projectPath, "local");
      case "worktree":
        return new LocalRuntime(ws.runtime.path, "worktree");
      case "ssh":
      case "docker":
        return this.requireRemote().runtime(ws);
      case "devcontainer":
        return this.devcontainers.runtime(ws);
      case "unsupported":
        throw new ConfigError(unsupportedRuntimeMessage(ws.name, ws.runtime));
    }
  }

  /** The workspace, unless its runtime is one this Mux does not have (then why, as an error). */
  private supported(ws: Workspace): Workspace {
    if (ws.runtime.type === "unsupported") throw new ConfigError(unsupportedRuntimeMessage(ws.name, ws.runtime));
    return ws;
  }

  /** Starts the workspace's dev container (building it if needed). */
  private async openDevcontainer(ws: Workspace): Promise<void> {
    if (ws.runtime.type !== "devcontainer") return;
    try {
      await this.devcontainers.up(ws);
    } catch (err) {
      // Nothing of a workspace that was never made stays behind: its container, its worktree.
      await this.devcontainers.remove(ws).catch(() => {});
      await removeWorktree(ws.projectPath, ws.runtime.path, ws.branch, { force: true }).catch(() => {});
      throw err;
    }
  }

  private requireRemote(): RemoteWorkspaces {
    if (!this.remote) throw new ConfigError("SSH and Docker workspaces are not available in this build");
    return this.remote;
  }
}
