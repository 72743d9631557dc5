import { useEffect, useState } from "react";
import { call } from "../api/client";
import { parseCoderParameters } from "../../../src/workspace/coderParameters";
import { errorMessage } from "../state/errors";
import type { RuntimeChoice } from "../state/types";

type CoderList = Awaited<ReturnType<typeof listCoder>>;
const listCoder = () => call((api) => api.workspaces.coderList());

export interface CoderPick {
  /** A new Coder workspace from this template… */
  template?: string;
  /** …or this existing one. */
  workspace?: string;
  /** A new one's preset of the template, and its parameters as typed (NAME=VALUE per line). */
  preset?: string;
  parameters?: string;
}

/** What the dialog asks the server for, or what is wrong with the fields. */
export function coderChoice(pick: CoderPick): RuntimeChoice | { error: string } {
  if (pick.workspace) return { type: "coder", workspace: pick.workspace };
  const template = pick.template?.trim();
  if (!template) return { error: "Enter a Coder template, or pick a Coder workspace." };
  const lines = (pick.parameters ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const parsed = parseCoderParameters(lines);
  if ("error" in parsed) return { error: `Parameters: ${parsed.error}.` };
  const preset = pick.preset?.trim();
  return {
    type: "coder",
    template,
    ...(preset && { preset }),
    ...(lines.length > 0 && { parameters: parsed.parameters }),
  };
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
            onChange={(e) => onChange({ ...value, template: e.target.value })}
          />
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            <div>
              <label className="label" htmlFor="nw-coder-preset">
                Preset <span className="text-muted">(optional)</span>
              </label>
              <input
                id="nw-coder-preset"
                className="input font-mono"
                data-testid="new-workspace-coder-preset"
                value={value.preset ?? ""}
                placeholder="one of the template's presets"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange({ ...value, preset: e.target.value })}
              />
            </div>
            <div>
              <label className="label" htmlFor="nw-coder-parameters">
                Parameters <span className="text-muted">(one per line)</span>
              </label>
              <textarea
                id="nw-coder-parameters"
                className="input font-mono"
                data-testid="new-workspace-coder-parameters"
                rows={2}
                value={value.parameters ?? ""}
                placeholder="NAME=VALUE"
                spellCheck={false}
                onChange={(e) => onChange({ ...value, parameters: e.target.value })}
              />
            </div>
          </div>
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
