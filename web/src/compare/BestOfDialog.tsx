import { useState } from "react";
import { MAX_RUNS } from "../../../src/api/compareLimits";
import { call } from "../api/client";
import type { ChatSettings } from "../chat/settings";
import { ModelPicker } from "../chat/ModelPicker";
import { DialogForm, InlineError, Modal } from "../dialogs/Modal";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { closeOverlay, openOverlay } from "../state/ui";
import { workspacesStore } from "../state/workspaces";

/**
 * "Run in N workspaces": the composer's prompt sent to N new workspaces of the same project at
 * once (the composer's model N times, or a model per run), then the compare view opens.
 */
export function BestOfDialog({ workspaceId, prompt: initial, settings }: { workspaceId: string; prompt: string; settings: ChatSettings }) {
  const ws = useStore(workspacesStore, (s) => s.byId[workspaceId]);
  const [prompt, setPrompt] = useState(initial);
  const [models, setModels] = useState<(string | undefined)[]>([settings.model, settings.model]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const setCount = (n: number) => setModels((m) => Array.from({ length: n }, (_, k) => m[k] ?? m[0]));
  const submit = async () => {
    if (!ws) return;
    if (!prompt.trim()) return setError("Write the prompt first.");
    setBusy(true);
    setError(null);
    try {
      const { group, errors } = await call((api) =>
        api.compare.launch({
          projectPath: ws.projectPath,
          prompt: prompt.trim(),
          models: models.map((m) => m ?? null),
          // Local workspaces would all share the project directory: each run gets its own worktree.
          runtime:
            ws.runtime.type === "ssh"
              ? { type: "ssh", host: ws.runtime.host }
              : ws.runtime.type === "docker"
                ? { type: "docker", image: ws.runtime.image }
                : { type: "worktree" },
          base: ws.base ?? undefined,
          mode: settings.mode,
          thinking: settings.thinking,
        }),
      );
      window.dispatchEvent(new CustomEvent("mux:draft-sent", { detail: { workspaceId } }));
      openOverlay({ kind: "compare", groupId: group.id, notes: errors });
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Modal title="Run in several workspaces" testId="best-of-dialog" onClose={closeOverlay} size="md">
      <DialogForm
        onSubmit={submit}
        footer={
          <>
            <button type="button" className="btn" onClick={closeOverlay}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="best-of-submit" disabled={busy || !ws}>
              {busy ? "Starting…" : `Run in ${models.length} workspaces`}
            </button>
          </>
        }
      >
        <label className="block">
          <span className="mb-1 block text-[12px] text-muted">Prompt (each new workspace gets it)</span>
          <textarea
            data-testid="best-of-prompt"
            className="block h-24 w-full resize-y rounded border border-line bg-bg px-2 py-1.5"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
          />
        </label>
        <label className="flex items-center gap-2">
          <span className="text-[12px] text-muted">Workspaces</span>
          <select
            data-testid="best-of-count"
            className="rounded border border-line bg-bg px-1 py-0.5"
            value={models.length}
            onChange={(e) => setCount(Number(e.target.value))}
          >
            {Array.from({ length: MAX_RUNS - 1 }, (_, k) => k + 2).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <span className="text-[12px] text-muted">from {ws?.base ?? "the trunk"}, each on its own branch</span>
        </label>
        <div className="space-y-1">
          <span className="block text-[12px] text-muted">Model of each run</span>
          {models.map((m, k) => (
            <div key={k} data-testid={`best-of-model-${k + 1}`} className="flex items-center gap-2">
              <span className="w-5 text-right text-[12px] text-muted">{k + 1}</span>
              <ModelPicker value={m} onChange={(model) => setModels((all) => all.map((x, i) => (i === k ? model : x)))} />
            </div>
          ))}
        </div>
        <InlineError message={error} />
      </DialogForm>
    </Modal>
  );
}
