import { api, ok } from "./base.js";

export const chat = {
  subscribe: api.chat.subscribe.handler(async function* ({ input, context, signal }) {
    const queue = context.hub.subscribeChat(input.workspaceId, input.cursor, signal);
    try {
      yield* queue;
    } finally {
      queue.close();
    }
  }),
  history: api.chat.history.handler(({ input, context }) => context.hub.history(input.workspaceId, input.before, input.limit)),
  send: api.chat.send.handler(({ input, context }) => context.hub.send(input)),
  interrupt: api.chat.interrupt.handler(({ input, context }) => {
    context.hub.interrupt(input.workspaceId);
    return ok;
  }),
  retry: api.chat.retry.handler(({ input, context }) => {
    context.hub.retry(input.workspaceId);
    return ok;
  }),
  clearQueue: api.chat.clearQueue.handler(({ input, context }) => {
    context.hub.clearQueue(input.workspaceId);
    return ok;
  }),
};
