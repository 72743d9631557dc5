import * as path from "node:path";
import { muxRoot } from "../config/paths.js";
import { LandService } from "../land/service.js";
import { WorkspaceService } from "../workspace/service.js";
import { CoderCli, coderBin } from "../runtime/coderCli.js";
import { CoderWorkspaces } from "../workspace/coderWorkspaces.js";
import { DockerWorkspaces } from "../workspace/dockerWorkspaces.js";
import { RemoteRuntimes } from "../workspace/remoteWorkspaces.js";
import { SshWorkspaces } from "../workspace/sshWorkspaces.js";

/** SSH hosts, Coder workspaces and Docker containers, one connection (or container shell) each, shared by every service. */
function remoteWorkspaces(root: string, env: NodeJS.ProcessEnv): RemoteRuntimes {
  const ssh = new SshWorkspaces({
    controlDir: path.join(root, "ssh"),
    configFile: env.MUX_SSH_CONFIG || undefined,
    remoteRoot: env.MUX_SSH_REMOTE_ROOT || undefined,
  });
  return new RemoteRuntimes({
    ssh,
    docker: new DockerWorkspaces(),
    coder: new CoderWorkspaces(ssh, new CoderCli(coderBin(env)), Number(env.MUX_CODER_POLL_MS) || undefined),
  });
}

/** The workspace registry and its runtimes, as every entry point (CLI, server) uses them. */
export function createWorkspaceService(env: NodeJS.ProcessEnv = process.env): WorkspaceService {
  const root = muxRoot(env);
  const remote = remoteWorkspaces(root, env);
  return new WorkspaceService(root, remote, remote.coder);
}

/** Landing (commit, merge, push) over the same workspace registry and remote workspaces. */
export function createLandService(env: NodeJS.ProcessEnv = process.env): LandService {
  const root = muxRoot(env);
  const remote = remoteWorkspaces(root, env);
  return new LandService(new WorkspaceService(root, remote, remote.coder), remote, env);
}

/** Workspaces and landing sharing one SSH connection per host and one shell per container (the server's). */
export function createServices(env: NodeJS.ProcessEnv = process.env): { workspaces: WorkspaceService; land: LandService } {
  const land = createLandService(env);
  return { workspaces: land.workspaces, land };
}
