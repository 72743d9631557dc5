import { useState } from "react";
import type { LineComment } from "./comments";

/** Writes a note on the selected lines; Ctrl+Enter (or Enter) adds it, Esc cancels. */
export function CommentEditor({ target, onAdd, onCancel }: { target: Omit<LineComment, "id" | "note">; onAdd: (note: string) => void; onCancel: () => void }) {
  const [note, setNote] = useState("");
  const add = () => note.trim() && onAdd(note.trim());
  return (
    <div className="border-t border-line bg-bg p-2 font-sans" data-testid="comment-editor">
      <div className="mb-1 flex items-center gap-2 text-[12px]">
        <span className="font-mono text-muted" data-testid="comment-target">
          {target.path}:{target.range}
        </span>
        <span className="text-muted">— goes with your next message</span>
      </div>
      <textarea
        autoFocus
        data-testid="comment-input"
        aria-label="Comment for the agent"
        rows={2}
        className="block w-full resize-y rounded border border-line bg-panel px-2 py-1 text-[13px] outline-none focus:border-accent"
        placeholder="What should change here?"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            add();
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <div className="mt-1 flex justify-end gap-1">
        <button type="button" className="btn btn-ghost px-2 py-0.5" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary px-2 py-0.5" data-testid="comment-add" disabled={!note.trim()} onClick={add}>
          Add comment
        </button>
      </div>
    </div>
  );
}
