import * as fs from "node:fs";
import type { McpView } from "../api/mcp.js";
import { ConfigError } from "../config/errors.js";
import { muxRoot } from "../config/paths.js";
import { globalMcpFile, loadMcpConfig, type McpServerSpec, projectMcpFile } from "./config.js";
import type { McpManager, McpWorkspace } from "./manager.js";
import { serverView } from "./settings.js";

/** Settings → MCP: the configured servers and, for a workspace, how each does there. */
export function mcpView(env: NodeJS.ProcessEnv, manager: McpManager, ws?: McpWorkspace): McpView {
  const config = loadMcpConfig(env, ws?.project);
  const status = ws ? new Map(manager.status(ws).servers.map((s) => [s.name, s])) : undefined;
  const project = ws?.project;
  return {
    globalFile: globalMcpFile(env),
    project: project
      ? { path: project.path, file: projectMcpFile(project.path), exists: fs.existsSync(projectMcpFile(project.path)), trusted: project.trusted }
      : null,
    servers: Object.values(config.servers).map((spec) => {
      const s = status?.get(spec.name);
      return {
        ...serverView(spec, env),
        status: s ? { enabled: s.enabled, state: s.state, ...(s.error ? { error: s.error } : {}), ...(s.tools ? { tools: s.tools } : {}) } : null,
      };
    }),
    problems: config.problems,
  };
}

/** A configured server by name (the workspace's project servers included). */
export function findServer(env: NodeJS.ProcessEnv, name: string, ws?: McpWorkspace): McpServerSpec {
  const spec = loadMcpConfig(env, ws?.project).servers[name];
  if (!spec) throw new ConfigError(`no MCP server "${name}"`);
  return spec;
}

/** Where a server tried outside any workspace runs. */
export function testCwd(env: NodeJS.ProcessEnv, ws?: McpWorkspace): string {
  return ws?.cwd ?? muxRoot(env);
}
