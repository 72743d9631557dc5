import { registerConfiguredKey } from "../../common/redact.js";
import { withReachability } from "../../providers/probe.js";
import { modelChoices, providersView, removeProvider, updateProvider } from "../../providers/settings.js";
import { api } from "./base.js";

/** Settings → Providers. Keys go into providers.jsonc and never come back (views are masked). */
export const providers = {
  get: api.providers.get.handler(({ context }) => withReachability(providersView(context.env))),
  update: api.providers.update.handler(async ({ input, context }) => {
    // From now on this key is scrubbed from anything the server sends (e.g. echoed in an error).
    if (input.apiKey) registerConfiguredKey(input.apiKey);
    return withReachability(await updateProvider(input, context.env));
  }),
  remove: api.providers.remove.handler(async ({ input, context }) => withReachability(await removeProvider(input.id, context.env))),
  models: api.providers.models.handler(({ context }) => modelChoices(context.env)),
};
