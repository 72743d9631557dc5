import * as fs from "node:fs";
import type { MuxConfig, Workspace } from "../workspace/config.js";
import { localWorktree } from "../workspace/schemas.js";
import { muxRoot } from "../config/paths.js";
import { globalMcpFile, projectMcpFile, type RunMcpServers } from "./config.js";
import type { McpManager, McpWorkspace } from "./manager.js";

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
 * `mux run`'s MCP servers and workspace (a registered one, or the directory itself: its session's
 * id, the directory as its project); undefined, with nothing loaded, when there is no mcp.jsonc
 * for it. The registry is read only when there is a project file to trust.
 */
export async function mcpForRun(
  run: { sessionId: string; workspace?: Workspace; dir: string; stateDir: string; own?: RunMcpServers },
  env: NodeJS.ProcessEnv,
): Promise<{ manager: McpManager; workspace: McpWorkspace } | undefined> {
  const projectPath = run.workspace?.projectPath ?? run.dir;
  const files = run.own?.configFiles !== false;
  const hasProjectFile = files && fs.existsSync(projectMcpFile(projectPath));
  const ownServers = Object.keys(run.own?.servers ?? {}).length > 0;
  if (!ownServers && !hasProjectFile && !(files && fs.existsSync(globalMcpFile(env)))) return undefined;
  let trusted = false;
  if (hasProjectFile) {
    const { ConfigStore } = await import("../workspace/config.js");
    trusted = new ConfigStore(muxRoot(env)).read().projects.some((p) => p.path === projectPath && p.trusted === true);
  }
  const { McpManager } = await import("./manager.js");
  return {
    manager: new McpManager(env),
    workspace: {
      id: run.sessionId,
      project: { path: projectPath, trusted },
      cwd: (run.workspace && localWorktree(run.workspace.runtime)) ?? run.dir,
      stateDir: run.stateDir,
      ...(run.own ? { run: run.own } : {}),
    },
  };
}
