import { useState } from "react";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { closeOverlay, selectWorkspace } from "../state/ui";
import { workspacesStore } from "../state/workspaces";
import { DialogForm, InlineError, Modal } from "./Modal";

/** Rename a workspace, or fork it into a new one (which is then selected). */
export function NameDialog({ kind, workspaceId }: { kind: "rename" | "fork"; workspaceId: string }) {
  const ws = useStore(workspacesStore, (s) => s.byId[workspaceId]);
  const original = ws?.name ?? "";
  const [name, setName] = useState(kind === "rename" ? original : "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const value = name.trim();
    if (kind === "rename" && (!value || value === original)) return closeOverlay();
    setBusy(true);
    setError(null);
    try {
      if (kind === "rename") {
        await call((api) => api.workspaces.rename({ workspaceId, name: value }));
        closeOverlay();
      } else {
        const forked = await call((api) => api.workspaces.fork({ workspaceId, name: value || undefined }));
        closeOverlay();
        selectWorkspace(forked.id);
      }
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  const title = kind === "rename" ? `Rename ${original}` : `Fork ${original}`;
  return (
    <Modal title={title} testId={`${kind}-dialog`} onClose={closeOverlay}>
      <DialogForm
        onSubmit={submit}
        footer={
          <>
            <button type="button" className="btn" onClick={closeOverlay}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid={`${kind}-submit`} disabled={busy}>
              {kind === "rename" ? (busy ? "Renaming…" : "Rename") : busy ? "Forking…" : "Fork"}
            </button>
          </>
        }
      >
        {kind === "fork" && <p className="text-muted">A new workspace starting from this one's branch and conversation.</p>}
        <div>
          <label className="label" htmlFor="nd-name">
            {kind === "rename" ? "New name (also renames the branch)" : "Name of the fork (optional)"}
          </label>
          <input
            id="nd-name"
            className="input font-mono"
            data-testid={`${kind}-name`}
            value={name}
            data-autofocus
            placeholder={kind === "fork" ? "suggested by the server" : ""}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            onFocus={(e) => e.target.select()}
          />
        </div>
        <InlineError message={error} />
      </DialogForm>
    </Modal>
  );
}
