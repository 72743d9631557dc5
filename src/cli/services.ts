import * as path from "node:path";
import { muxRoot } from "../config/paths.js";
import { WorkspaceService } from "../workspace/service.js";
import { SshWorkspaces } from "../workspace/sshWorkspaces.js";

/** The one place the CLI wires its services together. */
export function createWorkspaceService(env: NodeJS.ProcessEnv = process.env): WorkspaceService {
  const root = muxRoot(env);
  const ssh = new SshWorkspaces({
    controlDir: path.join(root, "ssh"),
    configFile: env.MUX_SSH_CONFIG || undefined,
    remoteRoot: env.MUX_SSH_REMOTE_ROOT || undefined,
  });
  return new WorkspaceService(root, ssh);
}
