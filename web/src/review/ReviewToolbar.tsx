import { memo, useEffect, useState } from "react";
import type { ReviewBase } from "../../../src/api/review";
import { call } from "../api/client";
import { REVIEW_KEYS } from "./actions";

interface Props {
  workspaceId: string;
  base: ReviewBase;
  onBase: (b: ReviewBase) => void;
  untracked: boolean;
  onUntracked: (v: boolean) => void;
  filter: string;
  onFilter: (v: string) => void;
  baseLabel?: string;
  totals: { hunks: number; reviewed: number; files: number };
  split: boolean;
  onSplit: () => void;
  /** On a narrow pane the file tree is a view of its own. */
  treeToggle?: { open: boolean; toggle: () => void };
}

const encode = (b: ReviewBase) => (b.type === "ref" ? `ref:${b.ref}` : b.type);
const decode = (v: string): ReviewBase => (v.startsWith("ref:") ? { type: "ref", ref: v.slice(4) } : v === "head" ? { type: "head" } : { type: "trunk" });

/** Base picker, untracked toggle, path filter, review counter, unified/side-by-side. */
export const ReviewToolbar = memo(function ReviewToolbar(p: Props) {
  const [branches, setBranches] = useState<string[]>([]);
  const [trunk, setTrunk] = useState<string | null>(null);
  // A moment after the diff: while the pane opens, the server's git work goes to the diff.
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      call((api) => api.review.branches({ workspaceId: p.workspaceId }))
        .then((b) => {
          if (!live) return;
          setBranches(b.branches);
          setTrunk(b.trunk);
        })
        .catch(() => {});
    }, 800);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [p.workspaceId]);
  const keys = Object.entries(REVIEW_KEYS)
    .map(([c, k]) => `${k}: ${c.replace(/-/g, " ")}`)
    .join(" · ");
  return (
    <div className="flex shrink-0 flex-wrap items-center gap-x-2 gap-y-1 border-b border-line px-2 py-1 text-[12px]" data-testid="review-toolbar">
      <select
        data-testid="review-base"
        aria-label="Compare with"
        className="max-w-48 rounded border border-line bg-bg px-1 py-0.5"
        value={encode(p.base)}
        title={p.baseLabel}
        onChange={(e) => p.onBase(decode(e.target.value))}
      >
        <option value="trunk">Base: {trunk ?? "trunk"} (merge-base)</option>
        <option value="head">Uncommitted only (HEAD)</option>
        {branches
          .filter((b) => b !== trunk)
          .map((b) => (
            <option key={b} value={`ref:${b}`}>
              Base: {b}
            </option>
          ))}
      </select>
      <label className="inline-flex items-center gap-1 text-muted">
        <input type="checkbox" data-testid="review-untracked" checked={p.untracked} onChange={(e) => p.onUntracked(e.target.checked)} />
        Untracked
      </label>
      <input
        data-testid="review-filter"
        aria-label="Filter files"
        placeholder="Filter files…"
        className="w-36 min-w-0 flex-1 rounded border border-line bg-bg px-1.5 py-0.5 outline-none focus:border-accent"
        value={p.filter}
        onChange={(e) => p.onFilter(e.target.value)}
      />
      <span className="text-muted tabular-nums" data-testid="review-counter" title={keys}>
        {p.totals.reviewed} of {p.totals.hunks} hunks reviewed
      </span>
      <button type="button" className="btn btn-ghost px-1.5 py-0.5" data-testid="review-split" aria-pressed={p.split} onClick={p.onSplit}>
        {p.split ? "Unified" : "Side by side"}
      </button>
      {p.treeToggle && (
        <button
          type="button"
          className="btn btn-ghost px-1.5 py-0.5"
          data-testid="review-tree-toggle"
          aria-pressed={p.treeToggle.open}
          onClick={p.treeToggle.toggle}
        >
          Files ({p.totals.files})
        </button>
      )}
    </div>
  );
});
