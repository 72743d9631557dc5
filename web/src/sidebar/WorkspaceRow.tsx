import { memo, useState } from "react";
import { call } from "../api/client";
import { CoderStatusBadge, Cost, GitCompact, RuntimeBadge, StatusDot } from "../app/badges";
import { DotsIcon, WarnIcon } from "../app/icons";
import { Menu } from "../app/Menu";
import { OverlapBadge } from "../overlap/OverlapBadge";
import { PrBadge } from "../land/PrBadge";
import { errorMessage } from "../state/errors";
import type { WorkspaceSummary } from "../state/types";
import { openOverlay, selectWorkspace } from "../state/ui";

const HEALTH_TEXT: Record<Exclude<WorkspaceSummary["health"], "ok" | "unsupported-runtime">, string> = {
  "missing-worktree": "Worktree directory is missing",
  "missing-branch": "Branch is missing",
  "missing-project": "Project directory is missing",
};

/** What is wrong, in words; a runtime this Mux lacks is named (the original Mux made it). */
function healthText(w: WorkspaceSummary): string {
  if (w.health === "ok") return "";
  if (w.health !== "unsupported-runtime") return HEALTH_TEXT[w.health];
  const kind = w.runtime.type === "unsupported" ? w.runtime.kind : w.runtime.type;
  return kind === "multi-project" ? "Spans several projects: open it in the original Mux" : `Needs the ${kind} runtime: open it in the original Mux`;
}

interface Props {
  workspace: WorkspaceSummary;
  selected: boolean;
  /** Another local workspace uses the same directory. */
  sharedLocal: boolean;
  /** A sub-agent's row is nested this many levels under its parent's (0: top level). */
  depth?: number;
}

export const WorkspaceRow = memo(function WorkspaceRow({ workspace: w, selected, sharedLocal, depth = 0 }: Props) {
  const { state, unread, error } = w.activity;
  const menuItems = [
    { label: "Rename…", testId: "workspace-menu-rename", onSelect: () => openOverlay({ kind: "rename", workspaceId: w.id }) },
    {
      label: "Fork…",
      testId: "workspace-menu-fork",
      onSelect: () => openOverlay({ kind: "fork", workspaceId: w.id }),
      disabled: w.runtime.type === "local",
    },
    { label: "Delete…", testId: "workspace-menu-delete", danger: true, onSelect: () => openOverlay({ kind: "delete", workspaceId: w.id }) },
  ];
  return (
    <li
      data-testid={`workspace-row-${w.name}`}
      data-workspace-id={w.id}
      data-state={state}
      data-selected={selected}
      data-unread={unread}
      {...(w.parentWorkspaceId ? { "data-parent-id": w.parentWorkspaceId } : {})}
      data-depth={depth}
      className={`group relative ${depth ? "border-l border-line" : ""}`}
      style={depth ? { marginLeft: `${depth * 0.75}rem` } : undefined}
    >
      <button
        type="button"
        onClick={() => selectWorkspace(w.id)}
        aria-current={selected ? "page" : undefined}
        className={`block w-full rounded px-2 py-1.5 text-left ${selected ? "bg-hover" : "hover:bg-elev"}`}
      >
        <span className="flex items-center gap-2 pr-6">
          <StatusDot state={state} error={error} />
          <span className={`min-w-0 flex-1 truncate ${unread ? "font-semibold text-fg" : ""}`}>{w.name}</span>
          {w.parentWorkspaceId && (
            <span data-testid="helper-badge" className="shrink-0 text-[10px] text-muted" title="A helper agent's workspace, started by the one above">
              helper
            </span>
          )}
          {unread && (
            <span
              data-testid="unread-dot"
              role="img"
              aria-label="Unread: finished since you last looked"
              className="h-1.5 w-1.5 shrink-0 rounded-full bg-accent"
            />
          )}
        </span>
        <span className="mt-0.5 flex items-center gap-1.5 pl-5 text-[11px] text-muted">
          <RuntimeBadge runtime={w.runtime} />
          <CoderStatusBadge status={w.coderStatus} />
          {state === "needs-input" && (
            <span data-testid="needs-input" className="shrink-0 font-medium text-warn">
              needs input
            </span>
          )}
          {w.activity.elsewhere && (
            <span data-testid="elsewhere" className="truncate text-accent" title={`An agent is running here from another Mux process: ${w.activity.elsewhere}`}>
              {w.activity.elsewhere.split(" (")[0]}
            </span>
          )}
          {sharedLocal && (
            <span data-testid="shared-local-icon" className="text-warn" title="Shares its directory with another local workspace">
              <WarnIcon />
            </span>
          )}
          <GitCompact git={w.git} />
          <OverlapBadge overlap={w.overlap} />
          <PrBadge workspaceId={w.id} />
          <Cost cost={w} className="ml-auto text-[11px]" />
        </span>
      </button>
      <div className="absolute top-1 right-1 opacity-0 group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-100">
        <Menu label={`Actions for ${w.name}`} testId={`workspace-menu-${w.name}`} icon={<DotsIcon />} items={menuItems} />
      </div>
      {w.health !== "ok" && <HealthWarning workspace={w} />}
    </li>
  );
});

function HealthWarning({ workspace: w }: { workspace: WorkspaceSummary }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const recreate = async () => {
    setBusy(true);
    setErr(null);
    try {
      await call((api) => api.workspaces.recreate({ workspaceId: w.id }));
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const canRecreate = w.health !== "missing-project" && w.runtime.type === "worktree";
  return (
    <div data-testid="missing-worktree-warning" role="alert" className="mx-2 mb-1 rounded border border-warn/40 bg-warn/10 px-2 py-1 text-[11px]">
      <div className="flex items-center gap-1 text-warn">
        <WarnIcon /> {healthText(w)}
      </div>
      <div className="mt-1 flex gap-1.5">
        {canRecreate && (
          <button type="button" className="btn px-1.5 py-0 text-[11px]" data-testid="recreate-button" disabled={busy} onClick={recreate}>
            {busy ? "Recreating…" : "Recreate"}
          </button>
        )}
        <button
          type="button"
          className="btn px-1.5 py-0 text-[11px] text-err"
          data-testid="delete-missing-button"
          onClick={() => openOverlay({ kind: "delete", workspaceId: w.id })}
        >
          Delete
        </button>
      </div>
      {err && <div className="mt-1 text-err">{err}</div>}
    </div>
  );
}
