import { useEffect, useState } from "react";
import { useStore } from "../state/store";
import { loadScripts, scriptsStore } from "./scripts";
import { closeTerminal, createTerminal, loadTerminals, renameTerminal, showTerminal, terminalExited, terminalsStore } from "./store";
import { TerminalView } from "./TerminalView";

/**
 * The panel's Terminal tab: a tab per terminal of the workspace (double-click renames), + for a
 * new one, Close ends the shown one; the project's scripts below, one click each. Opening it on a
 * workspace with no terminal starts one. Shells run on the server, so leaving the tab (or the
 * workspace) and coming back reattaches to them and replays their recent output.
 */
export function TerminalPanel({ workspaceId }: { workspaceId: string }) {
  const terminals = useStore(terminalsStore, (s) => s.byWorkspace[workspaceId]);
  const active = useStore(terminalsStore, (s) => s.active[workspaceId]);
  const error = useStore(terminalsStore, (s) => s.error);
  const scripts = useStore(scriptsStore, (s) => s[workspaceId]);
  const [findRequests, setFindRequests] = useState(0);

  useEffect(() => {
    void loadTerminals(workspaceId);
    void loadScripts(workspaceId);
  }, [workspaceId]);

  const shown = terminals?.find((t) => t.id === active) ?? terminals?.[0];

  const rename = (id: string, was: string) => {
    const name = window.prompt("Terminal name", was)?.trim();
    if (name && name !== was) void renameTerminal(workspaceId, id, name);
  };

  return (
    <section data-testid="terminal-panel" aria-label="Terminals" className="flex min-h-0 flex-1 flex-col bg-bg">
      <div className="flex h-8 shrink-0 items-center gap-1 overflow-x-auto border-b border-line px-2 text-xs" role="tablist" aria-label="Terminals">
        {terminals?.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === shown?.id}
            data-testid="terminal-tab"
            className={`btn btn-ghost shrink-0 px-2 py-0.5 ${t.id === shown?.id ? "bg-hover text-fg" : "text-muted"}`}
            title="Double-click to rename"
            onClick={() => showTerminal(workspaceId, t.id)}
            onDoubleClick={() => rename(t.id, t.name)}
          >
            {t.name}
            {t.exit ? " (exited)" : ""}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-ghost shrink-0 px-2 py-0.5"
          data-testid="terminal-new"
          aria-label="New terminal"
          title="New terminal (Ctrl+Shift+`)"
          onClick={() => void createTerminal(workspaceId)}
        >
          +
        </button>
        <span className="flex-1" />
        {error && (
          <span role="alert" className="truncate text-err" title={error}>
            {error}
          </span>
        )}
        {shown && (
          <>
            <button
              type="button"
              className="btn btn-ghost shrink-0 px-2 py-0.5"
              data-testid="terminal-find-button"
              title="Find in the terminal's output (Ctrl+Shift+F)"
              onClick={() => setFindRequests((n) => n + 1)}
            >
              Find
            </button>
            <button
              type="button"
              className="btn btn-ghost shrink-0 px-2 py-0.5"
              data-testid="terminal-rename"
              title="Rename this terminal"
              onClick={() => rename(shown.id, shown.name)}
            >
              Rename
            </button>
            <button
              type="button"
              className="btn btn-ghost shrink-0 px-2 py-0.5"
              data-testid="terminal-close-shown"
              title="Close this terminal (ends its shell)"
              onClick={() => void closeTerminal(workspaceId, shown.id)}
            >
              Close
            </button>
          </>
        )}
      </div>
      {scripts && scripts.length > 0 && (
        <div className="flex h-8 shrink-0 items-center gap-1 overflow-x-auto border-b border-line px-2 text-xs" data-testid="terminal-scripts">
          <span className="shrink-0 text-muted">Scripts</span>
          {scripts.map((name) => (
            <button
              key={name}
              type="button"
              className="btn shrink-0 px-2 py-0.5 font-mono"
              data-testid={`script-${name}`}
              title={`Run .mux/scripts/${name} in a new terminal`}
              onClick={() => void createTerminal(workspaceId, name)}
            >
              ▶ {name}
            </button>
          ))}
        </div>
      )}
      {terminals?.map((t) => (
        <TerminalView
          key={t.id}
          terminalId={t.id}
          active={t.id === shown?.id}
          findRequests={findRequests}
          onExit={(exit) => terminalExited(workspaceId, t.id, exit)}
        />
      ))}
    </section>
  );
}
