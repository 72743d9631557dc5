import type { ISearchOptions, SearchAddon } from "@xterm/addon-search";
import { useEffect, useRef, useState } from "react";
import { CloseIcon } from "../app/icons";

const DECORATIONS: ISearchOptions["decorations"] = {
  matchBackground: "#5c4b00",
  matchOverviewRuler: "#a08a2a",
  activeMatchBackground: "#d79921",
  activeMatchColorOverviewRuler: "#ffd866",
};

/**
 * Find in the terminal's scrollback, as you type: Enter (or ↓) goes to the next match, Shift+Enter
 * (or ↑) to the previous one; Escape closes the bar and gives the keys back to the shell.
 */
export function FindBar({ search, close }: { search: SearchAddon; close: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);

  useEffect(() => {
    input.current?.focus();
    const sub = search.onDidChangeResults(({ resultIndex, resultCount }) => setResults({ index: resultIndex, count: resultCount }));
    return () => {
      sub.dispose();
      search.clearDecorations();
    };
  }, [search]);

  const options = (incremental: boolean): ISearchOptions => ({ caseSensitive, incremental, decorations: DECORATIONS });
  const find = (q: string, backwards = false, incremental = false) => {
    if (!q) {
      search.clearDecorations();
      setResults(null);
      return;
    }
    if (backwards) search.findPrevious(q, options(false));
    else search.findNext(q, options(incremental));
  };

  return (
    <div
      role="search"
      className="absolute top-1 right-2 z-10 flex items-center gap-1 rounded border border-line bg-panel px-1 py-0.5 text-xs shadow-lg"
      data-testid="terminal-find"
    >
      <input
        ref={input}
        type="search"
        aria-label="Find in terminal"
        placeholder="Find"
        data-testid="terminal-find-input"
        className="w-40 bg-transparent px-1 py-0.5 outline-none max-sm:w-28"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          find(e.target.value, false, true);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            find(query, e.shiftKey || e.key === "ArrowUp");
          } else if (e.key === "Escape") {
            // Not the panel's Escape (which closes the panel): only this bar closes.
            e.preventDefault();
            close();
          }
        }}
      />
      <span className="min-w-12 text-center text-muted tabular-nums" data-testid="terminal-find-count" aria-live="polite">
        {results && query ? (results.count ? `${results.index + 1} of ${results.count}` : "no match") : ""}
      </span>
      <button
        type="button"
        className={`btn btn-ghost px-1 py-0 ${caseSensitive ? "bg-hover text-fg" : "text-muted"}`}
        aria-pressed={caseSensitive}
        title="Match case"
        onClick={() => {
          setCaseSensitive(!caseSensitive);
          input.current?.focus();
        }}
      >
        Aa
      </button>
      <button
        type="button"
        className="btn btn-ghost px-1 py-0"
        title="Previous match (Shift+Enter)"
        aria-label="Previous match"
        onClick={() => find(query, true)}
      >
        ↑
      </button>
      <button
        type="button"
        className="btn btn-ghost px-1 py-0"
        title="Next match (Enter)"
        aria-label="Next match"
        data-testid="terminal-find-next"
        onClick={() => find(query)}
      >
        ↓
      </button>
      <button type="button" className="icon-btn" aria-label="Close find" onClick={close}>
        <CloseIcon />
      </button>
    </div>
  );
}
