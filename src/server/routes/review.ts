import { api, ok, stream } from "./base.js";

export const review = {
  summary: api.review.summary.handler(({ input, context }) => context.review.summary(input)),
  files: api.review.files.handler(({ input, context }) => context.review.files(input)),
  fileText: api.review.fileText.handler(({ input, context }) => context.review.fileText(input.workspaceId, input.path)),
  watch: api.review.watch.handler(async ({ input, context, signal }) => stream(context.review.watch(input.workspaceId, signal))),
  mark: api.review.mark.handler(async ({ input, context }) => {
    await context.review.mark(input.workspaceId, input.hashes, input.reviewed);
    return ok;
  }),
  revert: api.review.revert.handler(async ({ input, context }) => {
    await context.review.revert(input);
    return ok;
  }),
  branches: api.review.branches.handler(({ input, context }) => context.review.branches(input.workspaceId)),
};
