import type { MergeMode } from "../../../src/api/land";

/** How a workspace's branch can land on its base, as Land and the compare view's "Keep this one" offer it. */
export const MERGE_MODES: { mode: MergeMode; label: string }[] = [
  { mode: "squash", label: "Squash" },
  { mode: "merge", label: "Merge commit" },
  { mode: "rebase", label: "Rebase" },
];
