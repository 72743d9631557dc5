import { useEffect } from "react";
import { openOverlay, togglePanel, uiStore } from "../state/ui";
import { openTerminal } from "../terminal/store";
import { stepSelection } from "./actions";

/**
 * Global keys (Ctrl or ⌘): N new workspace, J/K next/previous workspace, "," settings,
 * Shift+P command palette, ` terminal (Shift+` a new one). Listens in the capture phase so text
 * fields cannot swallow them.
 */
export function handleShortcut(e: KeyboardEvent): boolean {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod || e.altKey) return false;
  const key = e.key.toLowerCase();
  const overlay = uiStore.get().overlay;
  if (e.shiftKey && key === "p") {
    if (overlay?.kind === "palette") uiStore.set((s) => ({ ...s, overlay: null }));
    else openOverlay({ kind: "palette" });
    return true;
  }
  // Ctrl+` shows or hides the terminal, Ctrl+Shift+` opens a new one (as in VS Code), in a terminal too.
  const selectedId = uiStore.get().selectedId;
  if (e.code === "Backquote" && selectedId && !overlay) {
    if (e.shiftKey) openTerminal(selectedId, { fresh: true });
    else togglePanel("terminal");
    return true;
  }
  // In a terminal, Ctrl+N/J/K… belong to the shell (Ctrl+K kills a line); only those above stay.
  const inTerminal = e.target instanceof Element && e.target.closest("[data-mux-terminal]") !== null;
  if (e.shiftKey || overlay || inTerminal) return false;
  switch (key) {
    case "n":
      openOverlay({ kind: "new-workspace" });
      return true;
    case "j":
      stepSelection(1);
      return true;
    case "k":
      stepSelection(-1);
      return true;
    case ",":
      openOverlay({ kind: "settings" });
      return true;
  }
  return false;
}

export function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if (handleShortcut(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, []);
}
