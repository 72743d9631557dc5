import * as fs from "node:fs";
import type { MuxConfig, Workspace } from "../workspace/config.js";
import { localWorktree } from "../workspace/schemas.js";
import { projectMcpFile } from "./config.js";
import type { McpWorkspace } from "./manager.js";

/**
 * A registered workspace as the MCP manager sees it. Stdio servers run on this machine: in the
 * workspace's worktree when it has one here, else in the project's directory (an SSH or container
 * workspace's files are not here to run in).
 */
export function mcpWorkspaceOf(ws: Workspace, config: MuxConfig, stateDir: string): McpWorkspace {
  const project = config.projects.find((p) => p.path === ws.projectPath);
  return {
    id: ws.id,
    project: { path: ws.projectPath, trusted: project?.trusted === true },
    cwd: localWorktree(ws.runtime) ?? ws.projectPath,
    stateDir,
  };
}

/**
 * `mux run`'s workspace: a registered one, or the directory itself (its session's id, the
 * directory as its project). The registry is read only when there is a project file to trust.
 */
export async function mcpWorkspaceForRun(run: { sessionId: string; workspace?: Workspace; dir: string; stateDir: string }): Promise<McpWorkspace> {
  const projectPath = run.workspace?.projectPath ?? run.dir;
  let trusted = false;
  if (fs.existsSync(projectMcpFile(projectPath))) {
    const { ConfigStore } = await import("../workspace/config.js");
    trusted = new ConfigStore().read().projects.some((p) => p.path === projectPath && p.trusted === true);
  }
  return {
    id: run.sessionId,
    project: { path: projectPath, trusted },
    cwd: (run.workspace && localWorktree(run.workspace.runtime)) ?? run.dir,
    stateDir: run.stateDir,
  };
}
