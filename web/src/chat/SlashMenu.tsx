import type { SlashCommandSpec } from "../../../src/session/slashCommands";

/**
 * The slash-command popup above the composer: the commands the draft could become, the chosen one
 * highlighted (the composer handles the keys: arrows, Enter/Tab to pick, Esc to close).
 */
export function SlashMenu({ commands, selected, onPick }: { commands: readonly SlashCommandSpec[]; selected: number; onPick: (c: SlashCommandSpec) => void }) {
  return (
    <div
      role="listbox"
      id="slash-menu"
      aria-label="Slash commands"
      data-testid="slash-menu"
      className="absolute inset-x-0 bottom-full mb-1 max-h-[40vh] overflow-y-auto rounded-lg border border-line bg-elev py-1 shadow-lg"
    >
      {commands.map((c, i) => (
        <div
          key={c.name}
          id={`slash-option-${c.name}`}
          role="option"
          aria-selected={i === selected}
          data-testid="slash-option"
          data-name={c.name}
          className={`cursor-pointer px-3 py-1.5 text-[13px] ${i === selected ? "bg-hover" : ""}`}
          // Keep the caret in the composer.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(c)}
        >
          <span className="font-mono text-fg">/{c.name}</span>
          {c.args && <span className="ml-1 font-mono text-muted">{c.args}</span>}
          <div className="truncate text-[12px] text-muted">{c.description}</div>
        </div>
      ))}
    </div>
  );
}
