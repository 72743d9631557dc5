import type { OverlapBadge } from "../../../src/api/overlap";

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

/** The badge's tooltip: who changes the same files, and which merges would conflict. */
export function overlapTitle(o: OverlapBadge): string {
  const lines: string[] = [];
  const conflicts = o.others.filter((x) => x.conflict);
  const shares = o.others.filter((x) => !x.conflict);
  if (conflicts.length) lines.push(`Would conflict with ${conflicts.map((x) => `${x.name} (${files(x.files)})`).join(", ")}`);
  if (shares.length) lines.push(`Changes the same files as ${shares.map((x) => `${x.name} (${files(x.files)})`).join(", ")}, without conflict`);
  if (o.trunkConflict) lines.push(`Would conflict with ${o.base || "its base"}, which changed the same lines meanwhile`);
  return lines.join("\n");
}

export const hasConflict = (o: OverlapBadge) => o.trunkConflict || o.others.some((x) => x.conflict);
