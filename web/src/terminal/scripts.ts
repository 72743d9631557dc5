import { call } from "../api/client";
import { createStore } from "../state/store";

/** The project's scripts (`.mux/scripts/`) per workspace id, as last listed; absent until then. */
export const scriptsStore = createStore<Record<string, string[] | undefined>>({});

/** Lists (again) the workspace's scripts; a failure leaves none (the terminal itself still works). */
export async function loadScripts(workspaceId: string): Promise<void> {
  let names: string[] = [];
  try {
    names = (await call((api) => api.terminal.scripts({ workspaceId }))).scripts.map((s) => s.name);
  } catch {
    // e.g. an SSH host that is down: the panel shows no scripts rather than an error of its own
  }
  scriptsStore.set((s) => ({ ...s, [workspaceId]: names }));
}
