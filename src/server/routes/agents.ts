import type { AgentList } from "../../api/agents.js";
import { loadAgentCatalog } from "../../agents/discover.js";
import { listAgents } from "../../agents/resolve.js";
import { HubError } from "../../session/errors.js";
import { api } from "./base.js";

export const agents = {
  list: api.agents.list.handler(({ input, context }): AgentList => {
    const ws = context.hub.workspace(input.workspaceId);
    if (!ws) throw new HubError("NOT_FOUND", `no workspace "${input.workspaceId}"`);
    const catalog = loadAgentCatalog({ muxRoot: context.hub.muxRoot, projectDir: ws.projectPath });
    return {
      agents: listAgents(catalog)
        .filter((a) => !a.hidden)
        .map((a) => ({
          id: a.id,
          name: a.name,
          ...(a.description ? { description: a.description } : {}),
          scope: a.scope,
          mode: a.mode,
          ...(a.color ? { color: a.color } : {}),
          ...(a.model ? { model: a.model } : {}),
          ...(a.thinking ? { thinking: a.thinking } : {}),
        })),
      problems: catalog.problems,
    };
  }),
};
