import { notificationsStore, toggleNotifications } from "../state/notifications";
import type { WorkspaceSummary } from "../state/types";
import { openOverlay, selectWorkspace, toggleCosts, togglePanel, uiStore } from "../state/ui";
import { selectOrder, workspacesStore } from "../state/workspaces";
import { stepWorkspace } from "../state/workspacesModel";
import { openLand } from "../land/LandButton";
import { reviewActions } from "../review/actions";
import { scriptsStore } from "../terminal/scripts";
import { openTerminal } from "../terminal/store";
import { keyLabel } from "./keys";

export interface Action {
  /** Stable id; the palette row is `data-testid="command-item-<id>"`. */
  id: string;
  label: string;
  hint?: string;
  run: () => void;
}

/** Events the chat view listens for, on `window`, with `detail: { workspaceId }`. */
export function dispatchChatEvent(type: "mux:interrupt" | "mux:focus-composer", workspaceId: string) {
  window.dispatchEvent(new CustomEvent(type, { detail: { workspaceId } }));
}

export function stepSelection(delta: number) {
  const next = stepWorkspace(selectOrder(workspacesStore.get()), uiStore.get().selectedId, delta);
  if (next) selectWorkspace(next);
}

/** Every command-palette action available right now (`scripts`: the project scripts per workspace). */
export function buildActions(scripts = scriptsStore.get()): Action[] {
  const { selectedId, panel } = uiStore.get();
  const state = workspacesStore.get();
  const current: WorkspaceSummary | undefined = selectedId ? state.byId[selectedId] : undefined;
  const projectName = (path: string) => state.projects.find((p) => p.path === path)?.name ?? path;
  const actions: Action[] = [
    { id: "new-workspace", label: "New workspace…", hint: keyLabel("N"), run: () => openOverlay({ kind: "new-workspace" }) },
    { id: "add-project", label: "Add project…", run: () => openOverlay({ kind: "add-project" }) },
    { id: "open-settings", label: "Open settings: providers", hint: keyLabel(","), run: () => openOverlay({ kind: "settings" }) },
    {
      id: "toggle-notifications",
      label: notificationsStore.get().enabled ? "Turn notifications off" : "Turn notifications on",
      run: () => void toggleNotifications(),
    },
  ];
  if (current) {
    const id = current.id;
    actions.push(
      { id: "toggle-costs", label: panel === "costs" ? "Hide costs panel" : "Show costs panel", run: () => toggleCosts() },
      ...reviewActions(panel === "review"),
      { id: "toggle-terminal", label: panel === "terminal" ? "Hide terminal" : "Show terminal", hint: keyLabel("`"), run: () => togglePanel("terminal") },
      { id: "new-terminal", label: "New terminal", hint: keyLabel("`", true), run: () => openTerminal(id, { fresh: true }) },
      ...(scripts[id] ?? []).map((name) => ({
        id: `script-${name}`,
        label: `Run script ${name}`,
        hint: ".mux/scripts",
        run: () => openTerminal(id, { script: name }),
      })),
      { id: "interrupt", label: `Interrupt agent in ${current.name}`, run: () => dispatchChatEvent("mux:interrupt", id) },
      { id: "focus-composer", label: "Focus message composer", run: () => dispatchChatEvent("mux:focus-composer", id) },
      { id: "land", label: `Land ${current.name}… (commit, merge, push)`, run: () => openLand(id) },
      { id: "rename", label: `Rename ${current.name}…`, run: () => openOverlay({ kind: "rename", workspaceId: id }) },
      ...(current.runtime.type === "worktree"
        ? [{ id: "fork", label: `Fork ${current.name}…`, run: () => openOverlay({ kind: "fork", workspaceId: id }) }]
        : []),
      { id: "delete", label: `Delete ${current.name}…`, run: () => openOverlay({ kind: "delete", workspaceId: id }) },
    );
  }
  if (selectOrder(state).length > 1) {
    actions.push(
      { id: "next-workspace", label: "Next workspace", hint: keyLabel("J"), run: () => stepSelection(1) },
      { id: "previous-workspace", label: "Previous workspace", hint: keyLabel("K"), run: () => stepSelection(-1) },
    );
  }
  state.projects.forEach((p, i, all) => {
    // Two projects can share a directory name; the id (and test id) must stay unique.
    const key = all.findIndex((o) => o.name === p.name) === i ? p.name : `${p.name}-${i}`;
    actions.push({
      id: `remove-project-${key}`,
      label: `Remove project ${p.name}…`,
      hint: p.path,
      run: () => openOverlay({ kind: "remove-project", path: p.path }),
    });
  });
  for (const w of selectOrder(state)) {
    if (w.id === selectedId) continue;
    actions.push({ id: `switch-${w.name}`, label: `Switch to ${w.name}`, hint: projectName(w.projectPath), run: () => selectWorkspace(w.id) });
  }
  return actions;
}
