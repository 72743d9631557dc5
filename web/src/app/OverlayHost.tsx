import { lazy, Suspense, useEffect, useRef, type ReactNode } from "react";
import { fallbackFocus, restoreFocus } from "../state/focus";
import { useStore } from "../state/store";
import { closeOverlay, uiStore } from "../state/ui";
import { ChunkBoundary } from "./ChunkBoundary";

// Dialogs load on first use (and are prefetched once the app is idle), keeping the first load lean.
const load = {
  palette: () => import("./CommandPalette"),
  newWorkspace: () => import("../dialogs/NewWorkspaceDialog"),
  addProject: () => import("../dialogs/AddProjectDialog"),
  name: () => import("../dialogs/NameDialog"),
  delete: () => import("../dialogs/DeleteDialog"),
  removeProject: () => import("../dialogs/RemoveProjectDialog"),
  settings: () => import("../settings/SettingsDialog"),
  bestOf: () => import("../compare/BestOfDialog"),
  compare: () => import("../compare/CompareDialog"),
};
const CommandPalette = lazy(() => load.palette().then((m) => ({ default: m.CommandPalette })));
const NewWorkspaceDialog = lazy(() => load.newWorkspace().then((m) => ({ default: m.NewWorkspaceDialog })));
const AddProjectDialog = lazy(() => load.addProject().then((m) => ({ default: m.AddProjectDialog })));
const NameDialog = lazy(() => load.name().then((m) => ({ default: m.NameDialog })));
const DeleteDialog = lazy(() => load.delete().then((m) => ({ default: m.DeleteDialog })));
const RemoveProjectDialog = lazy(() => load.removeProject().then((m) => ({ default: m.RemoveProjectDialog })));
const BestOfDialog = lazy(() => load.bestOf().then((m) => ({ default: m.BestOfDialog })));
const CompareDialog = lazy(() => load.compare().then((m) => ({ default: m.CompareDialog })));
const SettingsDialog = lazy(() => load.settings().then((m) => ({ default: m.SettingsDialog })));

export function prefetchOverlays() {
  for (const f of Object.values(load)) void f().catch(() => {});
}

export function OverlayHost() {
  const overlay = useStore(uiStore, (s) => s.overlay);
  // Closed (the dialog is gone from the page by now): focus goes back to what opened it.
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !overlay) restoreFocus(fallbackFocus);
    wasOpen.current = overlay !== null;
  }, [overlay]);
  if (!overlay) return null;
  let content: ReactNode;
  switch (overlay.kind) {
    case "palette":
      content = <CommandPalette />;
      break;
    case "new-workspace":
      content = <NewWorkspaceDialog projectPath={overlay.projectPath} />;
      break;
    case "add-project":
      content = <AddProjectDialog />;
      break;
    case "remove-project":
      content = <RemoveProjectDialog path={overlay.path} />;
      break;
    case "rename":
    case "fork":
      content = <NameDialog key={overlay.kind} kind={overlay.kind} workspaceId={overlay.workspaceId} />;
      break;
    case "delete":
      content = <DeleteDialog workspaceId={overlay.workspaceId} />;
      break;
    case "settings":
      content = <SettingsDialog />;
      break;
    case "best-of":
      content = <BestOfDialog workspaceId={overlay.workspaceId} prompt={overlay.prompt} settings={overlay.settings} />;
      break;
    case "compare":
      content = <CompareDialog key={overlay.groupId} groupId={overlay.groupId} notes={overlay.notes} />;
      break;
  }
  return (
    // A dialog that cannot load (server gone) just closes.
    <ChunkBoundary key={overlay.kind} fallback={() => null} onError={closeOverlay}>
      <Suspense fallback={null}>{content}</Suspense>
    </ChunkBoundary>
  );
}
