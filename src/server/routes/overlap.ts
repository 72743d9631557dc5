import { HubError } from "../../session/errors.js";
import type { Hub } from "../../session/hub.js";
import type { Workspace } from "../../workspace/config.js";
import { api } from "./base.js";

export function workspaceOf(hub: Hub, id: string): Workspace {
  const ws = hub.workspace(id);
  if (!ws) throw new HubError("NOT_FOUND", `no workspace "${id}"`);
  return ws;
}

export const overlap = {
  workspace: api.overlap.workspace.handler(({ input, context }) => context.hub.overlap.view(workspaceOf(context.hub, input.workspaceId), input.refresh)),
};
