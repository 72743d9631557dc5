import * as path from "node:path";
import { muxRoot } from "../config/paths.js";
import { LandService } from "../land/service.js";
import { WorkspaceService } from "../workspace/service.js";
import { SshWorkspaces } from "../workspace/sshWorkspaces.js";

function sshWorkspaces(root: string, env: NodeJS.ProcessEnv): SshWorkspaces {
  return new SshWorkspaces({
    controlDir: path.join(root, "ssh"),
    configFile: env.MUX_SSH_CONFIG || undefined,
    remoteRoot: env.MUX_SSH_REMOTE_ROOT || undefined,
  });
}

/** The workspace registry and its runtimes, as every entry point (CLI, server) uses them. */
export function createWorkspaceService(env: NodeJS.ProcessEnv = process.env): WorkspaceService {
  const root = muxRoot(env);
  return new WorkspaceService(root, sshWorkspaces(root, env));
}

/** Landing (commit, merge, push) over the same workspace registry and SSH hosts. */
export function createLandService(env: NodeJS.ProcessEnv = process.env): LandService {
  const root = muxRoot(env);
  const ssh = sshWorkspaces(root, env);
  return new LandService(new WorkspaceService(root, ssh), ssh, env);
}

/** Workspaces and landing sharing one SSH connection per host (the server's). */
export function createServices(env: NodeJS.ProcessEnv = process.env): { workspaces: WorkspaceService; land: LandService } {
  const land = createLandService(env);
  return { workspaces: land.workspaces, land };
}
