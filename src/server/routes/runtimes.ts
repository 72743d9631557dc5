import type { RuntimeDefaults } from "../../api/runtimes.js";
import { expandHome } from "../../config/paths.js";
import { projectRuntimes } from "../../workspace/projectRuntimes.js";
import { resolveProjectPath } from "../../workspace/projects.js";
import { api, type ApiContext } from "./base.js";

const defaults = (context: ApiContext): RuntimeDefaults => ({
  dockerImage: context.hub.service.store.read().defaultDockerImage ?? null,
});

/** Settings → Runtimes, and what the new-workspace dialog offers for a project. */
export const runtimes = {
  defaults: api.runtimes.defaults.handler(({ context }) => defaults(context)),
  setDefaults: api.runtimes.setDefaults.handler(async ({ input, context }) => {
    await context.hub.service.store.update((config) => {
      config.defaultDockerImage = input.dockerImage ?? undefined;
    });
    return defaults(context);
  }),
  forProject: api.runtimes.forProject.handler(async ({ input, context }) =>
    projectRuntimes(await resolveProjectPath(expandHome(input.path)), context.hub.service.store.read().defaultDockerImage),
  ),
};
