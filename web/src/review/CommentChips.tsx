import { CloseIcon } from "../app/icons";
import { type LineComment, removeComment } from "./comments";

/** Review comments waiting for the next message, above the composer; each can be dropped. */
export function CommentChips({ workspaceId, comments }: { workspaceId: string; comments: LineComment[] }) {
  if (!comments.length) return null;
  return (
    <div className="mb-1 flex flex-wrap gap-1" data-testid="comment-chips" role="list" aria-label="Review comments sent with the next message">
      {comments.map((c) => (
        <span
          key={c.id}
          role="listitem"
          data-testid="comment-chip"
          className="inline-flex max-w-full items-center gap-1 rounded border border-line bg-panel py-0.5 pr-0.5 pl-1.5 text-[12px]"
          title={`${c.lines.join("\n")}\n\n${c.note}`}
        >
          <span className="shrink-0 font-mono text-muted">
            {c.path}:{c.range}
          </span>
          <span className="min-w-0 truncate">{c.note}</span>
          <button
            type="button"
            className="icon-btn h-5 w-5 shrink-0"
            aria-label={`Remove comment on ${c.path}:${c.range}`}
            onClick={() => removeComment(workspaceId, c.id)}
          >
            <CloseIcon />
          </button>
        </span>
      ))}
    </div>
  );
}
