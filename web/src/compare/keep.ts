import type { MergeMode, MergeResult } from "../../../src/api/land";
import { call } from "../api/client";

/** What keeping a run's workspace did: whether its work is on the base now, in words. */
export interface KeepResult {
  merged: boolean;
  message: string;
}

const files = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

/** The merge's answer for the compare view (the Land dialog says the same at more length). */
export function keepMessage(r: MergeResult): KeepResult {
  const left =
    "uncommitted" in r && r.uncommitted.length ? ` ${files(r.uncommitted.length)} not committed in it did not land: commit them with Land… first.` : "";
  switch (r.status) {
    case "merged":
      return { merged: true, message: `Merged into ${r.trunk} (${r.commits} commit${r.commits === 1 ? "" : "s"}, ${r.mode}).${left}` };
    case "up-to-date":
      return { merged: !left, message: left ? `Nothing committed to merge into ${r.trunk}.${left}` : `${r.trunk} has all of it already.` };
    case "conflict":
      return { merged: false, message: `Not merged: it conflicts with ${r.trunk} in ${r.files.join(", ")}. Nothing changed; open it to rebase.` };
    case "dirty-trunk":
      return { merged: false, message: `Not merged: ${r.checkout} has changes to ${r.files.join(", ")} that the merge would overwrite.` };
  }
}

/** "Keep this one": lands the workspace on its base as Land does, squashed unless told otherwise. */
export async function keepWorkspace(workspaceId: string, mode: MergeMode = "squash"): Promise<KeepResult> {
  return keepMessage(await call((api) => api.land.merge({ workspaceId, mode })));
}
