import { createStore } from "../state/store";

/**
 * Whether the terminal panel is open, and which terminal each workspace shows. Kept apart from
 * the app's UI state so the panel can move (into a tab of a side panel) without touching it.
 */
export interface TerminalPanelState {
  open: boolean;
  /** The terminal shown per workspace id. */
  active: Record<string, string>;
}

const KEY = "mux.terminal.open";

export const terminalPanelStore = createStore<TerminalPanelState>({ open: localStorage.getItem(KEY) === "1", active: {} });

export function toggleTerminalPanel(open?: boolean) {
  terminalPanelStore.set((s) => ({ ...s, open: open ?? !s.open }));
  localStorage.setItem(KEY, terminalPanelStore.get().open ? "1" : "0");
}

export function showTerminal(workspaceId: string, terminalId: string) {
  terminalPanelStore.set((s) => ({ ...s, active: { ...s.active, [workspaceId]: terminalId } }));
}
