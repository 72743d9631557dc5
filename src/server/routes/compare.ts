import { BestOfStore } from "../../compare/groups.js";
import { launchBestOf } from "../../compare/launch.js";
import { compareView } from "../../compare/view.js";
import { api } from "./base.js";

export const compare = {
  launch: api.compare.launch.handler(({ input, context }) => launchBestOf(context.hub, input)),
  groups: api.compare.groups.handler(({ context }) =>
    new BestOfStore(context.hub.muxRoot).read().filter((g) => g.workspaces.some((w) => context.hub.workspace(w.id))),
  ),
  get: api.compare.get.handler(({ input, context }) => compareView(context.hub, input.groupId)),
};
