import { useEffect, useState } from "react";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";

type CoderList = Awaited<ReturnType<typeof listCoder>>;
const listCoder = () => call((api) => api.workspaces.coderList());

export interface CoderPick {
  /** A new Coder workspace from this template… */
  template?: string;
  /** …or this existing one. */
  workspace?: string;
}

/**
 * The Coder part of the new-workspace dialog: a template for a new Coder workspace, or one of the
 * user's existing Coder workspaces (as `coder list` on the server's machine shows them).
 */
export function CoderFields({ value, onChange }: { value: CoderPick; onChange: (v: CoderPick) => void }) {
  const existing = value.workspace !== undefined;
  const [list, setList] = useState<CoderList | null>(null);

  useEffect(() => {
    let live = true;
    listCoder()
      .then((r) => live && setList(r))
      .catch((e) => live && setList({ workspaces: [], error: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, []);

  // Picked before the list arrived: the first one, as the select shows it.
  const first = list?.workspaces[0]?.name;
  useEffect(() => {
    if (existing && !value.workspace && first) onChange({ workspace: first });
  }, [existing, value.workspace, first, onChange]);

  return (
    <div className="space-y-2" data-testid="coder-fields">
      <div className="flex gap-3 text-[12px]" role="radiogroup">
        <label className="flex items-center gap-1">
          <input type="radio" name="coder-mode" data-testid="coder-new" checked={!existing} onChange={() => onChange({ template: "" })} />
          New from a template
        </label>
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name="coder-mode"
            data-testid="coder-existing"
            checked={existing}
            onChange={() => onChange({ workspace: list?.workspaces[0]?.name ?? "" })}
          />
          An existing Coder workspace
        </label>
      </div>
      {existing ? (
        <div>
          <label className="label" htmlFor="nw-coder-ws">
            Coder workspace
          </label>
          <select
            id="nw-coder-ws"
            className="input font-mono"
            data-testid="new-workspace-coder-workspace"
            value={value.workspace}
            disabled={!list?.workspaces.length}
            onChange={(e) => onChange({ workspace: e.target.value })}
          >
            {!list && <option value="">Asking coder list…</option>}
            {list && !list.workspaces.length && <option value="">No Coder workspaces</option>}
            {list?.workspaces.map((w) => (
              <option key={w.name} value={w.name}>
                {w.name} — {w.template} ({w.status})
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div>
          <label className="label" htmlFor="nw-coder-template">
            Template
          </label>
          <input
            id="nw-coder-template"
            className="input font-mono"
            data-testid="new-workspace-coder-template"
            value={value.template ?? ""}
            placeholder="a template of your Coder deployment, e.g. docker"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => onChange({ template: e.target.value })}
          />
        </div>
      )}
      {list?.error && (
        <p className="text-[12px] text-warn" data-testid="coder-error">
          {list.error}
        </p>
      )}
    </div>
  );
}
