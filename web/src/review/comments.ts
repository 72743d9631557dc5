import { createStore, useStore } from "../state/store";

/** A note on some lines of the diff, for the agent. */
export interface LineComment {
  id: string;
  path: string;
  /** `12` or `12-14`: new-file line numbers (old-file ones for removed lines, marked "old"). */
  range: string;
  /** The lines as the diff shows them (with their +/-/space sign). */
  lines: string[];
  note: string;
}

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

/**
 * The message text with the comments after it, as plain text the model can act on: for each,
 * `path:range`, the quoted lines, and the note.
 */
export function withComments(text: string, comments: LineComment[]): string {
  if (!comments.length) return text;
  const blocks = comments.map((c) => [`${c.path}:${c.range}`, ...c.lines.map((l) => `> ${l}`), c.note].join("\n"));
  const intro = comments.length === 1 ? "Review comment on the changes:" : "Review comments on the changes:";
  return [text, intro, ...blocks].filter(Boolean).join("\n\n");
}
