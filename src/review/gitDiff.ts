/** The workspace's changes against a base, produced by git in the workspace's runtime (local or SSH). */
import { createHash } from "node:crypto";
import type { ReviewFile, ReviewHunk } from "../api/review.js";
import { execCapture, type Runtime } from "../runtime/types.js";
import { shq } from "../tools/shellQuote.js";
import { GIT_ENV_TO_CLEAR, validateBase } from "../workspace/gitStatusScript.js";
import { buildFiles, parsePatch, parseRaw, parseUnmerged } from "./parse.js";

const GIT = "git -c core.quotepath=off --no-optional-locks";
/** git's empty tree: the base of a repository without commits. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const MARK = "@@mux-review:";
const TIMEOUT_MS = 60_000;

export class ReviewError extends Error {}

/**
 * What {@link worktreeFingerprint} reads (after the base commit, when it has one), with the real
 * index: HEAD and the index, then a line per changed or untracked file (name, size, mtime), then
 * the deleted files' names (NUL-separated).
 */
const FINGERPRINT = `${GIT} rev-parse -q --verify HEAD
stat -c '%s %y' "$(${GIT} rev-parse --git-path index)" 2>/dev/null
echo '${MARK}files'
${GIT} ls-files -z -m -d -o --exclude-standard | xargs -0 -r stat -c '%n %s %y' -- 2>/dev/null
echo '${MARK}deleted'
${GIT} ls-files -z -d`;

/** The working tree's state as {@link FINGERPRINT} prints it: equal hashes, same diff. */
export interface Fingerprint {
  hash: string;
  /** The base commit, HEAD and the index. */
  head: string;
  /** Each changed or untracked file's line, by path (null when a line could not be read: compare hashes only). */
  files: Map<string, string> | null;
}

const STAT_LINE = /^(.*) \d+ \d{4}-\d\d-\d\d \S+ \S+$/;

function readFingerprint(text: string): Fingerprint {
  const hash = createHash("sha1").update(text).digest("hex");
  const at = text.indexOf(`${MARK}files\n`);
  if (at < 0) return { hash, head: text, files: null };
  const del = text.indexOf(`\n${MARK}deleted\n`, at);
  if (del < 0) return { hash, head: text.slice(0, at), files: null };
  const files = new Map<string, string>();
  for (const line of text.slice(at + MARK.length + 6, del).split("\n")) {
    if (!line) continue;
    const m = STAT_LINE.exec(line);
    // A name with a newline in it: no per-file comparison for this tree.
    if (!m || files.has(m[1])) return { hash, head: text.slice(0, at), files: null };
    files.set(m[1], line);
  }
  for (const name of text.slice(del + MARK.length + 9).split("\0")) if (name) files.set(name, "deleted");
  return { hash, head: text.slice(0, at), files };
}

/**
 * The files whose state differs between two fingerprints of the same base, HEAD and index (a
 * diff changes only in those), or null when more than that moved.
 */
export function changedPaths(a: Fingerprint, b: Fingerprint): string[] | null {
  if (a.head !== b.head || !a.files || !b.files) return null;
  const out: string[] = [];
  for (const [p, line] of a.files) if (b.files.get(p) !== line) out.push(p);
  for (const p of b.files.keys()) if (!a.files.has(p)) out.push(p);
  return out;
}

/**
 * Sets GIT_INDEX_FILE to a throw-away copy of the index in which untracked files (when wanted)
 * are intent-to-add: `git diff BASE` then shows them as new files, renames from tracked files
 * included, in one diff; the real index is never touched. `$@` limits it to some paths.
 */
function withDiffIndex(untracked: boolean): string {
  return `idx=$(${GIT} rev-parse --git-path index) || exit 3
tmp=$(mktemp "\${TMPDIR:-/tmp}/mux-review-index.XXXXXX") || exit 3
trap 'rm -f "$tmp" "$tmp.u"' EXIT
# -p keeps the index's mtime: git's check of "racily clean" entries compares file times with it.
if [ -f "$idx" ]; then cp -p "$idx" "$tmp"; else rm -f "$tmp"; fi
export GIT_INDEX_FILE=$tmp
printf '${MARK}untracked\\n'
${untracked ? `${GIT} ls-files -z -o --exclude-standard -- "$@" > "$tmp.u" && cat "$tmp.u" && xargs -0 -r ${GIT} add -N -- < "$tmp.u" >/dev/null` : ":"}
`;
}

/** A git command's output, or a ReviewError with git's own words. */
async function run(runtime: Runtime, script: string, stdin?: string): Promise<string> {
  const r = await execCapture(runtime, script, { timeoutMs: TIMEOUT_MS, stdin });
  if (r.exitCode !== 0) throw new ReviewError(r.stderr.trim().split("\n").slice(-3).join("\n") || `git exited with ${r.exitCode ?? r.signal}`);
  return r.stdout;
}

export interface DiffOptions {
  /** Include untracked (not ignored) files. */
  untracked: boolean;
  /** Only these paths (a renamed file needs both of its paths). */
  paths?: string[];
  /** Lines of context (default 3). */
  context?: number;
  /** Binary files as patches git can apply (for reverts). */
  binary?: boolean;
  /** Also take the working tree's fingerprint (as worktreeFingerprint with this base), first, in the same run. */
  fingerprint?: boolean;
}

/**
 * What to diff against: a commit (or any ref, as it is), the merge-base of a ref with HEAD, or
 * HEAD itself (the empty tree before the first commit). Resolved inside the diff's own script, so
 * a review costs one round trip to the runtime (an SSH host) however its base is named.
 */
export type DiffBase = string | { mergeBaseOf: string } | { head: true };

/** Shell lines that print the base commit of `base` (or fail with a reason on stderr). */
function baseScript(base: DiffBase): string {
  const ref = typeof base === "string" ? base : "mergeBaseOf" in base ? base.mergeBaseOf : null;
  if (ref !== null) {
    const bad = validateBase(ref);
    if (bad) throw new ReviewError(bad);
  }
  if (typeof base === "string")
    return `b=$(${GIT} rev-parse --verify -q ${shq(`${base}^{object}`)}) || { echo "unknown base ${base.replace(/[^\w./@-]/g, "?")}" >&2; exit 5; }`;
  if ("head" in base) return `b=$(${GIT} rev-parse --verify -q HEAD) || b=${EMPTY_TREE}`;
  return `b=$(${GIT} merge-base ${shq(base.mergeBaseOf)} HEAD) || { echo "no common commit with ${base.mergeBaseOf.replace(/[^\w./@-]/g, "?")}" >&2; exit 5; }`;
}

export interface DiffResult {
  /** The commit compared with. */
  baseSha: string;
  /** A hash of everything below: it changes exactly when the diff does. */
  version: string;
  files: { file: ReviewFile; hunks: ReviewHunk[] }[];
  /** The patch as git printed it (empty in a diff the review pieced together from parts). */
  patch: string;
  /** With `fingerprint`: the working tree's, taken just before the diff. */
  print?: Fingerprint;
}

/** Every change between `base` and the working tree: committed, staged, unstaged and (optionally) untracked. */
export async function workspaceDiff(runtime: Runtime, base: DiffBase, opts: DiffOptions): Promise<DiffResult> {
  const flags = `--no-color --no-ext-diff -M -U${opts.context ?? 3}${opts.binary ? " --binary" : ""}`;
  // One diff for names and the patch: raw records (NUL-separated), then the patch.
  const script = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 LC_ALL=C
${baseScript(base)}
${opts.fingerprint ? `printf '${MARK}print\\n'\necho "$b"\n${FINGERPRINT}\nprintf '\\n'` : ""}
printf '${MARK}base %s\\n' "$b"
set -- ${(opts.paths ?? []).map(shq).join(" ")}
${withDiffIndex(opts.untracked)}
printf '\\n${MARK}unmerged\\n'
${GIT} ls-files -z -u -- "$@" || exit 4
printf '\\n${MARK}diff\\n'
${GIT} diff -z --raw -p ${flags} "$b" -- "$@" || exit 4
`;
  const out = await run(runtime, script);
  const m = new RegExp(`(?:^|\n)${MARK}base ([0-9a-f]+)\n${MARK}untracked\n`).exec(out);
  const mid = out.indexOf(`\n${MARK}unmerged\n`);
  const at = out.indexOf(`\n${MARK}diff\n`, mid);
  if (!m || mid < 0 || at < 0) throw new ReviewError("git printed no diff");
  const baseSha = m[1];
  // The fingerprint section holds exactly what worktreeFingerprint hashes (its own newline ends before the base line).
  const print = opts.fingerprint && out.startsWith(`${MARK}print\n`) ? readFingerprint(out.slice(MARK.length + 6, m.index)) : undefined;
  const untracked = new Set(
    out
      .slice(m.index + m[0].length, mid)
      .split("\0")
      .filter(Boolean),
  );
  const unmerged = parseUnmerged(out.slice(mid + MARK.length + 10, at));
  const raw = out.slice(at + MARK.length + 6);
  const { changes, patch } = parseRaw(raw);
  const files = buildFiles(changes, parsePatch(patch), untracked, unmerged);
  return { baseSha, version: diffVersion(baseSha, files), files, patch, ...(print ? { print } : {}) };
}

/** The diff's version: its base and each file's (which says what the file shows). */
export function diffVersion(baseSha: string, files: { file: ReviewFile }[]): string {
  const h = createHash("sha1").update(baseSha);
  for (const { file } of files) h.update("\0").update(file.version ?? "");
  return h.digest("hex").slice(0, 16);
}

/**
 * `prev` (a diff taken with its fingerprint) with the files at `paths` diffed again, or null when
 * that might not be the diff git gives for the whole tree: a file of theirs is deleted, renamed or
 * copied, or is new while a deleted file elsewhere could pair with it as a rename; a path matched
 * other files; or more than those files moved meanwhile.
 */
export async function updateDiff(runtime: Runtime, base: DiffBase, untracked: boolean, prev: DiffResult, paths: string[]): Promise<DiffResult | null> {
  const set = new Set(paths);
  const renameSources = prev.files.some((f) => !set.has(f.file.path) && f.file.status !== "modified" && f.file.status !== "added");
  const simple = (f: { file: ReviewFile }) => f.file.oldPath === undefined && (f.file.status === "modified" || (f.file.status === "added" && !renameSources));
  const before = prev.files.filter((f) => set.has(f.file.path) || (f.file.oldPath !== undefined && set.has(f.file.oldPath)));
  if (!before.every(simple) || paths.length === 0) return null;
  const part = await workspaceDiff(runtime, base, { untracked, fingerprint: true, paths }).catch(() => null);
  if (!part?.print || part.baseSha !== prev.baseSha || !part.files.every((f) => simple(f) && set.has(f.file.path))) return null;
  const moved = prev.print && changedPaths(prev.print, part.print);
  if (!moved?.every((p) => set.has(p))) return null;
  // git's order: by path, byte by byte.
  const files = [...prev.files.filter((f) => !set.has(f.file.path)), ...part.files]
    .map((f) => ({ f, key: Buffer.from(f.file.path) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ f }) => f);
  return { baseSha: prev.baseSha, version: diffVersion(prev.baseSha, files), files, patch: "", print: part.print };
}

/**
 * A cheap fingerprint of the working tree (HEAD, the index, and the size and mtime of every
 * changed or untracked file, and with `base` the commit it names): it moves whenever the diff
 * may have, without computing the diff.
 */
export async function worktreeFingerprint(runtime: Runtime, base?: DiffBase): Promise<Fingerprint> {
  const script = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 LC_ALL=C
${base ? `${baseScript(base)}\necho "$b"` : ""}
${FINGERPRINT}
true`;
  const r = await execCapture(runtime, script, { timeoutMs: TIMEOUT_MS });
  return readFingerprint(r.stdout);
}

const PRINT_END = `${MARK}end\n`;

/**
 * Fingerprints of the working tree (as worktreeFingerprint takes them without a base), one every
 * `intervalMs`, from one long-lived script until `signal` aborts: a watcher costs one process
 * start in all (each start stalls the server a moment, and over SSH costs a round trip) rather
 * than one per look. Resolves when the script ends (the runtime went away, or the abort).
 */
export async function watchFingerprints(runtime: Runtime, intervalMs: number, signal: AbortSignal, onPrint: (print: Fingerprint) => void): Promise<void> {
  // The loop ends by itself once nobody reads its output (a write to a closed pipe).
  const script = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 LC_ALL=C
while :; do
${FINGERPRINT}
printf '${MARK}end\\n' || exit 0
sleep ${(intervalMs / 1000).toFixed(3)}
done`;
  let buf = "";
  await runtime.exec(script, {
    signal,
    onStdout: (chunk) => {
      buf += chunk;
      for (let at = buf.indexOf(PRINT_END); at >= 0; at = buf.indexOf(PRINT_END)) {
        onPrint(readFingerprint(buf.slice(0, at)));
        buf = buf.slice(at + PRINT_END.length);
      }
    },
  });
}

/** Applies `patch` reversed to the working tree only (never the index or history). */
export async function applyReversed(runtime: Runtime, patch: string): Promise<void> {
  await run(runtime, `unset ${GIT_ENV_TO_CLEAR}\n${GIT} apply -R --whitespace=nowarn -`, patch);
}
