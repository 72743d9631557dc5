import { api, ok } from "./base.js";

export const projects = {
  list: api.projects.list.handler(({ context }) => context.hub.ops.listProjects()),
  add: api.projects.add.handler(({ input, context }) => context.hub.ops.addProject(input.path)),
  remove: api.projects.remove.handler(async ({ input, context }) => {
    await context.hub.ops.removeProject(input.path);
    return ok;
  }),
  branches: api.projects.branches.handler(({ input, context }) => context.hub.ops.branches(input.path)),
};
