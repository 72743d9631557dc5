import { useEffect, useId, useMemo, useRef, useState } from "react";
import { loadModelChoices, type ModelOption, modelChoicesStore } from "../state/models";
import { useStore } from "../state/store";
import { Chevron } from "./ui";

export type { ModelOption };

const matches = (m: ModelOption, q: string) => !q || m.id.toLowerCase().includes(q) || m.aliases.some((a) => a.toLowerCase().includes(q));

/**
 * Model combobox: the known models (provider:model ids with their aliases; providers without
 * a key are marked), filterable, and any free text (`provider:model`) for unlisted models.
 */
export function ModelPicker({ value, onChange }: { value: string | undefined; onChange: (model: string) => void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const choices = useStore(modelChoicesStore, (s) => s);
  const models = choices?.models ?? [];
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();

  // Known on first paint (the model that will answer is named, not "default"); fresh on each open.
  useEffect(() => {
    if (open || !modelChoicesStore.get()) void loadModelChoices();
  }, [open]);

  const q = query.trim().toLowerCase();
  const filtered = useMemo(() => models.filter((m) => matches(m, q)), [models, q]);
  const exact = models.some((m) => m.id.toLowerCase() === q || m.aliases.some((a) => a.toLowerCase() === q));
  // Matches first (Enter picks the best one); typed text last, for models the server does not list.
  const options = [...filtered.map((m) => ({ model: m })), ...(q && !exact ? [{ free: query.trim() }] : [])];
  // With no model of its own, the workspace's turns go to the server's default: name it.
  const shown = value ?? choices?.defaultModel;
  const current = models.find((m) => m.id === shown || m.aliases.includes(shown ?? ""));
  const optionId = (i: number) => `${listId}-${i}`;

  /** Closes the list; focus goes back to the button that opened it (not after an outside click). */
  const close = (refocus: boolean) => {
    setOpen(false);
    setQuery("");
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    input.current?.focus();
    const onDown = (e: PointerEvent) => {
      if (root.current?.contains(e.target as Node)) return;
      setOpen(false);
      setQuery("");
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  // Arrow keys move the active option: keep it in sight.
  useEffect(() => {
    if (open) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
  }, [open, active]);

  const choose = (model: string) => {
    onChange(model);
    close(true);
  };

  return (
    <div ref={root} className="relative min-w-0">
      <button
        ref={button}
        type="button"
        data-testid="model-picker"
        className="btn btn-ghost max-w-[14rem] min-w-0 px-1.5 text-fg sm:max-w-[20rem]"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`Model: ${shown ?? "loading"}`}
        title={value ? value : shown ? `${shown} (the default: this workspace has no model picked)` : undefined}
        onClick={() => {
          setOpen(!open);
          setActive(0);
        }}
      >
        {current && !current.ready && (
          <span className="text-warn" title="provider not configured">
            ●
          </span>
        )}
        <span className="truncate font-mono text-[12px]">{shown ?? "…"}</span>
        <Chevron open={open} />
      </button>
      {open && (
        <div
          className="absolute bottom-full left-0 z-30 mb-1 w-[min(24rem,calc(100vw-1.5rem))] overflow-hidden rounded-md border border-line bg-panel shadow-xl"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              close(true);
            }
          }}
        >
          <input
            ref={input}
            data-testid="model-picker-input"
            className="input rounded-none border-0 border-b border-line"
            placeholder="Search, or type provider:model"
            value={query}
            role="combobox"
            aria-label="Model"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={options[active] ? optionId(active) : undefined}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                e.preventDefault();
                const n = options.length || 1;
                setActive((a) => (a + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
              } else if (e.key === "Enter") {
                e.preventDefault();
                const o = options[active];
                if (o) choose("free" in o ? o.free : o.model.id);
              }
            }}
          />
          <ul id={listId} role="listbox" aria-label="Models" className="max-h-72 overflow-y-auto py-1">
            {options.map((o, i) => {
              const id = "free" in o ? o.free : o.model.id;
              return (
                <li
                  key={"free" in o ? "\u0000free" : id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === active}
                  data-testid={`model-option-${id}`}
                  className={`flex cursor-pointer items-center gap-2 px-2.5 py-1 ${i === active ? "bg-hover" : ""} ${"model" in o && !o.model.ready ? "opacity-60" : ""}`}
                  onPointerEnter={() => setActive(i)}
                  onClick={() => choose(id)}
                >
                  {"free" in o ? (
                    <span className="truncate">
                      Use <span className="font-mono">{o.free}</span>
                    </span>
                  ) : (
                    <>
                      <span className="min-w-0 truncate font-mono text-[12px]">{o.model.id}</span>
                      {o.model.aliases.length > 0 && <span className="truncate text-[11px] text-muted">{o.model.aliases.join(", ")}</span>}
                      <span className="flex-1" />
                      {!o.model.ready && <span className="badge text-warn">no key</span>}
                      {o.model.id === current?.id && <span className="text-accent">✓</span>}
                    </>
                  )}
                </li>
              );
            })}
            {options.length === 0 && <li className="px-2.5 py-1 text-muted">{models.length ? "No match" : "Loading models…"}</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
