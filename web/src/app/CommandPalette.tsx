import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Modal } from "../dialogs/Modal";
import { useStore } from "../state/store";
import { closeOverlay } from "../state/ui";
import { scriptsStore } from "../terminal/scripts";
import { buildActions, type Action } from "./actions";
import { fuzzyFilter } from "./fuzzy";

export function CommandPalette() {
  // Rebuilt when the workspace's scripts arrive (they are listed when it is shown).
  const scripts = useStore(scriptsStore, (s) => s);
  const actions = useMemo(() => buildActions(scripts), [scripts]);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const shown = useMemo(() => fuzzyFilter(query, actions, (a) => `${a.label} ${a.hint ?? ""}`), [query, actions]);
  const current = Math.min(active, shown.length - 1);

  const run = (action: Action | undefined) => {
    if (!action) return;
    closeOverlay();
    // After the dialog closed and focus went back, so actions can open dialogs or move focus.
    setTimeout(action.run, 0);
  };

  const onKey = (e: KeyboardEvent) => {
    const step = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0;
    if (step && shown.length) {
      e.preventDefault();
      const next = (current + step + shown.length) % shown.length;
      setActive(next);
      list.current?.children[next]?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter") {
      e.preventDefault();
      run(shown[current]);
    }
  };

  const optionId = (a: Action) => `palette-${a.id}`;
  return (
    <Modal title="Command palette" testId="command-palette" onClose={closeOverlay} size="md" bare>
      <input
        className="w-full shrink-0 border-b border-line bg-transparent px-4 py-3 text-sm outline-none placeholder:text-muted"
        data-testid="command-palette-input"
        placeholder="Type a command or a workspace name…"
        data-autofocus
        value={query}
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-label="Command"
        aria-activedescendant={shown[current] ? optionId(shown[current]) : undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKey}
      />
      <ul id="palette-list" ref={list} role="listbox" aria-label="Commands" className="min-h-0 flex-1 overflow-y-auto py-1 sm:max-h-[50vh]">
        {shown.map((a, i) => (
          <li
            key={a.id}
            id={optionId(a)}
            role="option"
            aria-selected={i === current}
            data-testid={`command-item-${a.id}`}
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => run(a)}
            className={`flex cursor-pointer items-center gap-3 px-4 py-1.5 ${i === current ? "bg-hover" : ""}`}
          >
            <span className="min-w-0 flex-1 truncate">{a.label}</span>
            {a.hint && <span className="shrink-0 truncate text-[11px] text-muted">{a.hint}</span>}
          </li>
        ))}
        {shown.length === 0 && <li className="px-4 py-2 text-muted">No matching command</li>}
      </ul>
    </Modal>
  );
}
