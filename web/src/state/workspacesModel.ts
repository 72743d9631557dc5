import type { Project, WorkspaceListEvent, WorkspaceSummary } from "./types.js";

/** The sidebar's data: projects and workspace summaries, kept current by `workspaces.subscribe`. */
export interface WorkspacesState {
  loaded: boolean;
  projects: Project[];
  byId: Record<string, WorkspaceSummary>;
}

export const initialWorkspaces: WorkspacesState = { loaded: false, projects: [], byId: {} };

export function reduceWorkspaces(state: WorkspacesState, event: WorkspaceListEvent): WorkspacesState {
  switch (event.type) {
    case "snapshot":
      return {
        loaded: true,
        projects: event.projects,
        byId: Object.fromEntries(event.workspaces.map((w) => [w.id, w])),
      };
    case "projects":
      return { ...state, projects: event.projects };
    case "workspace":
      return { ...state, byId: { ...state.byId, [event.workspace.id]: event.workspace } };
    case "removed": {
      if (!(event.id in state.byId)) return state;
      const { [event.id]: _gone, ...rest } = state.byId;
      return { ...state, byId: rest };
    }
  }
}

export interface ProjectGroup {
  path: string;
  name: string;
  /** False for workspaces whose project is no longer registered. */
  registered: boolean;
  workspaces: WorkspaceSummary[];
  /** Ids of local-runtime workspaces sharing this project's directory with another one. */
  sharedLocal: string[];
  /** How far a sub-agent's row is nested under its parent's (absent: a top-level row). */
  depth: Record<string, number>;
}

const byCreation = (a: WorkspaceSummary, b: WorkspaceSummary) => a.createdAt - b.createdAt || a.name.localeCompare(b.name);

export function groupWorkspaces(state: WorkspacesState): ProjectGroup[] {
  const groups = new Map<string, ProjectGroup>();
  for (const p of state.projects) groups.set(p.path, { path: p.path, name: p.name, registered: true, workspaces: [], sharedLocal: [], depth: {} });
  for (const w of Object.values(state.byId)) {
    let g = groups.get(w.projectPath);
    if (!g) {
      const name = w.projectPath.split(/[\\/]/).filter(Boolean).pop() ?? w.projectPath;
      g = { path: w.projectPath, name, registered: false, workspaces: [], sharedLocal: [], depth: {} };
      groups.set(w.projectPath, g);
    }
    g.workspaces.push(w);
  }
  for (const g of groups.values()) {
    g.workspaces.sort(byCreation);
    nestChildren(g);
    const local = g.workspaces.filter((w) => w.runtime.type === "local");
    if (local.length > 1) g.sharedLocal = local.map((w) => w.id);
  }
  return [...groups.values()];
}

/**
 * Puts each sub-agent's workspace right under its parent's (children in creation order, a
 * grandchild under its child), recording how deep each is; one whose parent is not in the
 * project stays a top-level row.
 */
function nestChildren(g: ProjectGroup): void {
  const ids = new Set(g.workspaces.map((w) => w.id));
  const children = new Map<string, WorkspaceSummary[]>();
  const top: WorkspaceSummary[] = [];
  for (const w of g.workspaces) {
    const parent = w.parentWorkspaceId;
    if (parent && parent !== w.id && ids.has(parent)) children.set(parent, [...(children.get(parent) ?? []), w]);
    else top.push(w);
  }
  if (!children.size) return;
  const ordered: WorkspaceSummary[] = [];
  const visit = (w: WorkspaceSummary, depth: number) => {
    if (ordered.includes(w)) return;
    ordered.push(w);
    if (depth) g.depth[w.id] = depth;
    for (const c of children.get(w.id) ?? []) visit(c, depth + 1);
  };
  for (const w of top) visit(w, 0);
  // A loop of parents (a hand-edited registry) has no top: its rows are shown at the end.
  for (const w of g.workspaces) if (!ordered.includes(w)) ordered.push(w);
  g.workspaces = ordered;
}

/** Workspaces in sidebar order (for Ctrl+J / Ctrl+K). */
export function orderWorkspaces(groups: ProjectGroup[]): WorkspaceSummary[] {
  return groups.flatMap((g) => g.workspaces);
}

/** The workspace `delta` steps from `current` in sidebar order, wrapping around. */
export function stepWorkspace(order: WorkspaceSummary[], current: string | null, delta: number): string | null {
  if (order.length === 0) return null;
  const i = order.findIndex((w) => w.id === current);
  if (i < 0) return order[delta > 0 ? 0 : order.length - 1].id;
  return order[(i + delta + order.length) % order.length].id;
}
