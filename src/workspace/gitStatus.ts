/**
 * Git status of every workspace, as the sidebar shows it: branch, ahead/behind the workspace's
 * base, dirty files and lines added/removed since the merge-base with the base.
 *
 * One workspace costs ONE `runtime.exec`: a small bash script runs the few git commands and
 * prints one NUL-delimited stream, so over SSH a status is one round trip. gitStatusAll goes
 * further for workspaces on the same machine: several per exec (see `batchKey`). The git
 * commands never take the index lock (`--no-optional-locks`, `GIT_OPTIONAL_LOCKS=0`), so a
 * refresh cannot make the agent's own `git commit` fail with "index.lock exists".
 *
 * Process creation is the main cost (≈7 ms per process on a small VM, ≈15 ms per spawn from
 * Node), so the script starts as few as it can: two git processes — `status` (which also gives
 * ahead/behind: the base is made the branch's upstream for that one command) and
 * `diff --merge-base` (skipped when there is nothing to diff, and its sums reused while HEAD,
 * base, ahead/behind and the changed files are as they were: see the script) — and no helper:
 * untracked files are line-counted by bash builtins, only files over 32 KiB go to one `grep`.
 *
 * Output grammar (every token ends with NUL; markers start with `@@mux:`, which no status or
 * numstat record can start with, and the parser only looks for them at record boundaries):
 *
 *   [@@mux:ws <index>]                                              — batches only
 *   @@mux:missing <reason> @@mux:done                               — directory gone / no .git
 *   @@mux:status <porcelain v2 records…> @@mux:end 0
 *                                      | @@mux:end 1 <error> @@mux:done   — git status failed
 *   @@mux:revlist <rc> <"behind<TAB>ahead" | error text>
 *   @@mux:numstat <numstat -z records…> @@mux:end <rc> <mergebase | head | none>
 *   @@mux:untracked <line counts, whitespace separated> @@mux:end <number of untracked files>
 *   @@mux:done
 */
import { type Runtime, execCapture } from "../runtime/types.js";
import {
  batchStatusScript,
  DEFAULT_STATUS_CONCURRENCY,
  DEFAULT_STATUS_TIMEOUT_MS,
  MAX_BATCH,
  type ParsedStatus,
  parseBatchOutput,
  parseStatusOutput,
  statusScript,
  validateBase,
} from "./gitStatusScript.js";

export interface GitStatus {
  /** Branch name; for a detached HEAD the short sha; null when unknown (missing, broken repo). */
  branch: string | null;
  /** True when HEAD is detached (`branch` is then the short sha). */
  detached: boolean;
  /** Full sha of HEAD; null before the first commit or when unknown. */
  headSha: string | null;
  /** Commits on HEAD that are not on base. */
  ahead: number;
  /** Commits on base that are not on HEAD. */
  behind: number;
  /** Staged + unstaged + untracked entries of `git status --porcelain` (untracked: every file). */
  dirtyFiles: number;
  /**
   * Lines added/removed between the merge-base with `base` and the working tree (tracked files,
   * committed or not; renames count 0/0; binary files 0), plus, in `linesAdded`, the lines of
   * untracked text files (at most UNTRACKED_MAX_FILES files, UNTRACKED_MAX_LINES_PER_FILE each).
   */
  linesAdded: number;
  linesRemoved: number;
  base: string;
  /** The worktree directory is gone, or is not the root of a git worktree. */
  missing?: boolean;
  /** What went wrong, when something did; the other fields are then best-effort. */
  error?: string;
  updatedAt: number;
}

export interface StatusTarget {
  /** Workspace id. */
  id: string;
  /** Runtime rooted at the workspace's worktree. */
  runtime: Runtime;
  /** Ref to compare against: `main`, `origin/main`, a sha… */
  base: string;
}

export interface GitStatusOptions {
  /** Kill a status script after this long (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Clock for `updatedAt` (default Date.now). */
  now?: () => number;
}

export interface GitStatusAllOptions extends GitStatusOptions {
  /** Status scripts running at once (default DEFAULT_STATUS_CONCURRENCY). */
  concurrency?: number;
  /**
   * Targets given the same key are computed several per exec, through the runtime of the first
   * of them (the script enters each worktree by its absolute path), saving a process spawn per
   * workspace. Default `defaultBatchKey`: runtimes of type "local"/"worktree" share the key
   * "local". Return undefined for a target to compute it alone; `false` turns batching off.
   * Give SSH runtimes on one host a common key to fetch all their statuses in a few round trips.
   */
  batchKey?: ((target: StatusTarget) => string | undefined) | false;
}

export function firstLine(s: string): string {
  const lines = s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => l.startsWith("fatal:") || l.startsWith("error:")) ?? lines[0] ?? "";
}

/** A status with nothing known yet (zeros): the start of every status, and of tests' fakes. */
export function emptyStatus(base: string, now: number): GitStatus {
  return {
    branch: null,
    detached: false,
    headSha: null,
    ahead: 0,
    behind: 0,
    dirtyFiles: 0,
    linesAdded: 0,
    linesRemoved: 0,
    base,
    updatedAt: now,
  };
}

/** Turns a complete parsed output into the status. */
function toStatus(p: ParsedStatus, base: string, invalidBase: string | null, now: number): GitStatus {
  const s = emptyStatus(base, now);
  if (p.missing !== undefined) return { ...s, missing: true, error: p.missing };
  if (p.statusRc === undefined) return { ...s, error: "git status produced no output" };
  if (p.statusRc !== 0) {
    const msg = firstLine(p.statusError ?? "") || "git status failed";
    // A .git file pointing at a pruned worktree, or a .git that is not a repository.
    if (/not a git repository/i.test(msg)) return { ...s, missing: true, error: msg };
    return { ...s, error: msg };
  }
  s.branch = p.branch;
  s.detached = p.detached;
  s.headSha = p.headSha;
  s.dirtyFiles = p.dirtyFiles;
  s.linesAdded = p.linesAdded + p.untrackedLines;
  s.linesRemoved = p.linesRemoved;
  const errors: string[] = [];
  if (invalidBase) errors.push(invalidBase);
  else if (p.headSha === null) errors.push("HEAD has no commits yet");
  else {
    const m = p.revlistRc === 0 ? /^(\d+)\s+(\d+)$/.exec(p.revlist ?? "") : null;
    if (m) {
      s.behind = Number(m[1]);
      s.ahead = Number(m[2]);
      if (p.numstatAgainst === "head") errors.push(`no common ancestor with base ${JSON.stringify(base)}`);
    } else if (p.revlistRc !== undefined) {
      const why = firstLine(p.revlist ?? "");
      errors.push(
        /unknown revision|ambiguous argument|bad revision|not a valid/i.test(why) ? `base ${JSON.stringify(base)} not found` : `ahead/behind failed: ${why}`,
      );
    }
  }
  if (p.numstatRc !== undefined && p.numstatRc !== 0 && p.headSha !== null) {
    errors.push(`git diff exited with ${p.numstatRc}`);
  }
  if (!p.done) errors.push("status output was cut short");
  if (errors.length) s.error = errors.join("; ");
  return s;
}

type Captured = Awaited<ReturnType<typeof execCapture>>;

/** Why an exec's output cannot be trusted, if it cannot. */
function execProblem(out: Captured, timeoutMs: number): string | undefined {
  if (out.timedOut) return `git status timed out after ${timeoutMs} ms`;
  if (out.aborted) return "git status aborted";
  return undefined;
}

/** The git status of one workspace: one `runtime.exec`; never throws. */
export async function gitStatus(target: StatusTarget, opts: GitStatusOptions = {}): Promise<GitStatus> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const { runtime, base } = target;
  const invalid = validateBase(base);
  // An invalid base still gets branch and dirty files: the script is run with HEAD as base.
  const script = statusScript(runtime.root, invalid ? "HEAD" : base);
  for (let attempt = 1; ; attempt++) {
    let out: Captured;
    try {
      // cwd "/" (which exists everywhere): the script itself enters the worktree, so a deleted
      // directory is reported the same way by every runtime instead of as a spawn error.
      out = await execCapture(runtime, script, { cwd: "/", timeoutMs, signal: opts.signal, background: true });
    } catch (err) {
      return { ...emptyStatus(base, now()), error: `git status failed to run: ${(err as Error).message}` };
    }
    const p = parseStatusOutput(out.stdout);
    if (p.missing !== undefined) return toStatus(p, base, invalid, now());
    const problem = execProblem(out, timeoutMs);
    if (problem) return { ...emptyStatus(base, now()), error: problem };
    // The script always ends with the done marker; an exit without it means the output was
    // lost on the way (a dying shell, a dropped connection): run it once more.
    if (!p.done && attempt < 2) continue;
    if (p.statusRc === undefined) {
      const why = firstLine(out.stderr);
      return { ...emptyStatus(base, now()), error: `git status produced no output (exit ${out.exitCode})${why ? `: ${why}` : ""}` };
    }
    return toStatus(p, base, invalid, now());
  }
}

/** Local runtimes share one machine: their workspaces can be computed in one exec. */
export function defaultBatchKey(target: StatusTarget): string | undefined {
  const type = target.runtime.type;
  return type === "local" || type === "worktree" ? "local" : undefined;
}

/** A counting semaphore. */
export class Limiter {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Several workspaces in one exec (through the first one's runtime); never throws. */
async function gitStatusBatch(targets: StatusTarget[], opts: GitStatusOptions): Promise<GitStatus[]> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const invalid = targets.map((t) => validateBase(t.base));
  const script = batchStatusScript(targets.map((t, i) => ({ root: t.runtime.root, base: invalid[i] ? "HEAD" : t.base })));
  let out: Captured | undefined;
  let runError: string | undefined;
  try {
    out = await execCapture(targets[0].runtime, script, { cwd: "/", timeoutMs, signal: opts.signal, background: true });
  } catch (err) {
    runError = (err as Error).message;
  }
  const parsed = out ? parseBatchOutput(out.stdout, targets.length) : [];
  const problem = out ? execProblem(out, timeoutMs) : undefined;
  const results = new Array<GitStatus>(targets.length);
  const redo: number[] = [];
  let blamed = false;
  for (let i = 0; i < targets.length; i++) {
    const p = parsed[i];
    if (p?.done) results[i] = toStatus(p, targets[i].base, invalid[i], now());
    else if (problem && !blamed && p) {
      // The workspace the script was busy with when it was killed: that one gets the blame,
      // the ones after it are computed alone.
      blamed = true;
      results[i] = { ...emptyStatus(targets[i].base, now()), error: problem };
    } else if (out?.aborted) results[i] = { ...emptyStatus(targets[i].base, now()), error: "git status aborted" };
    else redo.push(i);
  }
  if (runError && redo.length === targets.length) {
    // The runtime could not run the script at all: no point trying each workspace alone.
    for (const i of redo) results[i] = { ...emptyStatus(targets[i].base, now()), error: `git status failed to run: ${runError}` };
    return results;
  }
  for (const i of redo) results[i] = await gitStatus(targets[i], opts);
  return results;
}

interface RunOptions extends GitStatusOptions {
  limiter: Limiter;
  batchKey: ((target: StatusTarget) => string | undefined) | false;
  /** One exec per MAX_BATCH workspaces, rather than spreading them over every free slot. */
  fewestExecs?: boolean;
  statusFn?: (target: StatusTarget, opts: GitStatusOptions) => Promise<GitStatus>;
}

/**
 * Computes every target's status — batched where `batchKey` allows, at most `limiter.max` execs
 * at once — calling `onResult(index, status)` as each becomes known. Never throws.
 */
export async function runStatuses(targets: StatusTarget[], opts: RunOptions, onResult: (index: number, status: GitStatus) => void): Promise<void> {
  const now = opts.now ?? Date.now;
  const one = opts.statusFn ?? gitStatus;
  const safeOne = async (t: StatusTarget): Promise<GitStatus> => {
    try {
      return await one(t, opts);
    } catch (err) {
      return { ...emptyStatus(t.base, now()), error: (err as Error).message };
    }
  };
  const jobs: number[][] = [];
  const groups = new Map<string, number[]>();
  targets.forEach((t, i) => {
    const key = opts.statusFn || !opts.batchKey ? undefined : opts.batchKey(t);
    if (key === undefined) jobs.push([i]);
    else groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const members of groups.values()) {
    // As many chunks as execs may run at once (so every slot is busy), each ≤ MAX_BATCH.
    const fewest = Math.ceil(members.length / MAX_BATCH);
    const chunks = opts.fewestExecs ? fewest : Math.max(Math.min(opts.limiter.max, members.length), fewest);
    const size = Math.ceil(members.length / chunks);
    for (let k = 0; k < members.length; k += size) jobs.push(members.slice(k, k + size));
  }
  await Promise.all(
    jobs.map((job) =>
      opts.limiter.run(async () => {
        if (job.length === 1) {
          onResult(job[0], await safeOne(targets[job[0]]));
          return;
        }
        const statuses = await gitStatusBatch(
          job.map((i) => targets[i]),
          opts,
        );
        job.forEach((i, k) => onResult(i, statuses[k]));
      }),
    ),
  );
}

/** The status of every target, `concurrency` execs at a time; never throws for one workspace. */
export async function gitStatusAll(targets: StatusTarget[], opts: GitStatusAllOptions = {}): Promise<Map<string, GitStatus>> {
  const statuses = new Array<GitStatus>(targets.length);
  await runStatuses(
    targets,
    {
      ...opts,
      limiter: new Limiter(Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_STATUS_CONCURRENCY))),
      batchKey: opts.batchKey ?? defaultBatchKey,
    },
    (i, s) => {
      statuses[i] = s;
    },
  );
  return new Map(targets.map((t, i) => [t.id, statuses[i]]));
}

/** True when two statuses differ in anything but `updatedAt`. */
export function statusChanged(a: GitStatus | undefined, b: GitStatus): boolean {
  if (!a) return true;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof GitStatus)[]);
  for (const k of keys) {
    if (k === "updatedAt") continue;
    if (a[k] !== b[k]) return true;
  }
  return false;
}
