import type { Command } from "commander";
import { createWorkspaceService } from "../app/services.js";
import { McpManager, type McpWorkspace } from "../mcp/manager.js";
import { setEnabled } from "../mcp/overrides.js";
import { setServerDisabled } from "../mcp/settings.js";
import { findServer, mcpView, testCwd } from "../mcp/view.js";
import { mcpWorkspaceOf } from "../mcp/workspace.js";
import { cliAction } from "./action.js";
import { colors, out } from "./output.js";
import { projectOf } from "./workspace.js";

interface WorkspaceOpt {
  workspace?: string;
  project?: string;
}

/** The workspace named by --workspace (in --project, or the repository here), as the MCP manager sees it. */
async function mcpWorkspace(opts: WorkspaceOpt): Promise<McpWorkspace | undefined> {
  if (!opts.workspace) return undefined;
  const service = createWorkspaceService();
  const ws = service.get(opts.workspace, await projectOf(opts, false));
  return mcpWorkspaceOf(ws, service.store.read(), service.sessionDir(ws.id), () => service.preparedRuntime(ws));
}

/** `mux mcp …`: the MCP servers in mcp.jsonc, per-workspace choices and project trust. */
export function registerMcpCommands(program: Command) {
  const mcp = program.command("mcp").description("MCP servers: list, test, enable or disable them, trust a project's own");
  const withWorkspace = (c: Command) =>
    c.option("-w, --workspace <name>", "a workspace (its own choice of servers)").option("--project <path>", "the workspace's project");

  withWorkspace(mcp.command("list").description("List the configured servers (with a workspace: whether each is on there)"))
    .option("--json", "machine-readable output (secret values never shown)")
    .action(
      cliAction(async (opts: WorkspaceOpt & { json?: boolean }) => {
        const view = mcpView(process.env, new McpManager(process.env), await mcpWorkspace(opts));
        if (opts.json) return void out(`${JSON.stringify(view)}\n`);
        const c = colors(process.stdout);
        for (const p of view.problems) out(`${c.red("error")} ${p}\n`);
        if (view.project?.exists && !view.project.trusted) out(`${view.project.file} is not used: trust the project first (mux mcp trust)\n`);
        for (const s of view.servers) {
          const on = s.status ? s.status.enabled : !s.disabled;
          out(`${c.bold(s.name)}\t${s.scope}\t${s.transport}\t${s.url ?? [s.command, ...(s.args ?? [])].join(" ")}\t${on ? "on" : "off"}\n`);
        }
      }),
    );

  for (const [verb, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    withWorkspace(
      mcp
        .command(`${verb} <server>`)
        .description(`${enabled ? "Turn on" : "Turn off"} a server for one workspace, or (without --workspace) in the global mcp.jsonc`),
    ).action(
      cliAction(async (server: string, opts: WorkspaceOpt) => {
        const ws = await mcpWorkspace(opts);
        findServer(process.env, server, ws);
        if (ws) await setEnabled(ws.stateDir, server, enabled, ws.cwd);
        else await setServerDisabled(server, !enabled);
      }),
    );
  }

  withWorkspace(mcp.command("test <server>").description("Start the server once and list its tools")).action(
    cliAction(async (server: string, opts: WorkspaceOpt) => {
      const ws = await mcpWorkspace(opts);
      const result = await new McpManager(process.env).test(findServer(process.env, server, ws), testCwd(process.env, ws), ws?.remote);
      if (!result.ok) {
        out(`${server}: ${result.error}\n`);
        return 1;
      }
      out(`${server}: connected, ${result.tools.length} tools: ${result.tools.join(", ")}\n`);
    }),
  );

  for (const [verb, trusted] of [
    ["trust", true],
    ["untrust", false],
  ] as const) {
    mcp
      .command(`${verb} [dir]`)
      .description(trusted ? "Use the project's own .mux/mcp.jsonc (its servers run programs from the repository)" : "Stop using the project's .mux/mcp.jsonc")
      .action(
        cliAction(async (dir: string | undefined) => {
          const project = await createWorkspaceService().setProjectTrusted(dir ?? process.cwd(), trusted);
          out(`${trusted ? "trusted" : "no longer trusted"}: ${project.path}\n`);
        }),
      );
  }
}
