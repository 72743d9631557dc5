import { shq } from "../tools/shellQuote.js";
import { validateBase } from "../workspace/gitStatusScript.js";
import { nulFields, runScript } from "./gitScript.js";
import { type Snapshot, snapshotAll } from "./snapshot.js";

/** A workspace of a project, as the overlap check needs it. */
export interface OverlapInput {
  id: string;
  name: string;
  /** Its directory on this machine; null when it cannot be checked here (`skipped` says why). */
  dir: string | null;
  skipped?: string;
  /** The branch (or commit) it started from and will be merged into. */
  base: string;
  /** HEAD, when git status just said nothing is uncommitted (saves the snapshot's git runs). */
  cleanHead?: string;
}

export interface PairOverlap {
  /** Files both changed (committed or not), sorted. */
  shared: string[];
  /** Of those, the ones a merge of the two would leave in conflict. */
  conflicting: string[];
}

export interface TrunkOverlap extends PairOverlap {
  base: string;
}

export type WorkspaceOverlap =
  | { id: string; skipped: string }
  | {
      id: string;
      skipped?: undefined;
      /** Files changed against the base since the branch left it, uncommitted ones included. */
      changed: string[];
      /** Files the base changed meanwhile too, and which of them conflict; null when the base did not move. */
      trunk: TrunkOverlap | null;
      /** Every other workspace sharing a changed file. */
      others: Map<string, PairOverlap>;
      /** The snapshot commit (HEAD plus uncommitted changes), for callers that measure the diff. */
      commit: string;
      mergeBase: string;
    };

export type CheckedOverlap = Extract<WorkspaceOverlap, { changed: string[] }>;

export const isChecked = (o: WorkspaceOverlap | undefined): o is CheckedOverlap => !!o && "changed" in o;

interface Changed {
  mergeBase: string;
  files: string[];
}

/** Work actually done by git (not answered from the cache): tests and the bench read it. */
export interface OverlapStats {
  snapshots: number;
  diffs: number;
  merges: number;
}

const CACHE_MAX = 20_000;

function sortedIntersection(a: string[], b: Set<string>): string[] {
  return a.filter((f) => b.has(f)).sort();
}

/** Sets a cache entry; a cache grown past its bound starts over (entries are cheap to redo). */
function put<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
}

/**
 * Which workspaces of a project change the same files, and whether their branches would conflict
 * with each other or with their base. Every answer is cached by the commit ids it was computed
 * from (a workspace's snapshot includes its uncommitted changes), so a refresh after one
 * workspace moved redoes only that workspace's diff and merges.
 */
export class OverlapEngine {
  readonly stats: OverlapStats = { snapshots: 0, diffs: 0, merges: 0 };
  /** `snapshot:baseTip` → merge base and changed files. */
  private readonly changed = new Map<string, Changed>();
  /** `from:to` → files changed between the two commits. */
  private readonly moved = new Map<string, string[]>();
  /** `a:b` (sorted) → conflicting files of their merge. */
  private readonly merges = new Map<string, string[]>();

  async compute(projectPath: string, inputs: OverlapInput[]): Promise<Map<string, WorkspaceOverlap>> {
    const out = new Map<string, WorkspaceOverlap>();
    const live = inputs.filter((i) => {
      if (i.dir) return true;
      out.set(i.id, { id: i.id, skipped: i.skipped ?? "not on this machine" });
      return false;
    });
    const snaps = await snapshotAll(live.map((i) => ({ id: i.id, dir: i.dir as string, cleanHead: i.cleanHead })));
    this.stats.snapshots += live.filter((i) => !i.cleanHead).length;
    const tips = await this.baseTips(projectPath, [...new Set(live.map((i) => i.base))]);

    // Changed files of each workspace (cached by snapshot and base tip).
    const ready: { input: OverlapInput; snap: Extract<Snapshot, { commit: string }>; tip: string }[] = [];
    for (const input of live) {
      const snap = snaps.get(input.id);
      const tip = tips.get(input.base);
      if (!snap || "error" in snap) out.set(input.id, { id: input.id, skipped: snap?.error ?? "no answer from git" });
      else if (!tip) out.set(input.id, { id: input.id, skipped: `its base ${input.base} does not exist` });
      else ready.push({ input, snap, tip });
    }
    await this.fill(
      projectPath,
      this.changed,
      ready.map((r) => ({ key: `${r.snap.commit}:${r.tip}`, tip: r.tip, commit: r.snap.commit })),
      (r) =>
        `mb=$(git merge-base ${r.tip} ${r.commit}) && printf '%s\\0' "$mb" && git diff --name-only -z --no-renames --no-ext-diff "$mb" ${r.commit} --; printf '\\0'`,
      (fields) => ({ mergeBase: fields[0], files: fields.slice(1) }),
    );
    // What each base changed since the branch left it.
    const sinceFork = ready.map((r) => ({ ...r, ch: this.changed.get(`${r.snap.commit}:${r.tip}`) }));
    await this.fill(
      projectPath,
      this.moved,
      sinceFork
        .filter((r) => r.ch?.mergeBase && r.ch.mergeBase !== r.tip)
        .map((r) => ({ key: `${r.ch?.mergeBase}:${r.tip}`, from: r.ch?.mergeBase, to: r.tip })),
      (r) => `git diff --name-only -z --no-renames --no-ext-diff ${r.from} ${r.to} --; printf '\\0'`,
      (fields) => fields,
    );

    // Which pairs share files; only those can conflict, so only those are merged.
    type Row = (typeof sinceFork)[number] & { files: Set<string> };
    const rows: Row[] = [];
    for (const r of sinceFork) {
      if (!r.ch?.mergeBase) out.set(r.input.id, { id: r.input.id, skipped: "its branch has no history in common with its base" });
      else rows.push({ ...r, files: new Set(r.ch.files) });
    }
    const wanted: { key: string; a: string; b: string }[] = [];
    const mergeKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
    const want = (a: string, b: string) => {
      const key = mergeKey(a, b);
      if (!this.merges.has(key)) wanted.push({ key, a, b });
    };
    const trunkShared = new Map<string, string[]>();
    for (const r of rows) {
      const trunkFiles = r.ch?.mergeBase === r.tip ? [] : (this.moved.get(`${r.ch?.mergeBase}:${r.tip}`) ?? []);
      const shared = sortedIntersection(trunkFiles, r.files);
      trunkShared.set(r.input.id, shared);
      if (shared.length) want(r.snap.commit, r.tip);
    }
    const pairs: { a: Row; b: Row; shared: string[] }[] = [];
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        const [a, b] = [rows[i], rows[j]];
        // Two local workspaces in one directory are the same files, not an overlap.
        if (a.input.dir === b.input.dir) continue;
        const shared = sortedIntersection(a.ch?.files ?? [], b.files);
        if (!shared.length) continue;
        pairs.push({ a, b, shared });
        if (a.snap.commit !== b.snap.commit) want(a.snap.commit, b.snap.commit);
      }
    }
    await this.mergeAll(projectPath, [...new Map(wanted.map((w) => [w.key, w])).values()]);

    const conflicts = (a: string, b: string) => (a === b ? [] : (this.merges.get(mergeKey(a, b)) ?? []));
    for (const r of rows) {
      const shared = trunkShared.get(r.input.id) ?? [];
      out.set(r.input.id, {
        id: r.input.id,
        changed: r.ch?.files ?? [],
        trunk: r.ch?.mergeBase === r.tip ? null : { base: r.input.base, shared, conflicting: shared.length ? conflicts(r.snap.commit, r.tip) : [] },
        others: new Map(),
        commit: r.snap.commit,
        mergeBase: r.ch?.mergeBase ?? "",
      });
    }
    for (const { a, b, shared } of pairs) {
      const conflicting = conflicts(a.snap.commit, b.snap.commit);
      for (const [x, y] of [
        [a, b],
        [b, a],
      ]) {
        const o = out.get(x.input.id);
        if (isChecked(o)) o.others.set(y.input.id, { shared, conflicting });
      }
    }
    return out;
  }

  /** The commit each base names now (absent when it names none). */
  private async baseTips(projectPath: string, bases: string[]): Promise<Map<string, string>> {
    const usable = bases.filter((b) => !validateBase(b));
    if (!usable.length) return new Map();
    const script = usable.map((b) => `git rev-parse -q --verify ${shq(`${b}^{commit}`)} || echo '!'`).join("\n");
    const lines = (await runScript(script, projectPath)).split("\n");
    const out = new Map<string, string>();
    usable.forEach((b, k) => {
      if (lines[k] && lines[k] !== "!") out.set(b, lines[k]);
    });
    return out;
  }

  /**
   * Fills a cache for the keys it lacks with one script: each command prints NUL-separated
   * fields and one empty field as its end.
   */
  private async fill<I extends { key: string }, V>(
    projectPath: string,
    cache: Map<string, V>,
    items: I[],
    command: (item: I) => string,
    parse: (fields: string[]) => V,
  ): Promise<void> {
    const todo = [...new Map(items.filter((i) => !cache.has(i.key)).map((i) => [i.key, i])).values()];
    if (!todo.length) return;
    this.stats.diffs += todo.length;
    const fields = nulFields(await runScript(todo.map(command).join("\n"), projectPath));
    let k = 0;
    for (const item of todo) {
      const end = fields.indexOf("", k);
      if (end < 0) break;
      put(cache, item.key, parse(fields.slice(k, end)));
      k = end + 1;
    }
  }

  /** Merges (in memory: `git merge-tree`, nothing is written to any branch) all the pairs at once. */
  private async mergeAll(projectPath: string, pairs: { key: string; a: string; b: string }[]): Promise<void> {
    if (!pairs.length) return;
    this.stats.merges += pairs.length;
    // Two processes for many merges: a 2-core machine checks 20 workspaces twice as fast.
    const half = pairs.length > 16 ? Math.ceil(pairs.length / 2) : pairs.length;
    const chunks = [pairs.slice(0, half), pairs.slice(half)].filter((c) => c.length);
    await Promise.all(
      chunks.map(async (chunk) => {
        const input = chunk.map((p) => `${p.a} ${p.b}\n`).join("");
        const fields = nulFields(await runScript("exec git merge-tree --stdin -z --name-only --no-messages", projectPath, input));
        // Each merge: its status (1 clean, 0 conflicted), the tree, the conflicted files, an empty field.
        let k = 0;
        for (const p of chunk) {
          const end = fields.indexOf("", k + 2);
          if (end < 0) break;
          put(this.merges, p.key, fields[k] === "1" ? [] : [...new Set(fields.slice(k + 2, end))].sort());
          k = end + 1;
        }
      }),
    );
  }
}
