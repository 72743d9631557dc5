import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nulFields, type ObjectStore, objectStoreIn, runScript } from "../overlap/gitScript.js";
import { snapshotAll } from "../overlap/snapshot.js";
import { shq } from "../tools/shellQuote.js";
import { validateBase } from "../workspace/gitStatusScript.js";

export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
}

export type DiffStatResult = { stat: DiffStat } | { error: string };

/** `git diff --shortstat` output ("3 files changed, 10 insertions(+), 2 deletions(-)"); empty is no change. */
export function parseShortstat(text: string): DiffStat {
  const n = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return { files: n(/(\d+) files? changed/), insertions: n(/(\d+) insertions?\(\+\)/), deletions: n(/(\d+) deletions?\(-\)/) };
}

/**
 * Files and lines each workspace changed against its base since its branch left it, uncommitted
 * changes and new files included (measured on the workspace's snapshot commit, see snapshot.ts).
 */
export async function diffStats(
  projectPath: string,
  inputs: { id: string; dir: string | null; skipped?: string; base: string }[],
): Promise<Map<string, DiffStatResult>> {
  const out = new Map<string, DiffStatResult>();
  const local = inputs.filter((i) => {
    if (i.dir) return true;
    out.set(i.id, { error: i.skipped ?? "not on this machine" });
    return false;
  });
  // The snapshots' objects go to a throw-away store, not into the project (see ObjectStore).
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mux-compare-"));
  try {
    const store = await objectStoreIn(path.join(scratch, "objects"), projectPath);
    return await statsOf(projectPath, local, store, out);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function statsOf(
  projectPath: string,
  local: { id: string; dir: string | null; base: string }[],
  store: ObjectStore | undefined,
  out: Map<string, DiffStatResult>,
): Promise<Map<string, DiffStatResult>> {
  const snaps = await snapshotAll(
    local.map((i) => ({ id: i.id, dir: i.dir as string })),
    store,
  );
  const todo: { id: string; base: string; commit: string }[] = [];
  for (const i of local) {
    const s = snaps.get(i.id);
    const bad = validateBase(i.base);
    if (!s || "error" in s) out.set(i.id, { error: s && "error" in s ? s.error : "no answer from git" });
    else if (bad) out.set(i.id, { error: bad });
    else todo.push({ id: i.id, base: i.base, commit: s.commit });
  }
  if (!todo.length) return out;
  const script = todo.map((t) => `git diff --shortstat --no-ext-diff ${shq(`${t.base}...${t.commit}`)} -- 2>/dev/null || printf '!'; printf '\\0'`).join("\n");
  const fields = nulFields(await runScript(script, projectPath, "", store));
  todo.forEach((t, k) => {
    const f = fields[k] ?? "!";
    out.set(t.id, f === "!" ? { error: `no history in common with ${t.base}` } : { stat: parseShortstat(f) });
  });
  return out;
}
