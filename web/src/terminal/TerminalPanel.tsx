import { useCallback, useEffect, useState } from "react";
import type { TerminalInfo } from "../../../src/api/terminal";
import { call } from "../api/client";
import { CloseIcon } from "../app/icons";
import { errorMessage } from "../state/errors";
import { useStore } from "../state/store";
import { showTerminal, terminalPanelStore, toggleTerminalPanel } from "./store";
import { TerminalView } from "./TerminalView";

/**
 * A workspace's terminals: a tab per terminal (double-click renames), + for a new one, × closes
 * the shown one. Opening the panel on a workspace with none starts one.
 */
export function TerminalPanel({ workspaceId }: { workspaceId: string }) {
  const [terminals, setTerminals] = useState<TerminalInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = useStore(terminalPanelStore, (s) => s.active[workspaceId]);

  const create = useCallback(async () => {
    try {
      const t = await call((api) => api.terminal.create({ workspaceId, cols: 80, rows: 24 }));
      setTerminals((all) => [...(all ?? []), t]);
      showTerminal(workspaceId, t.id);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [workspaceId]);

  useEffect(() => {
    let live = true;
    setTerminals(null);
    call((api) => api.terminal.list({ workspaceId }))
      .then((list) => {
        if (!live) return;
        setTerminals(list);
        if (!list.length) void create();
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [workspaceId, create]);

  const shown = terminals?.find((t) => t.id === active) ?? terminals?.[0];

  const close = async (t: TerminalInfo) => {
    try {
      await call((api) => api.terminal.close({ terminalId: t.id }));
    } catch (e) {
      setError(errorMessage(e));
    }
    setTerminals((all) => (all ?? []).filter((x) => x.id !== t.id));
  };

  const rename = async (t: TerminalInfo) => {
    const name = window.prompt("Terminal name", t.name)?.trim();
    if (!name || name === t.name) return;
    try {
      const renamed = await call((api) => api.terminal.rename({ terminalId: t.id, name }));
      setTerminals((all) => (all ?? []).map((x) => (x.id === t.id ? renamed : x)));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section data-testid="terminal-panel" aria-label="Terminal" className="flex min-h-0 flex-col border-t border-line bg-bg max-md:flex-1 md:h-[45%]">
      <div className="flex h-8 shrink-0 items-center gap-1 overflow-x-auto px-2 text-xs" role="tablist">
        {terminals?.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === shown?.id}
            data-testid="terminal-tab"
            className={`btn btn-ghost px-2 py-0.5 ${t.id === shown?.id ? "bg-hover text-fg" : "text-muted"}`}
            title="Double-click to rename"
            onClick={() => showTerminal(workspaceId, t.id)}
            onDoubleClick={() => void rename(t)}
          >
            {t.name}
            {t.exit ? " (exited)" : ""}
          </button>
        ))}
        <button
          type="button"
          className="btn btn-ghost px-2 py-0.5"
          data-testid="terminal-new"
          aria-label="New terminal"
          title="New terminal"
          onClick={() => void create()}
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
          <button
            type="button"
            className="btn btn-ghost px-2 py-0.5"
            data-testid="terminal-close"
            title="Close this terminal (ends its shell)"
            onClick={() => void close(shown)}
          >
            Close
          </button>
        )}
        <button type="button" className="icon-btn" aria-label="Hide terminal panel" data-testid="terminal-hide" onClick={() => toggleTerminalPanel(false)}>
          <CloseIcon />
        </button>
      </div>
      {terminals?.map((t) => (
        <TerminalView key={t.id} terminalId={t.id} active={t.id === shown?.id} />
      ))}
    </section>
  );
}
