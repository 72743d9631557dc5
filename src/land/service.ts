import { ConfigError } from "../config/errors.js";
import type { Workspace } from "../workspace/config.js";
import { gitMaybe } from "../workspace/git.js";
import { branchExists, detectTrunk } from "../workspace/projects.js";
import type { WorkspaceService } from "../workspace/service.js";
import { commitAll, uncommittedFiles } from "./commit.js";
import { mergeIntoTrunk } from "./merge.js";
import { revParse } from "./plumbing.js";
import type { CommitResult, MergeMode, MergeResult } from "./schemas.js";

export interface MergeOptions {
  mode?: MergeMode;
  message?: string;
  /** The local branch to merge into; the workspace's base (or the project's trunk) by default. */
  into?: string;
}

/** Fetches an SSH workspace's branch from its host into the local project (see sshLand.ts). */
export interface BranchFetcher {
  /** Brings the branch's commits into `projectPath` and returns its tip there. */
  fetchBranch(ws: Workspace): Promise<string>;
  /** Tells the host that `commit` of the branch has landed (so its safe delete sees it merged). */
  recordLanded(ws: Workspace, commit: string): Promise<void>;
}

/**
 * Landing a workspace's work: commit its changes, merge its branch into the trunk, push it and
 * open a pull request. Each call names the workspace; nothing here knows of HTTP or the CLI.
 */
export class LandService {
  constructor(
    readonly workspaces: WorkspaceService,
    private readonly remote?: BranchFetcher,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async commit(ref: string, message: string): Promise<CommitResult> {
    const ws = this.workspaces.get(ref);
    await this.workspaces.prepare(ws);
    return commitAll(this.workspaces.runtime(ws), message);
  }

  async merge(ref: string, opts: MergeOptions = {}): Promise<MergeResult> {
    const ws = this.workspaces.get(ref);
    if (!ws.branch || ws.runtime.type === "local") {
      throw new ConfigError(`workspace "${ws.name}" works in the project directory itself: its changes are already on the branch checked out there`);
    }
    await this.workspaces.prepare(ws);
    const trunk = await this.trunkOf(ws, opts.into);
    if (trunk === ws.branch) throw new ConfigError(`workspace "${ws.name}" is on ${trunk} itself: there is nothing to merge into`);
    const uncommitted = await uncommittedFiles(this.workspaces.runtime(ws));
    const source = ws.runtime.type === "ssh" ? await this.requireRemote().fetchBranch(ws) : await revParse(ws.projectPath, `refs/heads/${ws.branch}`);
    const result = await mergeIntoTrunk({ repo: ws.projectPath, branch: ws.branch, source, trunk, mode: opts.mode ?? "squash", message: opts.message });
    if (result.status === "merged" && ws.runtime.type === "ssh") await this.requireRemote().recordLanded(ws, source);
    return result.status === "merged" || result.status === "up-to-date" ? { ...result, uncommitted } : result;
  }

  /**
   * The local branch a workspace lands on: `into`, else its base, else the project's trunk. A
   * remote-tracking base (`origin/main`) means the local branch of the same name.
   */
  async trunkOf(ws: Workspace, into?: string): Promise<string> {
    const candidates = into ? [into] : [ws.base, await detectTrunk(ws.projectPath)];
    for (const name of candidates) {
      if (!name) continue;
      if (await branchExists(ws.projectPath, name)) return name;
      const full = (await gitMaybe(ws.projectPath, ["rev-parse", "--symbolic-full-name", name]))?.trim();
      const tracking = full && /^refs\/remotes\/[^/]+\/(.+)$/.exec(full)?.[1];
      if (tracking && (await branchExists(ws.projectPath, tracking))) return tracking;
    }
    throw new ConfigError(`no local branch ${candidates.filter(Boolean).join(" or ")} in ${ws.projectPath} to merge into${into ? "" : " (use --into)"}`);
  }

  private requireRemote(): BranchFetcher {
    if (!this.remote) throw new ConfigError("SSH workspaces are not available in this build");
    return this.remote;
  }
}
