import type { EditorView } from "../../../src/api/editor";
import type { EditorSetting } from "../../../src/workspace/editorLink";
import { call } from "../api/client";
import { createStore } from "../state/store";

/** The server's editor setting for "Open in editor" links; null until asked. */
export const editorStore = createStore<EditorView | null>(null);

let asked = false;
/** Asks the server once (again after a failure). */
export function loadEditor(): void {
  if (asked) return;
  asked = true;
  call((api) => api.editor.get()).then(
    (view) => editorStore.set(view),
    () => {
      asked = false;
    },
  );
}

export async function saveEditor(setting: EditorSetting): Promise<void> {
  editorStore.set(await call((api) => api.editor.set({ setting })));
}
