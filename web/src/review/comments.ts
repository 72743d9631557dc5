import { createStore, useStore } from "../state/store.js";
import type { LineComment } from "./commentText.js";

export { type LineComment, withComments } from "./commentText.js";

/** Comments waiting for the next message, per workspace (for this page's lifetime, like drafts). */
const commentsStore = createStore<Record<string, LineComment[]>>({});
const EMPTY: LineComment[] = [];
let nextId = 1;

export function useComments(workspaceId: string): LineComment[] {
  return useStore(commentsStore, (s) => s[workspaceId] ?? EMPTY);
}

export function addComment(workspaceId: string, comment: Omit<LineComment, "id">) {
  const c = { ...comment, id: `c${nextId++}` };
  commentsStore.set((s) => ({ ...s, [workspaceId]: [...(s[workspaceId] ?? []), c] }));
}

export function removeComment(workspaceId: string, id: string) {
  commentsStore.set((s) => ({ ...s, [workspaceId]: (s[workspaceId] ?? []).filter((c) => c.id !== id) }));
}

/** Takes the workspace's comments for a message being sent; `restore` puts them back if it failed. */
export function takeComments(workspaceId: string): { comments: LineComment[]; restore: () => void } {
  const comments = commentsStore.get()[workspaceId] ?? EMPTY;
  if (comments.length) commentsStore.set((s) => ({ ...s, [workspaceId]: [] }));
  return {
    comments,
    restore: () => commentsStore.set((s) => ({ ...s, [workspaceId]: [...comments, ...(s[workspaceId] ?? [])] })),
  };
}
