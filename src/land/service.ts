import { ConfigError } from "../config/errors.js";
import type { Workspace } from "../workspace/config.js";
import { git, gitMaybe } from "../workspace/git.js";
import { branchExists, detectTrunk } from "../workspace/projects.js";
import { isRemote } from "../workspace/schemas.js";
import type { WorkspaceService } from "../workspace/service.js";
import { commitAll, uncommittedFiles } from "./commit.js";
import { compareUrl } from "./compareUrl.js";
import { createPr, viewPr } from "./gh.js";
import { mergeIntoTrunk } from "./merge.js";
import { revParse } from "./plumbing.js";
import { PrWatch } from "./prWatch.js";
import type { CommitResult, MergeMode, MergeResult, PullRequest, PushResult } from "./schemas.js";

export interface PushOptions {
  /** Also open a pull request (with gh when it is installed and signed in). */
  pr?: boolean;
  /** The remote to push to: `origin`, or the project's only remote, by default. */
  remote?: string;
  title?: string;
  body?: string;
}

export interface MergeOptions {
  mode?: MergeMode;
  message?: string;
  /** The local branch to merge into; the workspace's base (or the project's trunk) by default. */
  into?: string;
}

/** Brings an SSH workspace's branch from its host into the local project (SshWorkspaces does). */
export interface BranchFetcher {
  /** Brings the branch's commits into `projectPath` and returns its tip there. */
  fetchBranch(ws: Workspace): Promise<string>;
  /** Tells the host that `commit` of the branch has landed (so its safe delete sees it merged). */
  recordLanded(ws: Workspace, commit: string): Promise<void>;
  /** Sends the project's branches as they are now to the host (under refs/mux-local/). */
  refreshBase(ws: Workspace): Promise<void>;
}

/**
 * Landing a workspace's work: commit its changes, merge its branch into the trunk, push it and
 * open a pull request. Each call names the workspace; nothing here knows of HTTP or the CLI.
 */
export class LandService {
  /** Pull requests of the workspaces, for the sidebar (gh, with back-off). */
  readonly prs: PrWatch;

  constructor(
    readonly workspaces: WorkspaceService,
    private readonly remote?: BranchFetcher,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.prs = new PrWatch(async (t) => {
      const ws = this.workspaces.find(t.id);
      return ws ? viewPr(ws.projectPath, t.branch, this.env) : { kind: "none" };
    });
  }

  async commit(ref: string, message: string): Promise<CommitResult> {
    const ws = this.workspaces.get(ref);
    await this.workspaces.prepare(ws);
    return commitAll(this.workspaces.runtime(ws), message);
  }

  async merge(ref: string, opts: MergeOptions = {}): Promise<MergeResult> {
    const ws = this.landable(this.workspaces.get(ref));
    await this.workspaces.prepare(ws);
    const trunk = await this.trunkOf(ws, opts.into);
    if (trunk === ws.branch) throw new ConfigError(`workspace "${ws.name}" is on ${trunk} itself: there is nothing to merge into`);
    const uncommitted = await uncommittedFiles(this.workspaces.runtime(ws));
    const source = isRemote(ws.runtime) ? await this.requireRemote().fetchBranch(ws) : await revParse(ws.projectPath, `refs/heads/${ws.branch}`);
    const result = await mergeIntoTrunk({ repo: ws.projectPath, branch: ws.branch!, source, trunk, mode: opts.mode ?? "squash", message: opts.message });
    if (result.status === "merged" && isRemote(ws.runtime)) await this.requireRemote().recordLanded(ws, source);
    if (result.status === "conflict" && isRemote(ws.runtime)) {
      // The agent rebases on the host, which knows the trunk only as last sent: send it as it is now.
      await this.requireRemote().refreshBase(ws);
      return { ...result, rebaseOnto: `refs/mux-local/heads/${trunk}` };
    }
    return result.status === "merged" || result.status === "up-to-date" ? { ...result, uncommitted } : result;
  }

  /**
   * Pushes the workspace's branch to the project's remote with the system git (the user's own
   * credentials), setting it as the branch's upstream; an SSH workspace's branch is brought from
   * its host first. With `pr`, opens a pull request with gh, or says where to open one.
   */
  async push(ref: string, opts: PushOptions = {}): Promise<PushResult> {
    const ws = this.landable(this.workspaces.get(ref));
    const branch = ws.branch!;
    await this.workspaces.prepare(ws);
    const remote = opts.remote ?? (await defaultRemote(ws.projectPath));
    if (isRemote(ws.runtime)) {
      const tip = await this.requireRemote().fetchBranch(ws);
      await git(ws.projectPath, ["push", remote, `${tip}:refs/heads/${branch}`]);
    } else {
      await git(ws.projectPath, ["push", "--set-upstream", remote, `refs/heads/${branch}:refs/heads/${branch}`]);
    }
    let pr: PullRequest | null = null;
    let prNote: string | null = null;
    const trunk = await this.trunkOf(ws).catch(() => null);
    if (opts.pr) {
      const created = await createPr(ws.projectPath, { branch, base: trunk ?? undefined, title: opts.title, body: opts.body }, this.env);
      if ("pr" in created) pr = created.pr;
      else prNote = created.why;
    }
    this.prs.poke(ws.id, pr ?? undefined);
    const url = (await gitMaybe(ws.projectPath, ["remote", "get-url", remote]))?.trim();
    return { remote, branch, pr, prNote, compareUrl: !pr && url && trunk ? compareUrl(url, trunk, branch) : null };
  }

  /** The pull requests of these workspaces that gh knows of, by workspace id. */
  pullRequests(workspaces: Workspace[]): Promise<Record<string, PullRequest>> {
    return this.prs.statuses(workspaces.filter((w) => w.branch && w.runtime.type !== "local").map((w) => ({ id: w.id, branch: w.branch! })));
  }

  /** The workspace, when it has a branch of its own to land. */
  private landable(ws: Workspace): Workspace {
    if (!ws.branch || ws.runtime.type === "local") {
      throw new ConfigError(`workspace "${ws.name}" works in the project directory itself: its changes are already on the branch checked out there`);
    }
    return ws;
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
    if (!this.remote) throw new ConfigError("SSH and Docker workspaces are not available in this build");
    return this.remote;
  }
}

/** `origin` when the project has it, else its only remote. */
async function defaultRemote(projectPath: string): Promise<string> {
  const remotes = (await git(projectPath, ["remote"])).split("\n").filter(Boolean);
  if (remotes.includes("origin")) return "origin";
  if (remotes.length === 1) return remotes[0];
  throw new ConfigError(
    remotes.length ? `${projectPath} has several remotes (${remotes.join(", ")}); choose one with --remote` : `${projectPath} has no remote to push to`,
  );
}
