import { useVirtualizer } from "@tanstack/react-virtual";
import { type CSSProperties, type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ReviewBase, ReviewFile, ReviewHunk } from "../../../src/api/review";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import type { ReviewCommand } from "./actions";
import { CommentEditor } from "./CommentEditor";
import { DiffRow, type RowActions } from "./DiffRows";
import { FileTree } from "./FileTree";
import { ReviewToolbar } from "./ReviewToolbar";
import { buildRows, type Expansion, type Row, rowHeight, splitFileLines } from "./rows";
import { commentTarget, selectedIndices } from "./selection";
import { RowSlots } from "./slots";
import { colourStamp, useHighlight } from "./useHighlight";
import { choicesOf, rememberChoices } from "./opening";
import { useOverlaps } from "./useOverlaps";
import { useReview } from "./useReview";
import { addComment } from "./comments";
import { keyCommand } from "./keys";
import { fileAt, firstLine, hunkAt, nextLine, stepTarget } from "./navigation";
import "./review.css";

/**
 * Files whose hunks are asked for below the last one in view: a few pages of scrolling, so the
 * list (and its row index) is rebuilt every few hundred lines rather than every few.
 */
const AHEAD = 30;
/** Context lines shown per "Show more". */
const STEP = 20;
/** Wider than this, hunks show side by side and the file tree sits beside the diff. */
const SPLIT_PX = 1000;
const TREE_PX = 640;

/**
 * The workspace's changes against its base, live: a file tree, then every file's hunks in one
 * virtualized list (only the rows in view exist in the page). Lines can be selected and
 * commented for the agent; hunks and files marked reviewed or reverted.
 */
export function ReviewPane({ workspaceId }: { workspaceId: string }) {
  const initial = choicesOf(workspaceId);
  const [base, setBase] = useState<ReviewBase>(initial.base);
  const [untracked, setUntracked] = useState(initial.untracked);
  useEffect(() => rememberChoices(workspaceId, { base, untracked }), [workspaceId, base, untracked]);
  const data = useReview(workspaceId, base, untracked);
  const overlaps = useOverlaps(workspaceId);
  const [filter, setFilter] = useState("");
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [expansions, setExpansions] = useState<Map<string, Expansion>>(() => new Map());
  const [confirming, setConfirming] = useState<string | null>(null);
  const [anchor, setAnchor] = useState<string | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [commenting, setCommenting] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [width, setWidth] = useState(0);
  const [splitPref, setSplitPref] = useState<boolean | null>(null);
  const [showTree, setShowTree] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);

  const [listWidth, setListWidth] = useState(0);
  useEffect(() => {
    const el = container.current;
    const list = scroller.current;
    if (!el || !list) return;
    const measure = () => {
      setWidth(el.clientWidth);
      setListWidth(list.clientWidth);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    ro.observe(list);
    measure();
    return () => ro.disconnect();
  }, []);
  const split = splitPref ?? width >= SPLIT_PX;
  const treeBeside = width >= TREE_PX;

  const files = useMemo(() => {
    const all = data.summary?.files ?? [];
    const f = filter.trim().toLowerCase();
    return f ? all.filter((x) => x.path.toLowerCase().includes(f) || x.oldPath?.toLowerCase().includes(f)) : all;
  }, [data.summary, filter]);
  const rowCache = useRef(new Map<string, { deps: unknown[]; rows: Row[] }>());
  const rows = useMemo(
    () => buildRows({ files, hunks: data.hunks, collapsed, expansions, split, cache: rowCache.current }),
    [files, data.hunks, collapsed, expansions, split],
  );
  // Built on first use only: most row lists (each page of hunks that arrives while scrolling) never need it.
  const index = useMemo(() => rowIndex(rows), [rows]);
  const anchorIdx = anchor !== null ? index(anchor) : undefined;
  const focusIdx = focusKey !== null ? index(focusKey) : undefined;
  const selection = useMemo(
    () => (anchorIdx !== undefined && focusIdx !== undefined ? new Set(selectedIndices(rows, anchorIdx, focusIdx)) : new Set<number>()),
    [rows, anchorIdx, focusIdx],
  );

  // Stable per row list: the virtualizer re-measures every row when these change.
  const estimateSize = useCallback((i: number) => rowHeight(rows[i]), [rows]);
  const getItemKey = useCallback((i: number) => rows[i].key, [rows]);
  const getScrollElement = useCallback(() => scroller.current, []);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement, estimateSize, getItemKey, overscan: 15 });
  const items = virtualizer.getVirtualItems();
  const slots = useRef(new RowSlots());
  const itemKeys = slots.current.keys(
    items.map((it) => ({ key: rows[it.index].key, recycle: rows[it.index].kind === "line" || rows[it.index].kind === "split" })),
  );

  // Files come into view: their hunks are asked for (plus a few ahead, so scrolling finds them there).
  const wantedKey = items
    .map((it) => rows[it.index])
    .filter((r) => r?.kind === "loading" || r?.kind === "file")
    .map((r) => (r.kind === "file" ? r.file.path : r.kind === "loading" ? r.path : ""))
    .join("\0");
  const { load } = data;
  const loaded = useRef(data.hunks);
  loaded.current = data.hunks;
  useEffect(() => {
    if (!wantedKey) return;
    const paths = wantedKey.split("\0");
    const last = files.findIndex((f) => f.path === paths[paths.length - 1]);
    const ahead = last >= 0 ? files.slice(last + 1, last + 1 + AHEAD).map((f) => f.path) : [];
    // In batches: asked for again only once the files just below are missing.
    const near = [...paths, ...ahead.slice(0, AHEAD / 3)].filter((p) => !collapsed.has(p));
    if (near.every((p) => loaded.current.has(p))) return;
    load([...paths, ...ahead].filter((p) => !collapsed.has(p)));
  }, [wantedKey, files, collapsed, load]);

  const visibleHunks = useMemo(() => {
    const seen = new Map<string, { path: string; hunk: ReviewHunk }>();
    for (const it of items) {
      const r = rows[it.index];
      if (!r || !("hunkIndex" in r)) continue;
      const h = data.hunks.get(r.path)?.[r.hunkIndex];
      if (h) seen.set(`${r.path}\0${r.hunkIndex}`, { path: r.path, hunk: h });
    }
    return [...seen.values()];
  }, [items, rows, data.hunks]);
  // Re-renders the pane when colours arrive; each row draws again only when its own did (colourStamp).
  useHighlight(visibleHunks, expansions, virtualizer.isScrolling);

  // A newer diff: expanded files are read again, so their context matches.
  const version = data.summary?.version;
  const expandedKey = [...expansions.keys()].join("\0");
  useEffect(() => {
    if (!version || !expandedKey) return;
    for (const path of expandedKey.split("\0")) {
      call((api) => api.review.fileText({ workspaceId, path }))
        .then((t) => setExpansions((m) => (m.has(path) ? new Map(m).set(path, { ...m.get(path)!, lines: splitFileLines(t.text) }) : m)))
        .catch(() => setExpansions((m) => new Map([...m].filter(([p]) => p !== path))));
    }
  }, [version]);

  const target = { workspaceId, base, untracked };
  const fail = (e: unknown) => setActionError(errorMessage(e));

  const markHunks = (path: string, hashes: string[], reviewed: boolean) => {
    const shown = data.hunks.has(path);
    data.setReviewed(path, new Set(hashes), reviewed);
    // A file whose hunks are not loaded (collapsed, far below) gets its counts from the server.
    call((api) => api.review.mark({ workspaceId, hashes, reviewed }))
      .then(() => shown || data.refresh())
      .catch(fail);
  };
  const markFile = async (file: ReviewFile) => {
    let list = data.hunks.get(file.path);
    if (!list) list = (await call((api) => api.review.files({ ...target, paths: [file.path] })).catch(fail))?.files[0]?.hunks;
    if (!list) return;
    const all = list.every((h) => h.reviewed);
    markHunks(
      file.path,
      list.map((h) => h.hash),
      !all,
    );
  };

  const expand = async (path: string, hunkIndex: number, where: "above" | "below", all = false, whole = false) => {
    let exp = expansions.get(path);
    if (!exp) {
      const t = await call((api) => api.review.fileText({ workspaceId, path })).catch(fail);
      if (!t) return;
      exp = { lines: splitFileLines(t.text), above: [], below: 0 };
    }
    const next = { ...exp, above: [...exp.above] };
    if (whole) {
      const n = data.hunks.get(path)?.length ?? 0;
      next.above = Array.from({ length: n }, () => Number.POSITIVE_INFINITY);
      next.below = Number.POSITIVE_INFINITY;
    } else if (where === "above") next.above[hunkIndex] = all ? Number.POSITIVE_INFINITY : (next.above[hunkIndex] ?? 0) + STEP;
    else next.below = all ? Number.POSITIVE_INFINITY : next.below + STEP;
    setExpansions((m) => new Map(m).set(path, next));
  };

  const select = useCallback(
    (key: string, extend: boolean) => {
      if (!extend || anchor === null) setAnchor(key);
      setFocusKey(key);
      container.current?.focus({ preventScroll: true });
    },
    [anchor],
  );

  const impl: Omit<RowActions, "collapsed" | "confirming" | "overlaps"> = {
    toggleCollapse: (path) =>
      setCollapsed((s) => {
        const n = new Set(s);
        if (!n.delete(path)) n.add(path);
        return n;
      }),
    markFile: (file) => void markFile(file),
    markHunk: (path, hunk) => markHunks(path, [hunk.hash], !hunk.reviewed),
    revert: (path, hunk) => {
      const key = `${path}\0${hunk ? hunk.hash : "file"}`;
      if (confirming !== key) return setConfirming(key);
      setConfirming(null);
      call((api) => api.review.revert({ ...target, path, hunk: hunk?.hash }))
        .then(() => data.refresh())
        .catch(fail);
    },
    expand: (path, i, where, all) => void expand(path, i, where, all),
    wholeFile: (path) => void expand(path, 0, "above", true, true),
    select,
  };
  const implRef = useRef(impl);
  implRef.current = impl;
  // Stable between renders (the rows are memoized): only a collapse or a pending revert changes it.
  const actions = useMemo<RowActions>(
    () => ({
      collapsed,
      confirming,
      overlaps,
      toggleCollapse: (path) => implRef.current.toggleCollapse(path),
      markFile: (file) => implRef.current.markFile(file),
      markHunk: (path, hunk) => implRef.current.markHunk(path, hunk),
      revert: (path, hunk) => implRef.current.revert(path, hunk),
      expand: (path, i, where, all) => implRef.current.expand(path, i, where, all),
      wholeFile: (path) => implRef.current.wholeFile(path),
      select: (key, extend) => implRef.current.select(key, extend),
    }),
    [collapsed, confirming, overlaps],
  );

  // ── keyboard ───────────────────────────────────────────────────────────
  const currentIndex = () => focusIdx ?? items.find((it) => it.start >= virtualizer.scrollOffset!)?.index ?? 0;
  const goTo = (rowIndex: number | null) => {
    if (rowIndex === null) return;
    virtualizer.scrollToIndex(rowIndex, { align: "start" });
    const first = firstLine(rows, rowIndex);
    if (first !== null) {
      setAnchor(rows[first].key);
      setFocusKey(rows[first].key);
    }
  };
  const run = (command: ReviewCommand) => {
    switch (command) {
      case "next-hunk":
        return goTo(stepTarget(rows, currentIndex(), "hunk", 1));
      case "previous-hunk":
        return goTo(stepTarget(rows, currentIndex(), "hunk", -1));
      case "next-file":
        return goTo(stepTarget(rows, currentIndex(), "file", 1));
      case "previous-file":
        return goTo(stepTarget(rows, currentIndex(), "file", -1));
      case "mark-hunk": {
        const h = hunkAt(rows, currentIndex());
        if (h) impl.markHunk(h.path, data.hunks.get(h.path)?.[h.hunkIndex] ?? h.hunk);
        return;
      }
      case "mark-file": {
        const f = fileAt(rows, currentIndex());
        if (f) void markFile(f);
        return;
      }
      case "comment":
        if (selection.size) setCommenting(true);
        return;
    }
  };
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const on = (e: Event) => runRef.current((e as CustomEvent<{ command: ReviewCommand }>).detail.command);
    window.addEventListener("mux:review", on);
    return () => window.removeEventListener("mux:review", on);
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const dir = e.key === "ArrowDown" ? 1 : -1;
      const i = nextLine(rows, focusIdx ?? currentIndex() - dir, dir);
      if (i === null) return;
      e.preventDefault();
      if (!e.shiftKey || anchor === null) setAnchor(rows[i].key);
      setFocusKey(rows[i].key);
      virtualizer.scrollToIndex(i, { align: "auto" });
      return;
    }
    if (e.key === "Escape" && (selection.size || confirming)) {
      e.preventDefault();
      setAnchor(null);
      setFocusKey(null);
      setConfirming(null);
      return;
    }
    const command = keyCommand(e);
    if (command) {
      e.preventDefault();
      run(command);
    }
  };

  const summary = data.summary;
  const totals = useMemo(() => {
    const all = summary?.files ?? [];
    return { hunks: all.reduce((n, f) => n + f.hunks, 0), reviewed: all.reduce((n, f) => n + f.reviewed, 0), files: all.length };
  }, [summary]);
  const maxLen = useMemo(() => {
    let n = 40;
    for (const list of data.hunks.values()) for (const h of list) n = Math.max(n, longest(h.lines));
    for (const e of expansions.values()) n = Math.max(n, longest(e.lines));
    return Math.min(n, 2_000);
  }, [data.hunks, expansions]);
  const currentPath = focusIdx !== undefined ? ((rows[focusIdx] as { path?: string }).path ?? null) : null;
  // Stable, so the (memoized) tree does not re-render while the diff scrolls.
  const pickRef = useRef((_: string) => {});
  pickRef.current = (path: string) => {
    setShowTree(false);
    const i = index(`f:${path}`);
    if (i !== undefined) requestAnimationFrame(() => virtualizer.scrollToIndex(i, { align: "start" }));
  };
  const pick = useCallback((path: string) => pickRef.current(path), []);
  const toggleSplit = useCallback(() => setSplitPref((p) => !(p ?? width >= SPLIT_PX)), [width]);
  const treeToggle = useMemo(() => (treeBeside ? undefined : { open: showTree, toggle: () => setShowTree((v) => !v) }), [treeBeside, showTree]);
  const target0 = commenting ? commentTarget(rows, [...selection]) : null;

  return (
    <div
      ref={container}
      tabIndex={-1}
      className="mux-review flex min-h-0 flex-1 flex-col outline-none"
      data-testid="review-pane"
      data-version={summary?.version}
      onKeyDown={onKeyDown}
    >
      <ReviewToolbar
        workspaceId={workspaceId}
        base={base}
        onBase={setBase}
        untracked={untracked}
        onUntracked={setUntracked}
        filter={filter}
        onFilter={setFilter}
        baseLabel={summary?.base.label}
        totals={totals}
        split={split}
        onSplit={toggleSplit}
        treeToggle={treeToggle}
      />
      {(data.error || actionError) && (
        <div role="alert" className="flex items-start gap-2 border-b border-line px-3 py-1 text-[12px] text-err" data-testid="review-error">
          <span className="min-w-0 flex-1">{actionError ?? data.error}</span>
          {actionError && (
            <button type="button" className="text-muted hover:text-fg" onClick={() => setActionError(null)}>
              Dismiss
            </button>
          )}
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        {(treeBeside || showTree) && summary && (
          <div className={`flex min-h-0 flex-col border-r border-line ${treeBeside ? "w-60 shrink-0" : "flex-1"}`}>
            <FileTree files={files} current={currentPath} onPick={pick} overlaps={overlaps} />
          </div>
        )}
        <div
          ref={scroller}
          className={`min-h-0 min-w-0 flex-1 overflow-auto font-mono text-[12px] leading-5 ${!treeBeside && showTree ? "hidden" : ""}`}
          data-testid="review-diff"
        >
          {!summary && !data.error && <p className="p-3 font-sans text-muted">Loading changes…</p>}
          {summary && files.length === 0 && (
            <p className="p-3 font-sans text-muted" data-testid="review-empty">
              {filter ? "No changed file matches the filter." : `No changes against ${summary.base.label}.`}
            </p>
          )}
          <div
            className="relative will-change-transform"
            style={
              {
                height: virtualizer.getTotalSize(),
                minWidth: split ? `calc(${2 * maxLen}ch + 8rem)` : `calc(${maxLen}ch + 8rem)`,
                "--review-w": `${listWidth}px`,
              } as CSSProperties
            }
          >
            {items.map((it, i) => {
              const row = rows[it.index];
              const hunk = "hunkIndex" in row ? data.hunks.get(row.path)?.[row.hunkIndex] : undefined;
              return (
                // Fixed height, so its content never affects the list's layout; no paint containment, so the rows
                // in view paint as one piece rather than one each.
                <div key={itemKeys[i]} className="absolute inset-x-0 [contain:size_layout_style]" style={{ top: it.start, height: it.size }}>
                  <DiffRow
                    row={row}
                    hunk={hunk}
                    selected={selection.has(it.index)}
                    cursor={it.index === focusIdx}
                    actions={actions}
                    colors={"path" in row ? colourStamp(row.path, hunk) : 0}
                  />
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {selection.size > 0 && !commenting && (
        <div className="flex items-center gap-2 border-t border-line px-3 py-1 text-[12px]">
          <span className="text-muted">
            {selection.size} line{selection.size === 1 ? "" : "s"} selected
          </span>
          <button type="button" className="btn btn-primary px-2 py-0.5" data-testid="comment-start" onClick={() => setCommenting(true)}>
            Comment (c)
          </button>
        </div>
      )}
      {target0 && (
        <CommentEditor
          target={target0}
          onCancel={() => {
            setCommenting(false);
            container.current?.focus({ preventScroll: true });
          }}
          onAdd={(note) => {
            addComment(workspaceId, { ...target0, note });
            setCommenting(false);
            setAnchor(null);
            setFocusKey(null);
          }}
        />
      )}
    </div>
  );
}

/** Where a row is in the list, by key (the map is made on the first question). */
function rowIndex(rows: Row[]): (key: string) => number | undefined {
  let map: Map<string, number> | undefined;
  return (key) => {
    map ??= new Map(rows.map((r, i) => [r.key, i]));
    return map.get(key);
  };
}

const longestCache = new WeakMap<string[], number>();
/** The longest line's length (kept per array: a refresh only measures what changed). */
function longest(lines: string[]): number {
  let n = longestCache.get(lines);
  if (n === undefined) {
    n = 0;
    for (const l of lines) if (l.length > n) n = l.length;
    longestCache.set(lines, n);
  }
  return n;
}
