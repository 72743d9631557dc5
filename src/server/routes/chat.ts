import { api, ok, stream } from "./base.js";

export const chat = {
  // Subscribed before the stream starts, so an unknown workspace is a NOT_FOUND the client sees.
  subscribe: api.chat.subscribe.handler(async ({ input, context, signal }) => stream(context.hub.subscribeChat(input.workspaceId, input.cursor, signal))),
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
  answer: api.chat.answer.handler(({ input, context }) => {
    context.hub.answer(input.workspaceId, input.toolCallId, input.answers);
    return ok;
  }),
  plan: api.chat.plan.handler(({ input, context }) => context.hub.plan(input.workspaceId)),
  savePlan: api.chat.savePlan.handler(({ input, context }) => context.hub.savePlan(input.workspaceId, input.content)),
  startPlan: api.chat.startPlan.handler(({ input, context }) => context.hub.startPlan(input.workspaceId)),
};
