import { useEffect } from "react";
import type { WorkspaceSummary } from "../state/types";
import { useStore } from "../state/store";
import { type PanelTab, openOverlay, setDrawer, toggleCosts, togglePanel, uiStore } from "../state/ui";
import { Cost, GitDetail, RuntimeBadge, StatusDot } from "./badges";
import { ConnectionStatus } from "./ConnectionStatus";
import { BranchIcon, ChartIcon, DiffIcon, DotsIcon, MenuIcon } from "./icons";
import { Menu } from "./Menu";
import { loadReview } from "./RightPanel";
import { OverlapButton } from "../overlap/OverlapButton";
import { CompareButton } from "../compare/CompareButton";
import { LandButton } from "../land/LandButton";
import { TerminalButton } from "../terminal/TerminalButton";
import { loadScripts, scriptsStore } from "../terminal/scripts";
import { openTerminal } from "../terminal/store";
import { OpenInEditor } from "../editor/OpenInEditor";

interface Props {
  workspace: WorkspaceSummary | null;
  panel: PanelTab | null;
}

export function WorkspaceHeader({ workspace: w, panel }: Props) {
  const costsOpen = panel === "costs";
  const drawerOpen = useStore(uiStore, (s) => s.drawerOpen);
  usePreloadReview();
  // The project's scripts, as one-click actions (the menu, the palette, the Terminal tab).
  const id = w?.id;
  const scripts = useStore(scriptsStore, (s) => (id ? s[id] : undefined));
  useEffect(() => {
    if (id) void loadScripts(id);
  }, [id]);
  return (
    <header data-testid="workspace-header" className="flex h-10 shrink-0 items-center gap-2 border-b border-line bg-bg px-2 md:px-3">
      <button
        type="button"
        className="icon-btn md:hidden"
        data-testid="menu-button"
        aria-label="Workspaces"
        aria-haspopup="dialog"
        aria-expanded={drawerOpen}
        aria-controls="sidebar"
        onClick={() => setDrawer(true)}
      >
        <MenuIcon />
      </button>
      {w ? (
        <>
          <StatusDot state={w.activity.state} error={w.activity.error} />
          <h1 data-testid="workspace-title" className="min-w-0 truncate font-semibold" title={w.projectPath}>
            {w.name}
          </h1>
          {w.branch && w.branch !== w.name && (
            <span data-testid="workspace-branch" className="inline-flex min-w-0 items-center gap-1 truncate font-mono text-xs text-muted max-sm:hidden">
              <BranchIcon /> {w.branch}
            </span>
          )}
          {/* On a phone the name comes first: the runtime, cost and editor link are in the drawer's row and on wider screens. */}
          <span className="contents max-sm:hidden">
            <RuntimeBadge runtime={w.runtime} />
          </span>
          <span className="max-md:hidden">
            <GitDetail git={w.git} />
          </span>
          <span className="flex-1" />
          <OverlapButton key={w.id} workspaceId={w.id} overlap={w.overlap} />
          <CompareButton workspaceId={w.id} />
          <Cost cost={w} className="text-xs text-muted max-sm:hidden" />
          <LandButton workspace={w} />
          <span className="contents max-sm:hidden">
            <OpenInEditor workspace={w} />
          </span>
          <TerminalButton open={panel === "terminal"} />
          <button
            type="button"
            className={`btn btn-ghost px-1.5 ${panel === "review" ? "bg-hover text-fg" : ""}`}
            data-testid="review-button"
            aria-pressed={panel === "review"}
            aria-label="Review"
            title="Review the workspace's changes"
            onClick={() => togglePanel("review")}
          >
            <DiffIcon /> <span className="max-sm:hidden">Review</span>
          </button>
          <button
            type="button"
            className={`btn btn-ghost px-1.5 ${costsOpen ? "bg-hover text-fg" : ""}`}
            data-testid="costs-button"
            aria-pressed={costsOpen}
            aria-label="Costs"
            title="Costs and context usage"
            onClick={() => toggleCosts()}
          >
            <ChartIcon /> <span className="max-sm:hidden">Costs</span>
          </button>
          <Menu
            label="Workspace actions"
            testId="workspace-actions"
            icon={<DotsIcon />}
            items={[
              { label: "Rename…", testId: "action-rename", onSelect: () => openOverlay({ kind: "rename", workspaceId: w.id }) },
              { label: "Fork…", testId: "action-fork", disabled: w.runtime.type === "local", onSelect: () => openOverlay({ kind: "fork", workspaceId: w.id }) },
              ...(scripts ?? []).map((name) => ({
                label: `Run ${name}`,
                testId: `action-script-${name}`,
                onSelect: () => openTerminal(w.id, { script: name }),
              })),
              { label: "Delete…", testId: "action-delete", danger: true, onSelect: () => openOverlay({ kind: "delete", workspaceId: w.id }) },
            ]}
          />
        </>
      ) : (
        <span className="flex-1 font-semibold md:hidden">Mux</span>
      )}
      <span className={w ? "" : "ml-auto"}>
        <ConnectionStatus />
      </span>
    </header>
  );
}

/** The review pane's code is fetched while the page is idle, so opening the tab waits only for its data. */
function usePreloadReview() {
  useEffect(() => {
    const preload = () => void loadReview().catch(() => {});
    if (typeof requestIdleCallback !== "function") return preload();
    const id = requestIdleCallback(preload, { timeout: 500 });
    return () => cancelIdleCallback(id);
  }, []);
}
