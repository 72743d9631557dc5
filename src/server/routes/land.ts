import { api } from "./base.js";

/**
 * Landing a workspace's work. After each change the sidebar's git status of the workspace is
 * refreshed (a merge also moves the trunk the others are measured against).
 */
export const land = {
  commit: api.land.commit.handler(async ({ input, context }) => {
    const r = await context.land.commit(input.workspaceId, input.message);
    await context.hub.gitStatus(input.workspaceId, true);
    return r;
  }),
  merge: api.land.merge.handler(async ({ input, context }) => {
    const r = await context.land.merge(input.workspaceId, { mode: input.mode, message: input.message, into: input.into });
    if (r.status === "merged") await context.hub.refreshProjectGit(input.workspaceId);
    return r;
  }),
  push: api.land.push.handler(({ input, context }) => context.land.push(input.workspaceId, { pr: input.pr, title: input.title, body: input.body })),
  pullRequests: api.land.pullRequests.handler(({ context }) => context.land.pullRequests(context.hub.service.store.read().workspaces)),
};
