import { ConfigError } from "../config/errors.js";
import type { Runtime } from "../runtime/types.js";
import type { Project, Workspace } from "./config.js";
import type { CoderWorkspaces } from "./coderWorkspaces.js";
import type { DockerWorkspaces } from "./dockerWorkspaces.js";
import type { CoderDeleteAction } from "./coderWorkspaces.js";
import { coderPart } from "./schemas.js";
import type { SshWorkspaces } from "./sshWorkspaces.js";

export interface RemoveOptions {
  /** A Coder workspace's fate (kept by default). */
  coder?: CoderDeleteAction;
}

export interface PrepareOptions {
  /** false: do not start a stopped Coder workspace (a status poll is no reason to). */
  wake?: boolean;
}

/** The remote side of SSH, Coder and Docker workspaces; supplied by their modules. */
export interface RemoteWorkspaces {
  create(ws: Workspace, project: Project): Promise<void>;
  remove(ws: Workspace, force: boolean, opts?: RemoveOptions): Promise<void>;
  /** The commit checked out in the remote worktree. */
  head(ws: Workspace): Promise<string>;
  /** The commit a fork of `ws` starts from, made available to the fork's side. */
  forkBase(ws: Workspace): Promise<string>;
  /** Moves the remote worktree and its branch to `name`; returns the new remote path. */
  rename(ws: Workspace, name: string): Promise<string>;
  runtime(ws: Workspace): Runtime;
  /** Whatever runtime() needs first (the host's home directory for a `~/…` path, a started Coder workspace). */
  prepare(ws: Workspace, opts?: PrepareOptions): Promise<void>;
  /** Refs that fetching the workspace's branch leaves in the local project (removed with it). */
  localRefs(ws: Workspace): string[];
  /** Brings the branch's commits into the local project and returns its tip there. */
  fetchBranch(ws: Workspace): Promise<string>;
  /** Records over there that `commit` of the branch has landed (so its safe delete sees it merged). */
  recordLanded(ws: Workspace, commit: string): Promise<void>;
  /** Sends the project's branches as they are now (under refs/mux-local/). */
  refreshBase(ws: Workspace): Promise<void>;
}

/** Sends each remote workspace's operations to its kind's module (SSH hosts, Coder workspaces, Docker containers). */
export class RemoteRuntimes implements RemoteWorkspaces {
  constructor(private readonly kinds: { ssh: SshWorkspaces; docker: DockerWorkspaces; coder: CoderWorkspaces }) {}

  get coder(): CoderWorkspaces {
    return this.kinds.coder;
  }

  private of(ws: Workspace): RemoteWorkspaces {
    if (coderPart(ws.runtime)) return this.kinds.coder;
    if (ws.runtime.type === "ssh" || ws.runtime.type === "docker") return this.kinds[ws.runtime.type];
    throw new ConfigError(`workspace "${ws.name}" is not a remote workspace`);
  }

  create(ws: Workspace, project: Project): Promise<void> {
    return this.of(ws).create(ws, project);
  }
  remove(ws: Workspace, force: boolean, opts?: RemoveOptions): Promise<void> {
    return this.of(ws).remove(ws, force, opts);
  }
  head(ws: Workspace): Promise<string> {
    return this.of(ws).head(ws);
  }
  forkBase(ws: Workspace): Promise<string> {
    return this.of(ws).forkBase(ws);
  }
  rename(ws: Workspace, name: string): Promise<string> {
    return this.of(ws).rename(ws, name);
  }
  runtime(ws: Workspace): Runtime {
    return this.of(ws).runtime(ws);
  }
  prepare(ws: Workspace, opts?: PrepareOptions): Promise<void> {
    return this.of(ws).prepare(ws, opts);
  }
  localRefs(ws: Workspace): string[] {
    return this.of(ws).localRefs(ws);
  }
  fetchBranch(ws: Workspace): Promise<string> {
    return this.of(ws).fetchBranch(ws);
  }
  recordLanded(ws: Workspace, commit: string): Promise<void> {
    return this.of(ws).recordLanded(ws, commit);
  }
  refreshBase(ws: Workspace): Promise<void> {
    return this.of(ws).refreshBase(ws);
  }
}
