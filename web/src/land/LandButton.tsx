import { lazy, Suspense, useEffect, useState } from "react";
import type { WorkspaceSummary } from "../state/types";

const LandDialog = lazy(() => import("./LandDialog").then((m) => ({ default: m.LandDialog })));

const OPEN_EVENT = "mux:land";

/** Opens the Land dialog of a workspace (from the command palette). */
export function openLand(workspaceId: string): void {
  window.dispatchEvent(new CustomEvent(OPEN_EVENT, { detail: { workspaceId } }));
}

/** The header's "Land" button: commit, merge, push and pull request for this workspace. */
export function LandButton({ workspace: w }: { workspace: WorkspaceSummary }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onOpen = (e: Event) => {
      if ((e as CustomEvent<{ workspaceId: string }>).detail.workspaceId === w.id) setOpen(true);
    };
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_EVENT, onOpen);
  }, [w.id]);
  return (
    <>
      <button type="button" className="btn btn-ghost px-1.5" data-testid="land-button" title="Commit, merge, push" onClick={() => setOpen(true)}>
        Land
      </button>
      {open && (
        <Suspense fallback={null}>
          <LandDialog workspace={w} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
