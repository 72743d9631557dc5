import { ConfigError } from "../config/errors.js";
import type { Runtime } from "../runtime/types.js";
import type { Project, Workspace } from "./config.js";
import type { CoderWorkspaces } from "./coderWorkspaces.js";
import type { DockerWorkspaces } from "./dockerWorkspaces.js";
import type { CoderDeleteAction } from "./coderWorkspaces.js";
import { coderPart } from "./schemas.js";
import type { RemoteWorkspaces } from "./service.js";
import type { SshWorkspaces } from "./sshWorkspaces.js";

export interface RemoveOptions {
  /** A Coder workspace's fate (kept by default). */
  coder?: CoderDeleteAction;
}

export interface PrepareOptions {
  /** false: do not start a stopped Coder workspace (a status poll is no reason to). */
  wake?: boolean;
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
