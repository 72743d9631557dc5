import { api, ok } from "./base.js";

/** Terminals of a workspace; the bytes themselves go over their own socket (terminalSocket.ts). */
export const terminal = {
  list: api.terminal.list.handler(({ input, context }) => context.terminals.list(input.workspaceId)),
  create: api.terminal.create.handler(({ input, context }) => context.terminals.create(input.workspaceId, input)),
  scripts: api.terminal.scripts.handler(async ({ input, context }) => ({
    scripts: (await context.terminals.scripts(input.workspaceId)).map((name) => ({ name })),
  })),
  rename: api.terminal.rename.handler(({ input, context }) => context.terminals.rename(input.terminalId, input.name)),
  close: api.terminal.close.handler(async ({ input, context }) => {
    await context.terminals.close(input.terminalId);
    return ok;
  }),
};
