import { useState } from "react";
import { call } from "../api/client";
import { InlineError, Modal } from "./Modal";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { workspacesStore } from "../state/workspaces";
import { closeOverlay } from "../state/ui";

/** Confirms forgetting a project; the server refuses while it has workspaces, and that is shown as is. */
export function RemoveProjectDialog({ path }: { path: string }) {
  const project = useStore(workspacesStore, (s) => s.projects.find((p) => p.path === path));
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = project?.name ?? path;

  const remove = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      await call((api) => api.projects.remove({ path }));
      closeOverlay(); // the sidebar drops it when the "projects" event arrives
    } catch (e) {
      setRefusal(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Modal title={`Remove project ${name}?`} testId="remove-project-dialog" onClose={closeOverlay}>
      <div className="space-y-3 px-4 py-3">
        <p>
          Mux forgets <strong className="font-mono">{name}</strong>; it leaves the sidebar and you can add it again later.
        </p>
        <p className="text-muted">
          Nothing on disk is deleted: <span className="font-mono break-all">{path}</span>, its files and branches stay as they are.
        </p>
        <InlineError message={refusal} testId="remove-project-refusal" />
      </div>
      <div className="flex justify-end gap-2 border-t border-line px-4 py-2.5">
        <button type="button" className="btn" onClick={closeOverlay} data-autofocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" data-testid="remove-project-confirm" disabled={busy} onClick={remove}>
          {busy ? "Removing…" : "Remove project"}
        </button>
      </div>
    </Modal>
  );
}
