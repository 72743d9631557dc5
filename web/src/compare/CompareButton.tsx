import { useEffect, useState } from "react";
import { call } from "../api/client";
import { openOverlay } from "../state/ui";

/** The header's way back to the compare view, shown while the workspace belongs to a best-of-N run. */
export function CompareButton({ workspaceId }: { workspaceId: string }) {
  const [groupId, setGroupId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call((api) => api.compare.groups())
      .then((groups) => live && setGroupId(groups.find((g) => g.workspaces.some((w) => w.id === workspaceId))?.id ?? null))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [workspaceId]);
  if (!groupId) return null;
  return (
    <button type="button" className="btn btn-ghost px-1.5" data-testid="compare-button" onClick={() => openOverlay({ kind: "compare", groupId })}>
      Compare
    </button>
  );
}
