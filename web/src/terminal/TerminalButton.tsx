import { keyLabel } from "../app/keys";
import { togglePanel } from "../state/ui";

/** The workspace header's button for the panel's Terminal tab. */
export function TerminalButton({ open }: { open: boolean }) {
  return (
    <button
      type="button"
      className={`btn btn-ghost px-1.5 font-mono ${open ? "bg-hover text-fg" : ""}`}
      data-testid="terminal-button"
      aria-pressed={open}
      aria-label="Terminal"
      title={`Terminal: a shell in this workspace (${keyLabel("`")})`}
      onClick={() => togglePanel("terminal")}
    >
      &gt;_ <span className="max-sm:hidden font-sans">Terminal</span>
    </button>
  );
}
