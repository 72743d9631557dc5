import type { McpWorkspace } from "../../mcp/manager.js";
import { setEnabled } from "../../mcp/overrides.js";
import { removeServer, saveServer } from "../../mcp/settings.js";
import { findServer, mcpView, testCwd } from "../../mcp/view.js";
import { HubError } from "../../session/errors.js";
import { api, type ApiContext } from "./base.js";

function workspace(context: ApiContext, id: string | undefined): McpWorkspace | undefined {
  if (id === undefined) return undefined;
  const ws = context.hub.mcpWorkspace(id);
  if (!ws) throw new HubError("NOT_FOUND", `no workspace ${id}`);
  return ws;
}

const view = (context: ApiContext, id: string | undefined) => mcpView(context.env, context.hub.mcp, workspace(context, id));

/** Settings → MCP: the servers in mcp.jsonc (secrets never sent), their state per workspace, edits of the global file. */
export const mcp = {
  get: api.mcp.get.handler(({ input, context }) => view(context, input.workspaceId)),
  save: api.mcp.save.handler(async ({ input, context }) => {
    const { workspaceId, ...server } = input;
    await saveServer(server, context.env);
    return view(context, workspaceId);
  }),
  remove: api.mcp.remove.handler(async ({ input, context }) => {
    await removeServer(input.name, context.env);
    return view(context, input.workspaceId);
  }),
  test: api.mcp.test.handler(async ({ input, context }) => {
    const ws = workspace(context, input.workspaceId);
    return context.hub.mcp.test(findServer(context.env, input.name, ws), testCwd(context.env, ws), ws?.remote);
  }),
  setEnabled: api.mcp.setEnabled.handler(async ({ input, context }) => {
    const ws = workspace(context, input.workspaceId) as McpWorkspace;
    await setEnabled(ws.stateDir, input.name, input.enabled, ws.cwd);
    return view(context, input.workspaceId);
  }),
  trust: api.mcp.trust.handler(async ({ input, context }) => {
    const ws = workspace(context, input.workspaceId) as McpWorkspace;
    await context.hub.service.setProjectTrusted(ws.project?.path ?? ws.cwd, input.trusted);
    return view(context, input.workspaceId);
  }),
};
