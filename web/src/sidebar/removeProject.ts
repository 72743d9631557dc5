import { createStore } from "../state/store";
import { setDrawer, uiStore } from "../state/ui";

/**
 * The project whose "Remove project" confirmation is open, or null. Kept here rather than as an
 * overlay kind so the sidebar owns the whole feature; it still yields to any overlay that opens.
 */
export const removeProjectStore = createStore<{ path: string } | null>(null);

/** Opens the confirmation; like any overlay, it closes the phone drawer. */
export function openRemoveProject(path: string) {
  setDrawer(false);
  removeProjectStore.set({ path });
}
export const closeRemoveProject = () => removeProjectStore.set(null);

// At most one dialog at a time: another overlay (Ctrl+Shift+P, Ctrl+N…) replaces this one.
uiStore.subscribe(() => {
  if (uiStore.get().overlay) closeRemoveProject();
});
