import * as fs from "node:fs";
import type { MuxConfig, Workspace } from "../workspace/config.js";
import { localWorktree } from "../workspace/schemas.js";
import { muxRoot } from "../config/paths.js";
import { globalMcpFile, projectMcpFile, type RunMcpServers } from "./config.js";
import type { Runtime } from "../runtime/types.js";
import type { McpManager, McpWorkspace, RemoteStdio } from "./manager.js";

/**
 * A registered workspace as the MCP manager sees it. Stdio servers run where its tools run: in
 * its worktree on this machine, or, given its runtime, on its SSH host or in its container.
 */
export function mcpWorkspaceOf(ws: Workspace, config: MuxConfig, stateDir: string, runtime?: () => Promise<Runtime>): McpWorkspace {
  const project = config.projects.find((p) => p.path === ws.projectPath);
  const remote = remoteStdio(ws, runtime);
  return {
    id: ws.id,
    project: { path: ws.projectPath, trusted: project?.trusted === true },
    cwd: localWorktree(ws.runtime) ?? ws.projectPath,
    stateDir,
    ...(remote && { remote }),
  };
}

/** Where the stdio servers of an SSH, Docker or dev container workspace run: over there. */
function remoteStdio(ws: Workspace, runtime: (() => Promise<Runtime>) | undefined): RemoteStdio | undefined {
  const type = ws.runtime.type;
  if (!runtime || (type !== "ssh" && type !== "docker" && type !== "devcontainer")) return undefined;
  return { where: `${type}:${ws.id}`, runtime };
}

/**
 * `mux run`'s MCP servers and workspace (a registered one, or the directory itself: its session's
 * id, the directory as its project); undefined, with nothing loaded, when there is no mcp.jsonc
 * for it. The registry is read only when there is a project file to trust.
 */
export async function mcpForRun(
  run: { sessionId: string; workspace?: Workspace; dir: string; stateDir: string; own?: RunMcpServers; runtime?: () => Promise<Runtime> },
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
  const remote = run.workspace && remoteStdio(run.workspace, run.runtime);
  return {
    manager: new McpManager(env),
    workspace: {
      id: run.sessionId,
      project: { path: projectPath, trusted },
      cwd: (run.workspace && localWorktree(run.workspace.runtime)) ?? run.dir,
      stateDir: run.stateDir,
      ...(run.own ? { run: run.own } : {}),
      ...(remote && { remote }),
    },
  };
}
