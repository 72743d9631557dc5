import { shq } from "../tools/shellQuote.js";
import { halves, nulFields, type ObjectStore, runScript } from "./gitScript.js";

/**
 * A workspace as a commit: its HEAD when nothing is uncommitted, else a commit of everything in
 * its directory (tracked changes and untracked files, .gitignore respected) on top of HEAD.
 * Made with a copy of the index, so the workspace's own index and files are never touched; its
 * dates and author are fixed, so the same content always gives the same id (the cache key).
 */
export type Snapshot = { head: string; commit: string } | { error: string };

export interface SnapshotInput {
  id: string;
  /** The workspace's directory (its worktree, or the project for a local workspace). */
  dir: string;
}

const IDENTITY = "GIT_AUTHOR_NAME=mux GIT_AUTHOR_EMAIL=mux@localhost GIT_COMMITTER_NAME=mux GIT_COMMITTER_EMAIL=mux@localhost";
const EPOCH = "GIT_AUTHOR_DATE='@0 +0000' GIT_COMMITTER_DATE='@0 +0000'";

/** `__mux_snap DIR` (with $td a temporary directory): prints `HEAD\0COMMIT\0`, or `!\0REASON\0`. */
const SNAP_FUNCTION = `__mux_snap() {
  local h t tr i r
  cd -- "$1" 2>/dev/null || { printf '!\\0the workspace directory is missing\\0'; return; }
  r=$(git rev-parse 'HEAD^{commit}' 'HEAD^{tree}' --git-path index 2>/dev/null) || { printf '!\\0the branch has no commits\\0'; cd /; return; }
  { read -r h; read -r t; read -r i; } <<< "$r"
  n=$((n + 1))
  # -p keeps the index's mtime: git's check of "racily clean" entries compares file times with it
  # (a plain copy made a same-size edit in the index's second look unchanged).
  [ -f "$i" ] && cp -p -- "$i" "$td/$n"
  if GIT_INDEX_FILE=$td/$n git add -A -- . >/dev/null 2>&1 && tr=$(GIT_INDEX_FILE=$td/$n git write-tree); then
    if [ "$tr" = "$t" ]; then printf '%s\\0%s\\0' "$h" "$h"
    else printf '%s\\0%s\\0' "$h" "$(${IDENTITY} ${EPOCH} git commit-tree "$tr" -p "$h" -m 'mux overlap snapshot' </dev/null)"; fi
  else
    printf '!\\0cannot read the uncommitted changes\\0'
  fi
  cd /
}
n=0
td=$(mktemp -d) || exit 1
trap 'rm -rf -- "$td"' EXIT
`;

/** Snapshots of many workspaces, two bash processes at most. */
export async function snapshotAll(inputs: SnapshotInput[], store?: ObjectStore): Promise<Map<string, Snapshot>> {
  const out = new Map<string, Snapshot>();
  await Promise.all(
    halves(inputs, 2).map(async (chunk) => {
      let fields: string[];
      try {
        fields = nulFields(await runScript(SNAP_FUNCTION + chunk.map((i) => `__mux_snap ${shq(i.dir)}`).join("\n"), "/", "", store));
      } catch (err) {
        for (const i of chunk) out.set(i.id, { error: (err as Error).message });
        return;
      }
      chunk.forEach((input, k) => {
        const [a, b] = [fields[2 * k], fields[2 * k + 1]];
        if (a === "!" || !a || !b) out.set(input.id, { error: b || "git gave no answer" });
        else out.set(input.id, { head: a, commit: b });
      });
    }),
  );
  return out;
}
