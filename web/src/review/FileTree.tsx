import { memo } from "react";
import type { ReviewFile } from "../../../src/api/review";
import { ConflictTag, Counts, OverlapMark, STATUS_COLOR, STATUS_LETTER } from "./DiffRows";
import type { FileOverlap } from "./useOverlaps";

/** About one entry's height, until the browser has laid a group out once. */
const ENTRY_PX = 20;

/** Changed files grouped by directory, marked where another workspace changes them too; a click shows the file in the diff. */
export const FileTree = memo(function FileTree({
  files,
  current,
  onPick,
  overlaps,
}: {
  files: ReviewFile[];
  current: string | null;
  onPick: (path: string) => void;
  overlaps: Map<string, FileOverlap[]>;
}) {
  const groups = new Map<string, ReviewFile[]>();
  for (const f of files) {
    const slash = f.path.lastIndexOf("/");
    const dir = slash < 0 ? "" : f.path.slice(0, slash);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return (
    <ul className="min-h-0 flex-1 overflow-y-auto py-1 text-[12px]" data-testid="review-tree" aria-label="Changed files">
      {[...groups].map(([dir, list]) => (
        // Groups out of view are neither laid out nor painted (a tree of hundreds of files opens at once).
        <li key={dir} style={{ contentVisibility: "auto", containIntrinsicSize: `auto ${(list.length + (dir ? 1 : 0)) * ENTRY_PX}px` }}>
          {dir && <div className="truncate px-2 pt-1 font-mono text-[11px] text-muted">{dir}/</div>}
          <ul>
            {list.map((f) => {
              const done = f.hunks > 0 && f.reviewed === f.hunks;
              return (
                <li key={f.path}>
                  <button
                    type="button"
                    data-testid="tree-file"
                    data-path={f.path}
                    aria-current={current === f.path || undefined}
                    className={`flex w-full items-center gap-1.5 py-0.5 pr-2 text-left hover:bg-hover ${dir ? "pl-4" : "pl-2"} ${current === f.path ? "bg-hover" : ""}`}
                    title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
                    onClick={() => onPick(f.path)}
                  >
                    <span className={`w-3 shrink-0 font-mono text-[11px] font-bold ${STATUS_COLOR[f.status]}`}>{STATUS_LETTER[f.status]}</span>
                    <span className={`min-w-0 flex-1 truncate font-mono ${done ? "text-muted line-through" : ""}`}>
                      {f.path.slice(f.path.lastIndexOf("/") + 1)}
                    </span>
                    {f.conflicted && <ConflictTag testId="tree-conflicted" />}
                    {overlaps.has(f.path) && <OverlapMark list={overlaps.get(f.path)!} testId="tree-overlap" short />}
                    {f.binary ? <span className="text-[11px] text-muted">bin</span> : <Counts added={f.added} removed={f.removed} />}
                  </button>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
});
