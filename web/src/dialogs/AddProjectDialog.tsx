import { useState } from "react";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { closeOverlay, openOverlay } from "../state/ui";
import { DialogForm, InlineError, Modal } from "./Modal";

export function AddProjectDialog() {
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!path.trim()) return setError("Enter the path of a git repository on the server's machine.");
    setBusy(true);
    setError(null);
    try {
      const project = await call((api) => api.projects.add({ path: path.trim() }));
      openOverlay({ kind: "new-workspace", projectPath: project.path });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Modal title="Add project" testId="add-project-dialog" onClose={closeOverlay}>
      <DialogForm
        onSubmit={submit}
        footer={
          <>
            <button type="button" className="btn" onClick={closeOverlay}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="add-project-submit" disabled={busy}>
              {busy ? "Adding…" : "Add project"}
            </button>
          </>
        }
      >
        <div>
          <label className="label" htmlFor="ap-path">
            Path to a git repository (on the machine running Mux)
          </label>
          <input
            id="ap-path"
            className="input font-mono"
            data-testid="add-project-path"
            value={path}
            data-autofocus
            placeholder="~/src/my-app"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setPath(e.target.value)}
          />
        </div>
        <InlineError message={error} />
      </DialogForm>
    </Modal>
  );
}
