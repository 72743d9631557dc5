import type { OverlapBadge as Badge } from "../../../src/api/overlap";
import { hasConflict, overlapTitle } from "./overlapText";

/**
 * The sidebar's mark on a workspace that changes files another one changes too (amber), or whose
 * branch would conflict with another's or with its base (red). Hover for who and how many files;
 * the workspace header's Overlap button lists the files.
 */
export function OverlapBadge({ overlap }: { overlap: Badge | null | undefined }) {
  if (!overlap) return null;
  const conflict = hasConflict(overlap);
  const title = overlapTitle(overlap);
  return (
    <span
      data-testid="overlap-badge"
      data-conflict={conflict}
      role="img"
      aria-label={title}
      title={title}
      className={`inline-flex shrink-0 items-center gap-0.5 rounded px-1 text-[10px] leading-4 ${conflict ? "bg-err/15 text-err" : "bg-warn/15 text-warn"}`}
    >
      <OverlapIcon />
      {overlap.others.length || (overlap.trunkConflict ? "!" : "")}
    </span>
  );
}

export function OverlapIcon() {
  return (
    <svg aria-hidden="true" width="10" height="10" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6">
      <circle cx="6" cy="8" r="4.5" />
      <circle cx="10" cy="8" r="4.5" />
    </svg>
  );
}
