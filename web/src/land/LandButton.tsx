import { lazy, Suspense, useState } from "react";
import type { WorkspaceSummary } from "../state/types";

const LandDialog = lazy(() => import("./LandDialog").then((m) => ({ default: m.LandDialog })));

/** The header's "Land" button: commit, merge, push and pull request for this workspace. */
export function LandButton({ workspace: w }: { workspace: WorkspaceSummary }) {
  const [open, setOpen] = useState(false);
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
