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

/** What {@link worktreeFingerprint} hashes (after the base commit, when it has one), with the real index. */
const FINGERPRINT = `${GIT} rev-parse -q --verify HEAD
stat -c '%s %y' "$(${GIT} rev-parse --git-path index)" 2>/dev/null
${GIT} ls-files -z -m -d -o --exclude-standard | xargs -0 -r stat -c '%n %s %y' -- 2>/dev/null`;

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
  /** The patch as git printed it. */
  patch: string;
  /** With `fingerprint`: the working tree's, taken just before the diff. */
  print?: string;
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
  const print =
    opts.fingerprint && out.startsWith(`${MARK}print\n`)
      ? createHash("sha1")
          .update(out.slice(MARK.length + 6, m.index))
          .digest("hex")
      : undefined;
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
  const version = createHash("sha1").update(baseSha).update(out.slice(mid)).digest("hex").slice(0, 16);
  return { baseSha, version, files, patch, ...(print ? { print } : {}) };
}

/**
 * A cheap fingerprint of the working tree (HEAD, the index, and the size and mtime of every
 * changed or untracked file, and with `base` the commit it names): it moves whenever the diff
 * may have, without computing the diff.
 */
export async function worktreeFingerprint(runtime: Runtime, base?: DiffBase): Promise<string> {
  const script = `unset ${GIT_ENV_TO_CLEAR}
export GIT_OPTIONAL_LOCKS=0 LC_ALL=C
${base ? `${baseScript(base)}\necho "$b"` : ""}
${FINGERPRINT}
true`;
  const r = await execCapture(runtime, script, { timeoutMs: TIMEOUT_MS });
  return createHash("sha1").update(r.stdout).digest("hex");
}

/** Applies `patch` reversed to the working tree only (never the index or history). */
export async function applyReversed(runtime: Runtime, patch: string): Promise<void> {
  await run(runtime, `unset ${GIT_ENV_TO_CLEAR}\n${GIT} apply -R --whitespace=nowarn -`, patch);
}
