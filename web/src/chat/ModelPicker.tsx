import { useEffect, useMemo, useRef, useState } from "react";
import type { z } from "zod";
import type { ModelOptionSchema } from "../../../src/api/schemas";
import { call } from "../api/client";
import { Chevron } from "./ui";

export type ModelOption = z.infer<typeof ModelOptionSchema>;

let cached: ModelOption[] | null = null;
let inflight: Promise<ModelOption[]> | null = null;

/** `providers.models`, shared by every composer; refreshed each time a picker opens. */
function fetchModels(): Promise<ModelOption[]> {
  inflight ??= call((api) => api.providers.models())
    .then((list) => (cached = list))
    .finally(() => (inflight = null));
  return inflight;
}

function useModels(open: boolean): ModelOption[] {
  const [models, setModels] = useState<ModelOption[]>(() => cached ?? []);
  useEffect(() => {
    if (!open && cached) return;
    let live = true;
    fetchModels().then(
      (m) => live && setModels(m),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [open]);
  return models;
}

const matches = (m: ModelOption, q: string) => !q || m.id.toLowerCase().includes(q) || m.aliases.some((a) => a.toLowerCase().includes(q));

/**
 * Model combobox: the known models (provider:model ids with their aliases; providers without
 * a key are marked), filterable, and any free text (`provider:model`) for unlisted models.
 */
export function ModelPicker({ value, onChange }: { value: string | undefined; onChange: (model: string) => void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const models = useModels(open);
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);

  const q = query.trim().toLowerCase();
  const filtered = useMemo(() => models.filter((m) => matches(m, q)), [models, q]);
  const exact = models.some((m) => m.id.toLowerCase() === q || m.aliases.some((a) => a.toLowerCase() === q));
  // Matches first (Enter picks the best one); typed text last, for models the server does not list.
  const options = [...filtered.map((m) => ({ model: m })), ...(q && !exact ? [{ free: query.trim() }] : [])];
  const current = models.find((m) => m.id === value || m.aliases.includes(value ?? ""));

  useEffect(() => {
    if (!open) return;
    input.current?.focus();
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  const choose = (model: string) => {
    onChange(model);
    setOpen(false);
    setQuery("");
  };

  return (
    <div ref={root} className="relative min-w-0">
      <button
        type="button"
        data-testid="model-picker"
        className="btn btn-ghost max-w-[14rem] min-w-0 px-1.5 text-fg"
        aria-haspopup="listbox"
        aria-expanded={open}
        title={value ?? "Default model"}
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
        <span className="truncate font-mono text-[12px]">{value ?? "default model"}</span>
        <Chevron open={open} />
      </button>
      {open && (
        <div
          className="absolute bottom-full left-0 z-30 mb-1 w-[min(24rem,calc(100vw-1.5rem))] overflow-hidden rounded-md border border-line bg-panel shadow-xl"
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setOpen(false);
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
            aria-expanded="true"
            aria-controls="mux-model-list"
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
          <ul id="mux-model-list" role="listbox" className="max-h-72 overflow-y-auto py-1">
            {options.map((o, i) => {
              const id = "free" in o ? o.free : o.model.id;
              return (
                <li
                  key={"free" in o ? "\u0000free" : id}
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
                      {o.model.id === value && <span className="text-accent">✓</span>}
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
