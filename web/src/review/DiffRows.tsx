import { memo, type ReactNode } from "react";
import type { ReviewFile, ReviewHunk } from "../../../src/api/review";
import { ChevronIcon } from "../app/icons";
import type { DiffLine, Row } from "./rows";
import { lineTokens } from "./useHighlight";
import { type FileOverlap, overlapLabel } from "./useOverlaps";

const LINE_BG: Record<DiffLine["kind"], string> = { add: "bg-ok/12", del: "bg-err/12", ctx: "", note: "text-muted italic" };
/** Conflict markers stand out from the added lines around them. */
const MARKER_BG = "bg-warn/30 font-bold";
const SIGN: Record<DiffLine["kind"], string> = { add: "+", del: "-", ctx: " ", note: "" };
export const STATUS_LETTER: Record<ReviewFile["status"], string> = { added: "A", modified: "M", deleted: "D", renamed: "R", copied: "C" };
export const STATUS_COLOR: Record<ReviewFile["status"], string> = {
  added: "text-ok",
  modified: "text-warn",
  deleted: "text-err",
  renamed: "text-accent",
  copied: "text-accent",
};

/** Header rows keep to the visible width while long lines scroll sideways (--review-w: the list's width). */
const PINNED = "sticky left-0 flex h-full w-[var(--review-w)] items-center gap-2";

export interface RowActions {
  collapsed: Set<string>;
  toggleCollapse(path: string): void;
  markFile(file: ReviewFile): void;
  markHunk(path: string, hunk: ReviewHunk): void;
  revert(path: string, hunk?: ReviewHunk): void;
  /** The revert waiting for a second click ("file" or a hunk hash), per path. */
  confirming: string | null;
  expand(path: string, hunkIndex: number, where: "above" | "below", all?: boolean): void;
  wholeFile(path: string): void;
  select(key: string, extend: boolean): void;
  /** Files other workspaces change too (the overlap radar), by path. */
  overlaps: Map<string, FileOverlap[]>;
}

export function Counts({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="shrink-0 font-mono text-[11px] tabular-nums">
      <span className="text-ok">+{added}</span> <span className="text-err">-{removed}</span>
    </span>
  );
}

/** Both line numbers in one element (a row in view costs fewer), each right-aligned in 5 columns of the monospace font. */
const numbers = (l: DiffLine) => `${String(l.oldNo ?? "").padStart(5)} ${String(l.newNo ?? "").padStart(5)}`;

/** The text of a line, coloured when its tokens are ready. */
function Code({ line, path, hunk }: { line: DiffLine; path: string; hunk?: ReviewHunk }) {
  const side = line.kind === "del" ? "old" : "new";
  const no = side === "old" ? line.oldNo : line.newNo;
  const t = no !== undefined && line.kind !== "note" ? lineTokens(path, hunk, side, no, line.text) : undefined;
  if (!t) return <>{line.text}</>;
  return (
    <>
      {t.map(([content, colour], j) => (
        <span key={j} className={colour ? `tok k${colour}` : undefined}>
          {content}
        </span>
      ))}
    </>
  );
}

function Half({ line, path, hunk, className = "" }: { line?: DiffLine; path: string; hunk?: ReviewHunk; className?: string }) {
  if (!line) return <div className={`flex min-w-0 flex-1 bg-hover/40 ${className}`} />;
  const no = line.kind === "del" ? line.oldNo : line.newNo;
  return (
    <div
      className={`flex min-w-0 flex-1 overflow-hidden ${line.marker ? MARKER_BG : LINE_BG[line.kind]} ${className}`}
      data-conflict-marker={line.marker || undefined}
    >
      <span className="w-11 shrink-0 pr-1.5 text-right text-muted/70 select-none tabular-nums">{no ?? ""}</span>
      <span className={`w-4 shrink-0 text-center select-none ${line.kind === "add" ? "text-ok" : line.kind === "del" ? "text-err" : ""}`}>
        {SIGN[line.kind]}
      </span>
      <span className="pr-3 whitespace-pre">
        <Code line={line} path={path} hunk={hunk} />
      </span>
    </div>
  );
}

interface RowProps {
  row: Row;
  hunk?: ReviewHunk;
  selected: boolean;
  cursor: boolean;
  actions: RowActions;
  /** Changes when syntax colours for this row are ready (colourStamp). */
  colors: number;
}

/** One row of the review list (a file header, a hunk header, a line, a context expander). */
export const DiffRow = memo(function DiffRow({ row, hunk, selected, cursor, actions }: RowProps) {
  switch (row.kind) {
    case "file":
      return <FileHeader file={row.file} actions={actions} />;
    case "loading":
      return <div className="px-3 text-muted">Loading…</div>;
    case "hunk":
      return <HunkHeader path={row.path} hunk={row.hunk} actions={actions} />;
    case "expand":
      return (
        <div className={`${PINNED} bg-accent/5 px-3 text-[11px] text-muted`}>
          <button type="button" className="hover:text-fg" data-testid="expand-context" onClick={() => actions.expand(row.path, row.hunkIndex, row.where)}>
            {row.where === "above" ? "↑" : "↓"} Show more {row.hidden > 0 ? `(${row.hidden} hidden)` : ""}
          </button>
          {row.hidden > 20 && (
            <button type="button" className="hover:text-fg" onClick={() => actions.expand(row.path, row.hunkIndex, row.where, true)}>
              Show all
            </button>
          )}
        </div>
      );
    case "line":
    case "split": {
      const ring = selected ? "bg-accent/20" : "";
      const mark = cursor ? "shadow-[inset_2px_0_0_var(--mux-accent)]" : "";
      const onMouseDown = (e: React.MouseEvent) => {
        if (e.button !== 0) return;
        e.preventDefault();
        actions.select(row.key, e.shiftKey);
      };
      if (row.kind === "split") {
        return (
          <div className={`flex h-full ${ring} ${mark}`} data-testid="diff-line" data-selected={selected || undefined} onMouseDown={onMouseDown}>
            <Half line={row.left} path={row.path} hunk={hunk} className="border-r border-line" />
            <Half line={row.right} path={row.path} hunk={hunk} />
          </div>
        );
      }
      const l = row.line;
      return (
        <div
          className={`flex h-full ${selected ? ring : l.marker ? MARKER_BG : LINE_BG[l.kind]} ${mark}`}
          data-testid="diff-line"
          data-kind={l.kind}
          data-conflict-marker={l.marker || undefined}
          title={l.marker ? "Conflict marker: the merge left this file in conflict" : undefined}
          data-selected={selected || undefined}
          onMouseDown={onMouseDown}
        >
          <span className="w-22 shrink-0 pr-1.5 text-right whitespace-pre text-muted/70 select-none tabular-nums">{numbers(l)}</span>
          <span className={`w-4 shrink-0 text-center select-none ${l.kind === "add" ? "text-ok" : l.kind === "del" ? "text-err" : ""}`}>{SIGN[l.kind]}</span>
          <span className="pr-3 whitespace-pre">
            <Code line={l} path={row.path} hunk={hunk} />
          </span>
        </div>
      );
    }
  }
});

/** A file a merge in progress left in conflict (its markers are in the diff). */
export function ConflictTag({ testId }: { testId: string }) {
  return (
    <span data-testid={testId} className="shrink-0 rounded bg-err/15 px-1 font-sans text-[11px] text-err" title="Left in conflict by a merge in progress">
      conflict
    </span>
  );
}

/** Who else changes a file: the names (in the tree, only how many), red when a merge would conflict. */
export function OverlapMark({ list, testId, short = false }: { list: FileOverlap[]; testId: string; short?: boolean }) {
  const conflict = list.some((o) => o.conflict);
  const label = overlapLabel(list);
  return (
    <span
      data-testid={testId}
      data-conflict={conflict || undefined}
      className={`shrink-0 truncate font-sans text-[11px] ${conflict ? "text-err" : "text-warn"}`}
      title={label}
    >
      <span aria-hidden>{short ? `⇄ ${list.length === 1 ? list[0].name : list.length}` : `⇄ ${list.map((o) => o.name).join(", ")}`}</span>
      <span className="sr-only">{label}</span>
    </span>
  );
}

function SmallButton({
  children,
  onClick,
  testId,
  title,
  active,
}: {
  children: ReactNode;
  onClick: () => void;
  testId: string;
  title?: string;
  active?: boolean;
}) {
  return (
    <button
      type="button"
      data-testid={testId}
      title={title}
      aria-pressed={active}
      className={`rounded border px-1.5 py-px text-[11px] ${active ? "border-ok/60 bg-ok/15 text-ok" : "border-line text-muted hover:text-fg"}`}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

function FileHeader({ file, actions }: { file: ReviewFile; actions: RowActions }) {
  const done = file.hunks > 0 && file.reviewed === file.hunks;
  const confirming = actions.confirming === `${file.path}\0file`;
  const expandable = !file.binary && file.status !== "added" && file.status !== "deleted";
  return (
    <div className={`${PINNED} border-y border-line bg-elev px-2 font-sans`} data-testid="review-file" data-path={file.path}>
      <button
        type="button"
        className="icon-btn h-6 w-6"
        aria-label={`Collapse ${file.path}`}
        aria-expanded={!actions.collapsed.has(file.path)}
        data-testid="file-collapse"
        onClick={() => actions.toggleCollapse(file.path)}
      >
        <ChevronIcon open={!actions.collapsed.has(file.path)} />
      </button>
      <span className={`w-3 shrink-0 font-mono text-[11px] font-bold ${STATUS_COLOR[file.status]}`} title={file.status}>
        {STATUS_LETTER[file.status]}
      </span>
      <span className="min-w-0 truncate font-mono text-[12px]" title={file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}>
        {file.oldPath ? `${file.oldPath} → ` : ""}
        {file.path}
      </span>
      {file.untracked && <span className="text-[11px] text-muted">untracked</span>}
      {file.conflicted && <ConflictTag testId="file-conflicted" />}
      {file.binary ? <span className="text-[11px] text-muted">binary</span> : <Counts added={file.added} removed={file.removed} />}
      {actions.overlaps.has(file.path) && <OverlapMark list={actions.overlaps.get(file.path)!} testId="file-overlap" />}
      <span className="flex-1" />
      {expandable && (
        <SmallButton testId="whole-file" title="Show the whole file" onClick={() => actions.wholeFile(file.path)}>
          Whole file
        </SmallButton>
      )}
      <SmallButton testId="file-revert" title="Undo this file's changes (as uncommitted edits)" onClick={() => actions.revert(file.path)}>
        {confirming ? "Confirm revert" : "Revert"}
      </SmallButton>
      <SmallButton testId="file-mark" active={done} title="Mark every hunk of this file reviewed" onClick={() => actions.markFile(file)}>
        {done ? "✓ Reviewed" : `${file.reviewed}/${file.hunks} reviewed`}
      </SmallButton>
    </div>
  );
}

function HunkHeader({ path, hunk, actions }: { path: string; hunk: ReviewHunk; actions: RowActions }) {
  const confirming = actions.confirming === `${path}\0${hunk.hash}`;
  return (
    <div className={`${PINNED} bg-accent/10 px-3 font-mono text-[11px] text-muted`} data-testid="review-hunk" data-reviewed={hunk.reviewed || undefined}>
      <span className="min-w-0 flex-1 truncate">{hunk.header || "(no text changes)"}</span>
      <SmallButton testId="hunk-revert" title="Undo this hunk (as an uncommitted edit)" onClick={() => actions.revert(path, hunk)}>
        {confirming ? "Confirm revert" : "Revert"}
      </SmallButton>
      <SmallButton testId="hunk-mark" active={hunk.reviewed} title="Mark reviewed (r)" onClick={() => actions.markHunk(path, hunk)}>
        {hunk.reviewed ? "✓ Reviewed" : "Mark reviewed"}
      </SmallButton>
    </div>
  );
}
