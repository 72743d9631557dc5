import { useStore } from "../state/store";
import { terminalPanelStore, toggleTerminalPanel } from "./store";

/** The workspace header's toggle for the terminal panel. */
export function TerminalButton() {
  const open = useStore(terminalPanelStore, (s) => s.open);
  return (
    <button
      type="button"
      className={`btn btn-ghost px-1.5 font-mono ${open ? "bg-hover text-fg" : ""}`}
      data-testid="terminal-button"
      aria-pressed={open}
      aria-label="Terminal"
      title="Terminal: a shell in this workspace"
      onClick={() => toggleTerminalPanel()}
    >
      &gt;_ <span className="max-sm:hidden font-sans">Terminal</span>
    </button>
  );
}
