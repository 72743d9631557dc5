import type { ChatSettings } from "../chat/settings";
import { composerShouldTakeFocus, rememberOpener } from "./focus";
import { createStore } from "./store";

/** At most one overlay at a time: a dialog, settings or the command palette. */
export type Overlay =
  | { kind: "new-workspace"; projectPath?: string }
  | { kind: "rename"; workspaceId: string }
  | { kind: "fork"; workspaceId: string }
  | { kind: "delete"; workspaceId: string }
  | { kind: "add-project" }
  | { kind: "remove-project"; path: string }
  | { kind: "settings" }
  | { kind: "palette" }
  | { kind: "best-of"; workspaceId: string; prompt: string; settings: ChatSettings }
  /** A best-of-N run side by side; `notes`: what went wrong while launching it. */
  | { kind: "compare"; groupId: string; notes?: string[] };

export type PanelTab = "review" | "terminal" | "costs";

export interface UiState {
  /** The workspace shown in the main area; mirrors the URL hash `#/w/<id>`. */
  selectedId: string | null;
  overlay: Overlay | null;
  /** The right-hand panel's open tab, if it is open. */
  panel: PanelTab | null;
  /** The sidebar drawer on narrow screens. */
  drawerOpen: boolean;
  /** A workspace whose composer should take focus when it shows (the user just switched to it). */
  composerFocus: string | null;
}

const HASH = /^#\/w\/(.+)$/;

export function idFromHash(hash: string): string | null {
  const m = HASH.exec(hash);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

export const uiStore = createStore<UiState>({
  selectedId: idFromHash(window.location.hash),
  overlay: null,
  panel: null,
  drawerOpen: false,
  composerFocus: null,
});

window.addEventListener("hashchange", () => {
  const id = idFromHash(window.location.hash);
  uiStore.set((s) => (s.selectedId === id ? s : { ...s, selectedId: id }));
});

/**
 * Shows a workspace (or none) and records it in the URL so a reload keeps it. The user picked
 * it: its composer takes focus (see Composer).
 */
export function selectWorkspace(id: string | null) {
  const hash = id ? `#/w/${encodeURIComponent(id)}` : "";
  if (window.location.hash !== hash) {
    // replaceState: switching workspaces should not flood the back button.
    history.replaceState(null, "", hash || window.location.pathname + window.location.search);
  }
  const composerFocus = id && composerShouldTakeFocus() ? id : null;
  uiStore.set((s) => ({ ...s, selectedId: id, drawerOpen: false, composerFocus }));
}

/** The composer took the focus it was asked to. */
export const composerFocused = () => uiStore.set((s) => (s.composerFocus ? { ...s, composerFocus: null } : s));

export const openOverlay = (overlay: Overlay) => {
  if (!uiStore.get().overlay) rememberOpener();
  uiStore.set((s) => ({ ...s, overlay, drawerOpen: false }));
};
export const closeOverlay = () => uiStore.set((s) => (s.overlay ? { ...s, overlay: null } : s));
/** Opens the right-hand panel on `tab`, or closes it when that tab shows (or when `open` is false). */
export const togglePanel = (tab: PanelTab, open?: boolean) =>
  uiStore.set((s) => {
    const show = open ?? s.panel !== tab;
    const panel = show ? tab : s.panel === tab ? null : s.panel;
    return panel === s.panel ? s : { ...s, panel };
  });
export const toggleCosts = (open?: boolean) => togglePanel("costs", open);
export const closePanel = () => uiStore.set((s) => (s.panel ? { ...s, panel: null } : s));
export const setDrawer = (drawerOpen: boolean) => uiStore.set((s) => ({ ...s, drawerOpen }));
