/**
 * `npx tsx bench/gitStatus.ts`: how fast are workspaces created and their git status refreshed?
 *
 * Builds a real repository (200 files, 50 commits) in a temp dir, then 50 worktree workspaces
 * (`git worktree add -b name path main`), each with one or two commits and two dirty files
 * (a modified tracked file and an untracked one). Measures:
 *
 *   (a) creating one workspace — median (and min/max) over the 50 `git worktree add` calls;
 *   (b) refreshing the status of all 50 with gitStatusAll — once right after creation, then,
 *       with the indexes settled as the server settles them (settleIndex), median and max over
 *       the runs after one warm-up, at the default concurrency (nothing changed in between: the
 *       periodic refresh), and again with every workspace edited before each run;
 *   (c) the same refresh at concurrency 1, 2, 4, 8, batched (several local workspaces per
 *       exec, the default) and one exec per workspace (rounds interleaved), to choose defaults.
 *
 * Wall times depend on what else the machine runs (the load average is printed); CPU times
 * (this process and all its children, from /proc) much less.
 *
 * Only reports; fails loudly if a status is wrong (every workspace must be ahead, with 2 dirty
 * files and no error). Flags: --workspaces N (50), --runs N (10), --json.
 * `main()` is exported for other bench runners; the file only runs itself when executed directly.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { git } from "./gitFixture.js";
import { LocalRuntime } from "../src/runtime/local.js";
import { type GitStatus, type StatusTarget, gitStatusAll } from "../src/workspace/gitStatus.js";
import { DEFAULT_STATUS_CONCURRENCY } from "../src/workspace/gitStatusScript.js";
import { RACY_GIT_WINDOW_MS, settleIndex } from "../src/workspace/worktree.js";

const TARGET_REFRESH_MS = 1_000;
const FILES = 200;
const COMMITS = 50;
const SWEEP = [1, 2, 4, 8];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const max = (xs: number[]) => Math.max(...xs);
const min = (xs: number[]) => Math.min(...xs);
const ms = (x: number) => `${x.toFixed(1)} ms`;

export interface GitStatusBenchResult {
  workspaces: number;
  createMedianMs: number;
  createMinMs: number;
  createMaxMs: number;
  concurrency: number;
  refreshMedianMs: number;
  /** One refresh right after creation, before the indexes are settled (racily clean files). */
  refreshFreshMs: number;
  /** Refreshes right after every workspace's modified file got one more line (nothing reusable). */
  refreshChangedMedianMs: number;
  refreshChangedCpuMedianMs?: number;
  refreshMaxMs: number;
  refreshRuns: number;
  /**
   * CPU time (user + sys, this process and every child) one refresh of all workspaces costs;
   * unlike wall time it hardly depends on what else the machine is running. Linux only.
   */
  refreshCpuMedianMs?: number;
  /** Refresh time of all workspaces per concurrency, batched or one exec per workspace. */
  sweep: { concurrency: number; batched: boolean; medianMs: number; maxMs: number; cpuMs?: number }[];
  loadAverage: number[];
  cpus: number;
  targetMs: number;
  meetsTarget: boolean;
}

interface Options {
  workspaces: number;
  runs: number;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { workspaces: 50, runs: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") opts.json = true;
    else if (a === "--workspaces") opts.workspaces = Number(argv[++i]);
    else if (a === "--runs") opts.runs = Number(argv[++i]);
    else throw new Error(`unknown flag ${a}`);
  }
  if (!(opts.workspaces > 0) || !(opts.runs > 0)) throw new Error("--workspaces and --runs must be positive");
  return opts;
}

/** 200 files in 10 directories, 50 commits each touching a few of them. */
function buildRepo(repo: string): void {
  fs.mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  for (let f = 0; f < FILES; f++) {
    const dir = path.join(repo, `src/mod${f % 10}`);
    fs.mkdirSync(dir, { recursive: true });
    const lines = Array.from({ length: 40 }, (_, l) => `export const v${f}_${l} = ${l}; // file ${f} line ${l}`);
    fs.writeFileSync(path.join(dir, `file${f}.ts`), `${lines.join("\n")}\n`);
  }
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "initial import");
  for (let c = 1; c < COMMITS; c++) {
    for (let k = 0; k < 3; k++) {
      const f = (c * 7 + k * 13) % FILES;
      fs.appendFileSync(path.join(repo, `src/mod${f % 10}/file${f}.ts`), `// commit ${c} touch ${k}\n`);
    }
    git(repo, "commit", "-qam", `commit ${c}`);
  }
}

/** One or two commits and two dirty files (one modified tracked, one untracked). */
function dirtyWorkspace(dir: string, i: number): void {
  const commits = 1 + (i % 2);
  for (let c = 0; c < commits; c++) {
    const f = (i * 3 + c) % FILES;
    fs.appendFileSync(path.join(dir, `src/mod${f % 10}/file${f}.ts`), `// workspace ${i} commit ${c}\n`);
    git(dir, "commit", "-qam", `ws ${i} commit ${c}`);
  }
  const f = (i * 5 + 1) % FILES;
  fs.appendFileSync(path.join(dir, `src/mod${f % 10}/file${f}.ts`), "// uncommitted\n");
  fs.writeFileSync(path.join(dir, `notes-${i}.md`), "# notes\n\nwork in progress\n");
}

/** One more uncommitted line in the workspace's modified file (see dirtyWorkspace). */
function editDirtyFile(dir: string, i: number): void {
  const f = (i * 5 + 1) % FILES;
  fs.appendFileSync(path.join(dir, `src/mod${f % 10}/file${f}.ts`), "// edited again\n");
}

function check(statuses: Map<string, GitStatus>, n: number): void {
  if (statuses.size !== n) throw new Error(`expected ${n} statuses, got ${statuses.size}`);
  for (const [id, s] of statuses) {
    if (s.error || s.missing || s.ahead < 1 || s.dirtyFiles !== 2 || s.linesAdded < 3) {
      throw new Error(`wrong status for ${id}: ${JSON.stringify(s)}`);
    }
  }
}

/**
 * CPU time (ms) used so far by this process plus its reaped children (and theirs: bash waits
 * for git) — from /proc, so it works only on Linux; undefined elsewhere.
 */
function cpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14–17 (utime stime cutime cstime) are f[11..14] after the "(comm)" field
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

async function timeRefresh(targets: StatusTarget[], concurrency: number, cpu?: number[], batch = true): Promise<number> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const statuses = await gitStatusAll(targets, { concurrency, batchKey: batch ? undefined : false });
  const dt = performance.now() - t0;
  const c1 = cpuMs();
  if (cpu && c0 !== undefined && c1 !== undefined) cpu.push(c1 - c0);
  check(statuses, targets.length);
  return dt;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<GitStatusBenchResult> {
  const opts = parseArgs(argv);
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-gitstatus-")));
  try {
    const repo = path.join(tmp, "repo");
    process.stderr.write(`building repo (${FILES} files, ${COMMITS} commits) in ${tmp} …\n`);
    buildRepo(repo);

    process.stderr.write(`creating ${opts.workspaces} worktree workspaces …\n`);
    const createMs: number[] = [];
    const targets: StatusTarget[] = [];
    for (let i = 0; i < opts.workspaces; i++) {
      const dir = path.join(tmp, "ws", `ws-${i}`);
      const t0 = performance.now();
      git(repo, "worktree", "add", "-q", "-b", `ws-${i}`, dir, "main");
      createMs.push(performance.now() - t0);
      dirtyWorkspace(dir, i);
      targets.push({ id: `ws-${i}`, runtime: new LocalRuntime(dir), base: "main" });
    }

    process.stderr.write("refreshing …\n");
    // Fresh worktrees: their indexes were written in the same second as their files, so git
    // re-reads every file on each status until the index is written again…
    const freshMs = await timeRefresh(targets, DEFAULT_STATUS_CONCURRENCY);
    // …which the server does once, a moment after creating a workspace (Hub.settleIndexLater).
    await new Promise((r) => setTimeout(r, RACY_GIT_WINDOW_MS));
    for (const t of targets) await settleIndex(t.runtime.root);
    await timeRefresh(targets, DEFAULT_STATUS_CONCURRENCY); // warm-up (page cache)
    const refreshMs: number[] = [];
    const refreshCpuMs: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      refreshMs.push(await timeRefresh(targets, DEFAULT_STATUS_CONCURRENCY, refreshCpuMs));
    }
    // The worst case: every workspace changed since the last refresh (one more line in its
    // modified file), so no numstat can be reused.
    const changedMs: number[] = [];
    const changedCpuMs: number[] = [];
    for (let r = 0; r < opts.runs; r++) {
      targets.forEach((t, i) => editDirtyFile(t.runtime.root, i));
      changedMs.push(await timeRefresh(targets, DEFAULT_STATUS_CONCURRENCY, changedCpuMs));
    }

    // Concurrency sweep, batched (default) and one exec per workspace; rounds interleaved so
    // background load hits every setting alike.
    const sweepRuns = Math.max(3, Math.ceil(opts.runs / 3));
    const configs = SWEEP.flatMap((c) => [
      { concurrency: c, batched: true },
      { concurrency: c, batched: false },
    ]);
    const sweepMs = configs.map(() => [] as number[]);
    const sweepCpu = configs.map(() => [] as number[]);
    for (let r = 0; r < sweepRuns; r++) {
      for (const [k, cfg] of configs.entries()) {
        sweepMs[k].push(await timeRefresh(targets, cfg.concurrency, sweepCpu[k], cfg.batched));
      }
    }

    const result: GitStatusBenchResult = {
      workspaces: opts.workspaces,
      createMedianMs: median(createMs),
      createMinMs: min(createMs),
      createMaxMs: max(createMs),
      concurrency: DEFAULT_STATUS_CONCURRENCY,
      refreshMedianMs: median(refreshMs),
      refreshFreshMs: freshMs,
      refreshChangedMedianMs: median(changedMs),
      refreshChangedCpuMedianMs: changedCpuMs.length ? median(changedCpuMs) : undefined,
      refreshMaxMs: max(refreshMs),
      refreshRuns: opts.runs,
      refreshCpuMedianMs: refreshCpuMs.length ? median(refreshCpuMs) : undefined,
      sweep: configs.map((cfg, k) => ({
        ...cfg,
        medianMs: median(sweepMs[k]),
        maxMs: max(sweepMs[k]),
        cpuMs: sweepCpu[k].length ? median(sweepCpu[k]) : undefined,
      })),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      cpus: os.cpus().length,
      targetMs: TARGET_REFRESH_MS,
      meetsTarget: median(refreshMs) < TARGET_REFRESH_MS,
    };
    print(result);
    if (opts.json) console.log(JSON.stringify(result));
    return result;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function print(r: GitStatusBenchResult): void {
  const n = r.workspaces;
  const rows: [string, string][] = [
    [`create one workspace (git worktree add), median of ${n}`, ms(r.createMedianMs)],
    ["  min / max", `${ms(r.createMinMs)} / ${ms(r.createMaxMs)}`],
    [`refresh ${n} workspaces (gitStatusAll defaults: concurrency ${r.concurrency}, batched), median of ${r.refreshRuns}`, ms(r.refreshMedianMs)],
    ["  max", ms(r.refreshMaxMs)],
    ["  right after creation, before the server settles the indexes (one run)", ms(r.refreshFreshMs)],
    [`  every workspace edited since the last refresh, median of ${r.refreshRuns}`, ms(r.refreshChangedMedianMs)],
    ...(r.refreshChangedCpuMedianMs === undefined ? [] : [["    CPU time", ms(r.refreshChangedCpuMedianMs)] as [string, string]]),
    ["  per workspace (median / n)", ms(r.refreshMedianMs / n)],
  ];
  if (r.refreshCpuMedianMs !== undefined) {
    rows.push(
      [`  CPU time per refresh of ${n} (user+sys, all processes)`, ms(r.refreshCpuMedianMs)],
      [`  → wall time on ${r.cpus} idle CPUs, at best (CPU / CPUs)`, ms(r.refreshCpuMedianMs / r.cpus)],
    );
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\ngit status bench — ${r.cpus} CPUs, load average ${r.loadAverage.join(" ")}\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v.padStart(18)}`);
  console.log(`\nrefresh of ${n} workspaces by concurrency — median / max wall time, median CPU time:`);
  for (const s of r.sweep) {
    const mark = s.concurrency === r.concurrency && s.batched ? "  ← default" : "";
    const how = s.batched ? "batched          " : "1 exec/workspace ";
    const cpu = s.cpuMs === undefined ? "" : `   cpu ${ms(s.cpuMs).padStart(10)}`;
    console.log(`  ${String(s.concurrency).padStart(2)} ${how} ${ms(s.medianMs).padStart(10)} / ${ms(s.maxMs).padStart(10)}${cpu}${mark}`);
  }
  const verdict = r.meetsTarget ? "PASS" : "FAIL";
  console.log(`\ntarget: ${n === 50 ? "50" : n} workspaces < ${r.targetMs / 1000} s → ${ms(r.refreshMedianMs)} ${verdict}\n`);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
