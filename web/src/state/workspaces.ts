import { subscribe } from "../api/client";
import { createStore, memoByState } from "./store";
import type { WorkspaceListEvent, WorkspaceSummary } from "./types";
import { groupWorkspaces, initialWorkspaces, orderWorkspaces, reduceWorkspaces, type WorkspacesState } from "./workspacesModel";

export const workspacesStore = createStore<WorkspacesState>(initialWorkspaces);

export const selectGroups = memoByState(groupWorkspaces);
export const selectOrder = memoByState((s: WorkspacesState) => orderWorkspaces(selectGroups(s)));

/** Called for every live change of one workspace (not for snapshots); `next` is null when removed. */
export type WorkspaceChange = (prev: WorkspaceSummary | undefined, next: WorkspaceSummary | null, id: string) => void;
const changeListeners = new Set<WorkspaceChange>();

export function onWorkspaceChange(listener: WorkspaceChange): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

export function applyWorkspaceEvent(event: WorkspaceListEvent) {
  const prev = workspacesStore.get();
  workspacesStore.set(reduceWorkspaces(prev, event));
  if (event.type === "workspace") for (const l of changeListeners) l(prev.byId[event.workspace.id], event.workspace, event.workspace.id);
  if (event.type === "removed") for (const l of changeListeners) l(prev.byId[event.id], null, event.id);
}

let stop: (() => void) | null = null;

/** Follows `workspaces.subscribe`; after a reconnect the fresh snapshot replaces everything. */
export function startWorkspaces(): () => void {
  stop ??= subscribe((api, signal) => api.workspaces.subscribe(undefined, { signal }), applyWorkspaceEvent);
  return stop;
}
