import { api } from "./base.js";

/** What the server was started with that the web app may use (see ServerInfoSchema). */
export const server = {
  info: api.server.info.handler(({ context }) => context.server),
};
