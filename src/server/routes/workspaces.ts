import { api, ok, stream } from "./base.js";

export const workspaces = {
  list: api.workspaces.list.handler(({ context }) => context.hub.feed.listWorkspaces()),
  subscribe: api.workspaces.subscribe.handler(async ({ context, signal }) => stream(await context.hub.feed.subscribeList(signal))),
  suggestName: api.workspaces.suggestName.handler(async ({ input, context }) => ({
    name: await context.hub.ops.suggestName(input.projectPath),
  })),
  create: api.workspaces.create.handler(({ input, context }) => context.hub.ops.create(input)),
  updateSettings: api.workspaces.updateSettings.handler(async ({ input, context }) => {
    await context.hub.ops.updateSettings(input.workspaceId, input.settings);
    return ok;
  }),
  rename: api.workspaces.rename.handler(({ input, context }) => context.hub.ops.rename(input.workspaceId, input.name)),
  fork: api.workspaces.fork.handler(({ input, context }) => context.hub.ops.fork(input.workspaceId, input.name)),
  delete: api.workspaces.delete.handler(async ({ input, context }) => {
    await context.hub.ops.delete(input.workspaceId, input.force, input.coder);
    return ok;
  }),
  coderList: api.workspaces.coderList.handler(async ({ context }) => {
    const coder = context.hub.service.coder;
    if (!coder) return { workspaces: [], error: "Coder workspaces are not available in this build" };
    try {
      await coder.cli.requireSignedIn();
      return { workspaces: await coder.list() };
    } catch (err) {
      return { workspaces: [], error: err instanceof Error ? err.message : String(err) };
    }
  }),
  recreate: api.workspaces.recreate.handler(({ input, context }) => context.hub.ops.recreate(input.workspaceId)),
  markRead: api.workspaces.markRead.handler(({ input, context }) => {
    context.hub.markRead(input.workspaceId);
    return ok;
  }),
  gitStatus: api.workspaces.gitStatus.handler(({ input, context }) => context.hub.gitStatus(input.workspaceId, input.refresh)),
  costs: api.workspaces.costs.handler(({ input, context }) => context.hub.costs(input.workspaceId)),
};
