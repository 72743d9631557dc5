import { useEffect } from "react";
import { ExternalIcon } from "../app/icons";
import { DEFAULT_EDITOR, editorLink } from "../../../src/workspace/editorLink";
import type { WorkspaceSummary } from "../state/types";
import { useStore } from "../state/store";
import { editorStore, loadEditor } from "./store";

const NAMES: Record<string, string> = { vscode: "VS Code", cursor: "Cursor" };

/** The header's link that opens the workspace's folder in the user's editor (none when set so). */
export function OpenInEditor({ workspace }: { workspace: WorkspaceSummary }) {
  const view = useStore(editorStore, (s) => s);
  useEffect(loadEditor, []);
  const setting = view?.setting ?? DEFAULT_EDITOR;
  const url = editorLink(setting, workspace, view?.serverHost ?? null);
  if (!url) return null;
  const name = NAMES[setting] ?? "your editor";
  return (
    <a
      href={url}
      className="btn btn-ghost px-1.5"
      data-testid="open-in-editor"
      aria-label={`Open in ${name}`}
      title={`Open this workspace's folder in ${name} (Settings → Editor)`}
    >
      <ExternalIcon /> <span className="max-lg:hidden">{NAMES[setting] ?? "Editor"}</span>
    </a>
  );
}
