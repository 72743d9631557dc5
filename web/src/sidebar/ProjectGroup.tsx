import { useState } from "react";
import { sumCosts } from "../../../src/api/partialCost";
import { Cost } from "../app/badges";
import { ChevronIcon, DotsIcon, PlusIcon, WarnIcon } from "../app/icons";
import { Menu } from "../app/Menu";
import type { ProjectGroup as Group } from "../state/workspacesModel";
import { openOverlay } from "../state/ui";
import { WorkspaceRow } from "./WorkspaceRow";

export function ProjectGroup({ group, selectedId }: { group: Group; selectedId: string | null }) {
  const [open, setOpen] = useState(true);
  const shared = new Set(group.sharedLocal);
  // A parent's cost includes its helpers' once they reported: a nested row is not counted again.
  const total = sumCosts(group.workspaces.filter((w) => !group.depth[w.id]));
  return (
    <section data-testid={`project-${group.name}`} data-project-path={group.path} aria-label={`Project ${group.name}`} className="mb-2">
      <div className="group flex items-center gap-1 px-1">
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          title={group.path}
          className="flex min-w-0 flex-1 items-center gap-1 rounded px-1 py-1 text-left text-[11px] font-semibold tracking-wide text-muted uppercase hover:text-fg"
        >
          <ChevronIcon open={open} />
          <span className="truncate">{group.name}</span>
          {!group.registered && <span className="font-normal normal-case">(not registered)</span>}
          <span className="ml-1 font-normal">{group.workspaces.length || ""}</span>
          {/* Each workspace's own cost: a fork's copied history counts in its parent only. */}
          {total.costIncomplete || total.costUsd ? <Cost cost={total} testId="project-cost" className="ml-auto font-normal normal-case" /> : null}
        </button>
        <button
          type="button"
          className="icon-btn h-6 w-6"
          aria-label={`New workspace in ${group.name}`}
          data-testid={`new-workspace-in-${group.name}`}
          title={`New workspace in ${group.name}`}
          onClick={() => openOverlay({ kind: "new-workspace", projectPath: group.path })}
        >
          <PlusIcon />
        </button>
        {group.registered && (
          // Like a workspace row's menu: shown on hover or focus (always on touch screens).
          <div className="opacity-0 group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-100 [&_.icon-btn]:h-6 [&_.icon-btn]:w-6">
            <Menu
              label={`Actions for project ${group.name}`}
              testId={`project-menu-${group.name}`}
              icon={<DotsIcon />}
              items={[
                {
                  label: "Remove project…",
                  testId: "project-menu-remove",
                  danger: true,
                  onSelect: () => openOverlay({ kind: "remove-project", path: group.path }),
                },
              ]}
            />
          </div>
        )}
      </div>
      {open && group.sharedLocal.length > 0 && (
        <div
          data-testid="shared-local-warning"
          role="note"
          className="mx-2 mb-1 flex gap-1.5 rounded border border-warn/40 bg-warn/10 px-2 py-1 text-[11px] text-warn"
        >
          <WarnIcon />
          <span>{group.sharedLocal.length} local workspaces share this project directory: they edit the same files.</span>
        </div>
      )}
      {open && (
        <ul className="space-y-px px-1">
          {group.workspaces.map((w) => (
            <WorkspaceRow key={w.id} workspace={w} selected={w.id === selectedId} sharedLocal={shared.has(w.id)} depth={group.depth[w.id] ?? 0} />
          ))}
          {group.workspaces.length === 0 && <li className="px-3 py-1 text-[11px] text-muted">No workspaces yet</li>}
        </ul>
      )}
    </section>
  );
}
