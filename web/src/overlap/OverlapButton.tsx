import { type ReactNode, useEffect, useRef, useState } from "react";
import type { OverlapBadge, WorkspaceOverlapView } from "../../../src/api/overlap";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { selectWorkspace } from "../state/ui";
import { OverlapIcon } from "./OverlapBadge";
import { hasConflict, overlapTitle } from "./overlapText";

/**
 * The header's overlap button (shown while the workspace overlaps): opens a popover listing,
 * per other workspace, the files both change and those that would conflict; a name opens it.
 */
export function OverlapButton({ workspaceId, overlap }: { workspaceId: string; overlap: OverlapBadge | null | undefined }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => root.current?.contains(e.target as Node) || setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
  if (!overlap) return null;
  const conflict = hasConflict(overlap);
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid="overlap-button"
        data-conflict={conflict}
        className={`btn btn-ghost px-1.5 ${conflict ? "text-err" : "text-warn"}`}
        aria-expanded={open}
        title={overlapTitle(overlap)}
        onClick={() => setOpen((o) => !o)}
      >
        <OverlapIcon /> <span className="max-sm:hidden">{conflict ? "Conflicts" : "Overlap"}</span>
      </button>
      {open && <OverlapPopover workspaceId={workspaceId} onClose={() => setOpen(false)} />}
    </div>
  );
}

function OverlapPopover({ workspaceId, onClose }: { workspaceId: string; onClose: () => void }) {
  const [view, setView] = useState<WorkspaceOverlapView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call((api) => api.overlap.workspace({ workspaceId })).then(
      (v) => live && setView(v),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [workspaceId]);
  return (
    <div
      data-testid="overlap-popover"
      role="dialog"
      aria-label="Files changed elsewhere too"
      className="absolute right-0 z-50 mt-1 max-h-[60vh] w-80 overflow-auto rounded border border-line bg-elev p-2 text-[12px] shadow-lg"
    >
      {error && <div className="text-err">{error}</div>}
      {!view && !error && <div className="text-muted">Checking…</div>}
      {view?.skipped && <div className="text-muted">Not checked: {view.skipped}</div>}
      {view?.trunk && view.trunk.shared.length > 0 && (
        <Section title={`${view.trunk.base} (the base) changed meanwhile`} shared={view.trunk.shared} conflicting={view.trunk.conflicting} />
      )}
      {view?.others.map((o) => (
        <Section
          key={o.workspaceId}
          title={
            <button
              type="button"
              className="font-semibold text-accent hover:underline"
              onClick={() => {
                onClose();
                selectWorkspace(o.workspaceId);
              }}
            >
              {o.name}
            </button>
          }
          shared={o.shared}
          conflicting={o.conflicting}
          testId={`overlap-with-${o.name}`}
        />
      ))}
      {view && !view.skipped && !view.others.length && !view.trunk?.shared.length && <div className="text-muted">No other workspace changes these files.</div>}
    </div>
  );
}

function Section({ title, shared, conflicting, testId }: { title: ReactNode; shared: string[]; conflicting: string[]; testId?: string }) {
  const bad = new Set(conflicting);
  return (
    <div data-testid={testId} className="mb-2 last:mb-0">
      <div className="mb-0.5">{title}</div>
      <ul className="space-y-0.5 pl-2 font-mono text-[11px]">
        {shared.map((f) => (
          <li key={f} data-conflict={bad.has(f)} className={bad.has(f) ? "text-err" : "text-muted"}>
            {f}
            {bad.has(f) && <span className="ml-1 font-sans">(conflict)</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
