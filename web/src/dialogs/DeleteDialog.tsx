import { useState } from "react";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { closeOverlay, selectWorkspace, uiStore } from "../state/ui";
import { selectOrder, workspacesStore } from "../state/workspaces";
import { stepWorkspace } from "../state/workspacesModel";
import type { CoderDeleteAction } from "../../../src/runtime/coderStatuses";
import { InlineError, Modal } from "./Modal";

const CODER_ACTIONS: { action: CoderDeleteAction; label: string }[] = [
  { action: "stop", label: "Stop it (coder stop)" },
  { action: "delete", label: "Delete it (coder delete)" },
  { action: "keep", label: "Leave it running" },
];

/** What becomes of the Coder workspace; only one Mux made can be deleted from here. */
function CoderChoice({ name, made, value, onChange }: { name: string; made: boolean; value: CoderDeleteAction; onChange: (a: CoderDeleteAction) => void }) {
  return (
    <fieldset data-testid="delete-coder-choice">
      <legend className="label">
        The Coder workspace <span className="font-mono">{name}</span>
      </legend>
      <div className="space-y-1">
        {CODER_ACTIONS.filter((a) => made || a.action !== "delete").map((a) => (
          <label key={a.action} className="flex items-center gap-2">
            <input type="radio" name="coder-action" data-testid={`delete-coder-${a.action}`} checked={value === a.action} onChange={() => onChange(a.action)} />
            {a.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** What to show after deleting: the next workspace of the same project, else any other. */
function neighbour(id: string): string | null {
  const order = selectOrder(workspacesStore.get());
  const project = order.find((w) => w.id === id)?.projectPath;
  const same = stepWorkspace(
    order.filter((w) => w.projectPath === project),
    id,
    1,
  );
  if (same && same !== id) return same;
  const any = stepWorkspace(order, id, 1);
  return any && any !== id ? any : null;
}

/** Confirms a delete; if the server refuses (unsaved work), shows why and offers "Delete anyway". */
export function DeleteDialog({ workspaceId }: { workspaceId: string }) {
  const ws = useStore(workspacesStore, (s) => s.byId[workspaceId]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = ws?.name ?? workspaceId;
  // (Not the schemas module: it would bring zod, and its eval probe, into the page.)
  const coder = ws?.runtime.type === "ssh" ? ws.runtime.coder : undefined;
  // Stopping is what the original Mux does on archive by default; a workspace Mux did not make is kept.
  const [coderAction, setCoderAction] = useState<CoderDeleteAction>(coder?.existingWorkspace ? "keep" : "stop");

  const remove = async (force: boolean) => {
    setBusy(true);
    const wasSelected = uiStore.get().selectedId === workspaceId;
    const next = neighbour(workspaceId);
    try {
      await call((api) => api.workspaces.delete({ workspaceId, force: force || undefined, coder: coder ? coderAction : undefined }));
      closeOverlay();
      if (wasSelected && (uiStore.get().selectedId ?? workspaceId) === workspaceId) selectWorkspace(next);
    } catch (e) {
      // The CLI's advice does not apply here: the button below is the way to force.
      setRefusal(errorMessage(e).replace(/;?\s*use --force to delete anyway\.?$/, ""));
      setBusy(false);
    }
  };

  const what = coder
    ? `its worktree and branch in the Coder workspace ${coder.workspaceName}, and its chat history`
    : ws?.runtime.type === "local"
      ? "its chat history (the project directory itself is kept)"
      : "its worktree, branch and chat history";
  return (
    <Modal title={`Delete ${name}?`} testId="delete-dialog" onClose={closeOverlay}>
      <div className="space-y-3 px-4 py-3">
        <p>
          This deletes <strong className="font-mono">{name}</strong>: {what}.
        </p>
        {coder && (
          <CoderChoice
            name={coder.workspaceName}
            made={!coder.existingWorkspace}
            value={coderAction}
            onChange={(a) => {
              setCoderAction(a);
              setRefusal(null);
            }}
          />
        )}
        <InlineError message={refusal} testId="delete-refusal" />
      </div>
      <div className="flex justify-end gap-2 border-t border-line px-4 py-2.5">
        <button type="button" className="btn" onClick={closeOverlay} data-autofocus>
          Cancel
        </button>
        {refusal ? (
          <button type="button" className="btn btn-danger" data-testid="delete-force" disabled={busy} onClick={() => remove(true)}>
            {busy ? "Deleting…" : "Delete anyway"}
          </button>
        ) : (
          <button type="button" className="btn btn-danger" data-testid="delete-confirm" disabled={busy} onClick={() => remove(false)}>
            {busy ? "Deleting…" : "Delete"}
          </button>
        )}
      </div>
    </Modal>
  );
}
