import { useEffect, useRef } from "react";
import { useNarrow } from "../app/useNarrow";
import { keyLabel } from "../app/keys";
import { CloseIcon, FolderPlusIcon, GearIcon, PlusIcon } from "../app/icons";
import { notificationsStore, toggleNotifications } from "../state/notifications";
import { useStore } from "../state/store";
import { focusLost } from "../state/focus";
import { openOverlay, setDrawer, uiStore } from "../state/ui";
import { selectGroups, workspacesStore } from "../state/workspaces";
import { ProjectGroup } from "./ProjectGroup";

export function Sidebar() {
  const groups = useStore(workspacesStore, selectGroups);
  const loaded = useStore(workspacesStore, (s) => s.loaded);
  const selectedId = useStore(uiStore, (s) => s.selectedId);
  const drawerOpen = useStore(uiStore, (s) => s.drawerOpen);
  const modal = useNarrow() && drawerOpen;
  const aside = useRef<HTMLElement>(null);
  useDrawerFocus(modal, aside);
  return (
    <>
      {drawerOpen && <div className="fixed inset-0 z-30 bg-black/50 md:hidden" onClick={() => setDrawer(false)} aria-hidden="true" />}
      <aside
        ref={aside}
        id="sidebar"
        data-testid="sidebar"
        aria-label="Workspaces"
        // On a phone the open drawer is a modal over the chat (which is inert meanwhile: see App).
        {...(modal ? { role: "dialog", "aria-modal": true } : {})}
        data-open={drawerOpen}
        // Opening, it is visible at once (focus can move in); closing, it stays visible while it slides out.
        className={`fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] flex-col border-r border-line bg-panel md:visible md:static md:z-auto md:w-64 md:max-w-none md:translate-x-0 ${
          drawerOpen ? "translate-x-0 transition-[translate]" : "invisible -translate-x-full transition-[translate,visibility]"
        }`}
      >
        <div className="flex h-10 shrink-0 items-center gap-1 border-b border-line px-2">
          <span className="flex-1 px-1 font-semibold tracking-tight">Mux</span>
          <button
            type="button"
            className="icon-btn"
            data-testid="new-workspace-button"
            aria-label="New workspace"
            title={`New workspace (${keyLabel("N")})`}
            onClick={() => openOverlay({ kind: "new-workspace" })}
          >
            <PlusIcon />
          </button>
          <button
            type="button"
            className="icon-btn"
            data-testid="add-project-button"
            aria-label="Add project"
            title="Add project"
            onClick={() => openOverlay({ kind: "add-project" })}
          >
            <FolderPlusIcon />
          </button>
          <button
            type="button"
            className="icon-btn"
            data-testid="settings-button"
            aria-label="Settings"
            title={`Settings (${keyLabel(",")})`}
            onClick={() => openOverlay({ kind: "settings" })}
          >
            <GearIcon />
          </button>
          <button type="button" className="icon-btn md:hidden" data-testid="drawer-close" aria-label="Close sidebar" onClick={() => setDrawer(false)}>
            <CloseIcon />
          </button>
        </div>
        <nav className="min-h-0 flex-1 overflow-y-auto py-2" aria-label="Projects and workspaces">
          {!loaded && (
            <p className="px-3 text-muted" data-testid="sidebar-loading">
              Loading workspaces…
            </p>
          )}
          {loaded && groups.length === 0 && (
            <div className="px-3 text-muted" data-testid="sidebar-empty">
              <p className="mb-2">No projects yet.</p>
              <button type="button" className="btn btn-primary" onClick={() => openOverlay({ kind: "add-project" })}>
                Add a project
              </button>
            </div>
          )}
          {groups.map((g) => (
            <ProjectGroup key={g.path} group={g} selectedId={selectedId} />
          ))}
        </nav>
        <SidebarFooter />
      </aside>
    </>
  );
}

const FOCUSABLE = "a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex='-1'])";

/**
 * The phone drawer as a modal: focus moves in (to the shown workspace's row), Tab and Shift+Tab
 * stay inside, Escape closes it, and focus returns to the menu button that opened it (unless it
 * went on purpose to a composer: a workspace picked from the drawer).
 */
function useDrawerFocus(modal: boolean, aside: React.RefObject<HTMLElement | null>) {
  useEffect(() => {
    const el = aside.current;
    if (!modal || !el) return;
    const controls = () => [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((c) => c.checkVisibility?.({ visibilityProperty: true }) ?? true);
    (el.querySelector<HTMLElement>("[aria-current=page]") ?? controls()[0])?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !e.defaultPrevented) {
        e.preventDefault();
        setDrawer(false);
        return;
      }
      if (e.key !== "Tab") return;
      const all = controls();
      if (!all.length) return;
      const first = all[0];
      const last = all[all.length - 1];
      const inside = el.contains(document.activeElement);
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      if (el.contains(document.activeElement) || focusLost()) document.querySelector<HTMLElement>("[data-testid=menu-button]")?.focus();
    };
  }, [modal, aside]);
}

function SidebarFooter() {
  const { enabled, permission } = useStore(notificationsStore, (s) => s);
  const denied = permission === "denied" || permission === "unsupported";
  return (
    <div className="flex shrink-0 items-center gap-2 border-t border-line px-3 py-2 text-[11px] text-muted">
      <label
        className="flex items-center gap-1.5"
        title={denied ? "Notifications are blocked by the browser" : "Notify when an agent finishes while Mux is in the background"}
      >
        <input
          type="checkbox"
          data-testid="notifications-toggle"
          checked={enabled}
          disabled={permission === "unsupported"}
          onChange={() => void toggleNotifications()}
        />
        Notifications
      </label>
      <button
        type="button"
        className="ml-auto hover:text-fg"
        data-testid="palette-button"
        title="Command palette"
        aria-keyshortcuts="Control+Shift+P"
        onClick={() => openOverlay({ kind: "palette" })}
      >
        <span className="sr-only">Command palette</span>
        <span aria-hidden="true">{keyLabel("P", true)}</span>
      </button>
    </div>
  );
}
