import { useEffect, useState } from "react";
import { templateProblem } from "../../../src/workspace/editorLink";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { editorStore, loadEditor, saveEditor } from "./store";

const CHOICES = [
  { value: "vscode", label: "VS Code" },
  { value: "cursor", label: "Cursor" },
  { value: "none", label: "None (no link)" },
  { value: "custom", label: "Other: a URL template" },
];

/** Settings → which editor the workspaces' "Open in editor" links open (saved in config.json). */
export function EditorSettings() {
  const view = useStore(editorStore, (s) => s);
  useEffect(loadEditor, []);
  const current = view?.setting;
  const named = current === undefined || ["vscode", "cursor", "none"].includes(current);
  const [custom, setCustom] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choice = custom !== null || !named ? "custom" : current;
  const template = custom ?? (named ? "" : current);

  const save = async (setting: string) => {
    setError(null);
    try {
      await saveEditor(setting);
      setCustom(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section
      aria-label="Editor"
      data-testid="editor-settings"
      className="flex shrink-0 flex-wrap items-center gap-2 border-t border-line px-4 py-2 text-[12px]"
    >
      <label htmlFor="editor-choice" className="text-muted">
        Open in editor
      </label>
      <select
        id="editor-choice"
        data-testid="editor-choice"
        className="input w-auto py-0.5"
        value={choice ?? "vscode"}
        disabled={!view}
        onChange={(e) => {
          if (e.target.value === "custom") setCustom(template || "zed://ssh/{host}{path}");
          else void save(e.target.value);
        }}
      >
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {choice === "custom" && (
        <form
          className="flex min-w-0 flex-1 gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const problem = templateProblem(template.trim());
            if (problem) setError(problem);
            else void save(template.trim());
          }}
        >
          <input
            aria-label="Editor URL template"
            data-testid="editor-template"
            className="input min-w-0 flex-1 py-0.5 font-mono"
            value={template}
            placeholder="zed://ssh/{host}{path}"
            onChange={(e) => setCustom(e.target.value)}
          />
          <button type="submit" className="btn py-0.5" data-testid="editor-template-save" disabled={custom === null}>
            Save
          </button>
        </form>
      )}
      {error && (
        <span role="alert" className="w-full text-err">
          {error}
        </span>
      )}
    </section>
  );
}
