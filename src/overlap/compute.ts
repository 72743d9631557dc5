import { shq } from "../tools/shellQuote.js";
import { validateBase } from "../workspace/gitStatusScript.js";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { halves, nulFields, type ObjectStore, objectStoreIn, runScript } from "./gitScript.js";
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
  /**
   * The workspace's git status figures (HEAD, dirty files, lines): while they stay the same, its
   * last snapshot is reused unless the check is `fresh` (an edit that kept every figure is then
   * seen at the next fresh check).
   */
  statusKey?: string;
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
      /** Files the base changed meanwhile too, and which of them conflict; null when the base changed nothing since. */
      trunk: TrunkOverlap | null;
      /** Every other workspace sharing a changed file. */
      others: Map<string, PairOverlap>;
    };

export type CheckedOverlap = Extract<WorkspaceOverlap, { changed: string[] }>;

export const isChecked = (o: WorkspaceOverlap | undefined): o is CheckedOverlap => !!o && "changed" in o;

interface Changed {
  /** Files the workspace changed since its branch left the base. */
  changed: string[];
  /** Files the base changed since then. */
  trunk: string[];
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
  /** `snapshot:baseTip` → what each side changed since they parted. */
  private readonly changed = new Map<string, Changed>();
  /** `a:b` (sorted) → conflicting files of their merge. */
  private readonly merges = new Map<string, string[]>();
  /** Workspace id → its last snapshot and what it was taken for (see OverlapInput.statusKey). */
  private readonly snapshots = new Map<string, { key: string; snapshot: Snapshot }>();
  /** Project → where its checks write git objects (see ObjectStore). */
  private readonly stores = new Map<string, ObjectStore>();

  /**
   * `scratchDir`: a directory of Mux's for the objects checks write, emptied here (nothing cached
   * refers to it yet). Without one they go into the project's own object store.
   */
  constructor(private readonly scratchDir?: string) {
    if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
  }

  async compute(projectPath: string, inputs: OverlapInput[], opts: { fresh?: boolean } = {}): Promise<Map<string, WorkspaceOverlap>> {
    const out = new Map<string, WorkspaceOverlap>();
    const live = inputs.filter((i) => {
      if (i.dir) return true;
      out.set(i.id, { id: i.id, skipped: i.skipped ?? "not on this machine" });
      return false;
    });
    const store = await this.storeFor(projectPath);
    const snaps = await this.snapshotsOf(live, opts.fresh ?? false, store);
    const tips = await this.baseTips(projectPath, [...new Set(live.map((i) => i.base))]);

    // Changed files of each workspace and of its base since the branch left it (cached by both commits).
    const ready: { input: OverlapInput; commit: string; tip: string; key: string }[] = [];
    for (const input of live) {
      const snap = snaps.get(input.id);
      const tip = tips.get(input.base);
      if (!snap || "error" in snap) out.set(input.id, { id: input.id, skipped: snap?.error ?? "no answer from git" });
      else if (!tip) out.set(input.id, { id: input.id, skipped: `its base ${input.base} does not exist` });
      else ready.push({ input, commit: snap.commit, tip, key: `${snap.commit}:${tip}` });
    }
    await this.fill(projectPath, ready, store);
    // Which pairs share files; only those can conflict, so only those are merged.
    type Row = (typeof ready)[number] & Changed & { files: Set<string> };
    const rows: Row[] = [];
    for (const r of ready) {
      const ch = this.changed.get(r.key);
      if (!ch) out.set(r.input.id, { id: r.input.id, skipped: "its branch has no history in common with its base" });
      else rows.push({ ...r, ...ch, files: new Set(ch.changed) });
    }
    const wanted: { key: string; a: string; b: string }[] = [];
    const mergeKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
    const want = (a: string, b: string) => {
      const key = mergeKey(a, b);
      if (!this.merges.has(key)) wanted.push({ key, a, b });
    };
    const trunkShared = new Map<string, string[]>();
    for (const r of rows) {
      const shared = sortedIntersection(r.trunk, r.files);
      trunkShared.set(r.input.id, shared);
      if (shared.length) want(r.commit, r.tip);
    }
    const pairs: { a: Row; b: Row; shared: string[] }[] = [];
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        const [a, b] = [rows[i], rows[j]];
        // Two local workspaces in one directory are the same files, not an overlap.
        if (a.input.dir === b.input.dir) continue;
        const shared = sortedIntersection(a.changed, b.files);
        if (!shared.length) continue;
        pairs.push({ a, b, shared });
        if (a.commit !== b.commit) want(a.commit, b.commit);
      }
    }
    await this.mergeAll(projectPath, [...new Map(wanted.map((w) => [w.key, w])).values()], store);

    const conflicts = (a: string, b: string) => (a === b ? [] : (this.merges.get(mergeKey(a, b)) ?? []));
    for (const r of rows) {
      const shared = trunkShared.get(r.input.id) ?? [];
      out.set(r.input.id, {
        id: r.input.id,
        changed: r.changed,
        trunk: r.trunk.length ? { base: r.input.base, shared, conflicting: shared.length ? conflicts(r.commit, r.tip) : [] } : null,
        others: new Map(),
      });
    }
    for (const { a, b, shared } of pairs) {
      const conflicting = conflicts(a.commit, b.commit);
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

  /** The project's scratch object store (undefined without a scratch directory, or outside a repository). */
  private async storeFor(projectPath: string): Promise<ObjectStore | undefined> {
    if (!this.scratchDir) return undefined;
    const known = this.stores.get(projectPath);
    if (known) return known;
    const dir = path.join(this.scratchDir, createHash("sha256").update(projectPath).digest("hex").slice(0, 16), "objects");
    const store = await objectStoreIn(dir, projectPath);
    if (store) this.stores.set(projectPath, store);
    return store;
  }

  private async snapshotsOf(live: OverlapInput[], fresh: boolean, store: ObjectStore | undefined): Promise<Map<string, Snapshot>> {
    const keyOf = (i: OverlapInput) => (i.statusKey ? `${i.dir}\0${i.statusKey}` : null);
    const out = new Map<string, Snapshot>();
    const todo: OverlapInput[] = [];
    for (const i of live) {
      const known = this.snapshots.get(i.id);
      const key = keyOf(i);
      if (i.cleanHead) out.set(i.id, { head: i.cleanHead, commit: i.cleanHead });
      else if (!fresh && key && known?.key === key && !("error" in known.snapshot)) out.set(i.id, known.snapshot);
      else todo.push(i);
    }
    this.stats.snapshots += todo.length;
    const made = await snapshotAll(
      todo.map((i) => ({ id: i.id, dir: i.dir as string })),
      store,
    );
    for (const i of todo) {
      const snapshot = made.get(i.id) ?? { error: "no answer from git" };
      out.set(i.id, snapshot);
      const key = keyOf(i);
      if (key) this.snapshots.set(i.id, { key, snapshot });
    }
    return out;
  }

  /** A workspace is gone: its snapshot is not kept for it any more. */
  forget(id: string): void {
    this.snapshots.delete(id);
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
   * Fills the changed-files cache for the keys it lacks: each workspace's merge base with its
   * base (one `git merge-base` each), then every `base...snapshot` and `snapshot...base` diff in
   * one `git diff-tree --stdin`.
   */
  private async fill(projectPath: string, items: { key: string; commit: string; tip: string }[], store: ObjectStore | undefined): Promise<void> {
    const todo = [...new Map(items.filter((i) => !this.changed.has(i.key)).map((i) => [i.key, i])).values()];
    if (!todo.length) return;
    this.stats.diffs += todo.length;
    const bases = (await runScript(todo.map((i) => `git merge-base ${i.tip} ${i.commit} || echo '!'`).join("\n"), projectPath, "", store)).split("\n");
    const found = todo.flatMap((item, k) => (/^[0-9a-f]{40,64}$/.test(bases[k] ?? "") ? [{ ...item, base: bases[k] }] : []));
    if (!found.length) return;
    // Per workspace: what it changed (merge base → snapshot), what its base changed (merge base → tip).
    const lines = found.flatMap((f) => [`${f.base} ${f.commit}`, `${f.base} ${f.tip}`]);
    const fields = nulFields(
      await runScript("exec git diff-tree --stdin -r --name-only -z --no-renames --no-ext-diff --always", projectPath, `${lines.join("\n")}\n`, store),
    );
    // --always: every line's diff starts with its first commit id, even when it is empty.
    const segments: string[][] = [];
    let k = 0;
    for (const line of lines) {
      const header = line.slice(0, line.indexOf(" "));
      if (fields[k] !== header) throw new Error(`unexpected git diff-tree output at ${JSON.stringify(fields[k])}`);
      const next = lines[segments.length + 1]?.split(" ")[0];
      let end = k + 1;
      while (end < fields.length && fields[end] !== next) end++;
      segments.push(fields.slice(k + 1, end));
      k = end;
    }
    found.forEach((f, i) => put(this.changed, f.key, { changed: segments[2 * i], trunk: segments[2 * i + 1] }));
  }

  /** Merges (in memory: `git merge-tree`, nothing is written to any branch) all the pairs at once. */
  private async mergeAll(projectPath: string, pairs: { key: string; a: string; b: string }[], store: ObjectStore | undefined): Promise<void> {
    if (!pairs.length) return;
    this.stats.merges += pairs.length;
    await Promise.all(
      halves(pairs).map(async (chunk) => {
        const input = chunk.map((p) => `${p.a} ${p.b}\n`).join("");
        const fields = nulFields(await runScript("exec git merge-tree --stdin -z --name-only --no-messages", projectPath, input, store));
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
