/**
 * `npm run bench`: the same workload — a session of 20 `echo` tool calls against the fake
 * provider (OpenAI Responses wire format, answering instantly) — run by two contestants,
 * interleaved, on this machine:
 *
 *   mux run  node dist/mux.js run --json ... (the bundled CLI, as a user runs it)
 *   floor    node bench/floor.mjs            (the simplest AI-SDK loop one would write)
 *
 * Reports, per contestant, the median and range (min–max) over the runs of: time from spawn to
 * the first LLM request, the per-turn harness cost (median gap between consecutive LLM requests),
 * time from the last LLM request (and from the end of its response) to the process's exit, total
 * wall time and peak RSS (plus the CPU time of the contestant's own process, which a busy machine
 * distorts less than wall time). Then P10: 10 sessions started together (parallel.ts); and what
 * the session's input costs on an Anthropic model with and without the prompt cache
 * (cacheCost.ts). Then mux against its targets. It only reports — nothing here asserts timing —
 * but it fails loudly if a run is not correct (21 requests, exit 0, tools ran, same answer).
 *
 * Both get a clean environment (no provider keys from the machine, as in the e2e tests), their own
 * temporary MUX_ROOT / workspace / TMPDIR, and the same fake server started in this process. mux
 * runs from a private copy of dist/ so a concurrent rebuild cannot break a run. When other
 * processes kept the machine busy meanwhile, the report says so (wall-clock figures then inflate).
 *
 * Flags: --runs N (default 5), --warmup N (default 1, discarded), --p10-runs N (default 3; 0
 * skips P10), --baseline-dist DIR (also bill another build's Anthropic session, e.g. main's
 * dist/), --json (print the results as JSON after the table). `npm run bench -- --json` passes
 * flags through npm.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { echoToolLoop } from "../test/fake-provider/scenarios.js";
import { type FakeProvider, startFakeProvider } from "../test/fake-provider/server.js";
import { type CacheCost, runCacheCost } from "./cacheCost.js";
import {
  bin,
  CONTESTANTS,
  type Contestant,
  type ContestantId,
  EXPECTED_REQUESTS,
  FLOOR,
  fail,
  RUN_TIMEOUT_MS,
  removeAllTemps,
  removeTemp,
  runDirs,
  TOKEN,
  TOOL_CALLS,
  runFromPrivateDist,
  verifyRequests,
  withOutput,
} from "./contestants.js";
import { killAllChildren, max, median, min, readSystemBusyMs, runChild } from "./measure.js";
import { PARALLEL, type ParallelMetrics, runParallel } from "./parallel.js";

const TARGET_FIRST_REQUEST_MS = 200;
const TARGET_LAST_RESPONSE_TO_EXIT_MS = 20;
const TARGET_PEAK_RSS_MB = 100;
/** The Anthropic session's input, with the prompt cache, against the same without it. */
const TARGET_CACHED_INPUT_SHARE = 0.25;
const REFERENCE = [
  "bare AI-SDK loop ~34 ms/turn, ~0.45 s to first request, ~110 MB",
  "established agent CLIs 36–430 ms/turn, 0.3–5 s first request, 150–590 MB",
];

interface RunMetrics {
  firstRequestMs: number;
  /** Median of the gaps between consecutive LLM requests in this run. */
  turnGapMs: number;
  /** The last LLM request arrived → the process exited. */
  lastRequestToExitMs: number;
  /** The last response was completely sent → the process exited. */
  lastResponseToExitMs: number;
  totalMs: number;
  peakRssMb: number;
  /** CPU time of the contestant's own process (user + system): less sensitive to a busy machine. */
  cpuMs: number;
  gapsMs: number[];
}

async function runOnce(fake: FakeProvider, c: Contestant): Promise<RunMetrics> {
  fake.reset();
  fake.setResponder(echoToolLoop(TOOL_CALLS));
  const dirs = runDirs(fake);
  try {
    const run = await runChild({ args: c.args(dirs.workspace), cwd: dirs.workspace, env: dirs.env, timeoutMs: RUN_TIMEOUT_MS }).catch((e: Error) =>
      fail(`${c.label}: ${e.message}`),
    );
    const requests = [...fake.requests];
    try {
      if (run.code !== 0 || run.signal) fail(`exited with code ${run.code}${run.signal ? ` (signal ${run.signal})` : ""}`);
      verifyRequests(requests, "openai-responses");
      c.checkOutput(run);
      if (run.peakRssBytes === undefined) fail(`could not read /proc/<pid>/status VmHWM`);
    } catch (e) {
      throw withOutput(c.label, run, e);
    }
    const times = requests.map((r) => r.receivedAt);
    const gapsMs = times.slice(1).map((t, i) => t - times[i]);
    const last = requests[requests.length - 1];
    return {
      firstRequestMs: times[0] - run.spawnAt,
      turnGapMs: median(gapsMs),
      lastRequestToExitMs: run.exitAt - last.receivedAt,
      lastResponseToExitMs: run.exitAt - (last.finishedAt ?? fail("the last response never finished")),
      totalMs: run.exitAt - run.spawnAt,
      peakRssMb: (run.peakRssBytes ?? 0) / (1024 * 1024),
      cpuMs: run.cpuMs ?? Number.NaN,
      gapsMs,
    };
  } finally {
    removeTemp(dirs.base);
  }
}

/** Median and range over the runs. */
interface Summary {
  median: number;
  min: number;
  max: number;
}

const summary = (xs: number[]): Summary => ({ median: median(xs), min: min(xs), max: max(xs) });

type MetricKey = "firstRequestMs" | "turnGapMs" | "lastRequestToExitMs" | "lastResponseToExitMs" | "totalMs" | "peakRssMb" | "cpuMs";
const METRICS: { key: MetricKey; label: string; unit: string; digits: number }[] = [
  { key: "firstRequestMs", label: "spawn → first LLM request", unit: "ms", digits: 0 },
  { key: "turnGapMs", label: "per-turn gap (median)", unit: "ms", digits: 1 },
  { key: "lastRequestToExitMs", label: "last request → exit", unit: "ms", digits: 1 },
  { key: "lastResponseToExitMs", label: "last response → exit", unit: "ms", digits: 1 },
  { key: "totalMs", label: "total wall time", unit: "ms", digits: 0 },
  { key: "peakRssMb", label: "peak RSS (VmHWM)", unit: "MB", digits: 1 },
  { key: "cpuMs", label: "CPU time, user+sys", unit: "ms", digits: 0 },
];

type ParallelKey = keyof ParallelMetrics;
const PARALLEL_METRICS: { key: ParallelKey; label: string; unit: string; digits: number }[] = [
  { key: "wallMs", label: `P${PARALLEL}: first spawn → last exit`, unit: "ms", digits: 0 },
  { key: "cpuMs", label: `P${PARALLEL}: CPU time, all ${PARALLEL}`, unit: "ms", digits: 0 },
  { key: "maxPeakRssMb", label: `P${PARALLEL}: largest peak RSS`, unit: "MB", digits: 1 },
];

function summarize<K extends string>(runs: Record<K, number>[], keys: K[]): Record<K, Summary> {
  const out = {} as Record<K, Summary>;
  for (const key of keys) out[key] = summary(runs.map((r) => r[key]));
  return out;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

interface Results {
  runs: number;
  p10Runs: number;
  single: Record<ContestantId, { runs: RunMetrics[]; summary: Record<MetricKey, Summary> }>;
  parallel: Record<ContestantId, { runs: ParallelMetrics[]; summary: Record<ParallelKey, Summary> }>;
  cache: { mux: CacheCost; baseline?: CacheCost & { dist: string } };
  verdicts: { target: string; mux: string; pass: boolean }[];
}

const usd = (v: number) => `$${v.toFixed(4)}`;

function printTable(r: Results): void {
  const cell = (s: Summary, digits: number) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const w = [32, 26, 26];
  const out: string[] = [];
  out.push("");
  out.push(`Mux bench: ${TOOL_CALLS} echo tool calls (${EXPECTED_REQUESTS} LLM requests), fake OpenAI Responses server answering instantly`);
  out.push(
    `${r.runs} runs per contestant, interleaved (P${PARALLEL}: ${r.p10Runs}); node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}/${os.arch()}`,
  );
  out.push("");
  out.push(`${pad("metric: median (min–max)", w[0])}${pad("mux run", w[1], true)}${pad("floor (AI SDK)", w[2], true)}`);
  out.push("-".repeat(w[0] + w[1] + w[2]));
  const row = (label: string, mux: string, floor: string) => out.push(`${pad(label, w[0])}${pad(mux, w[1], true)}${pad(floor, w[2], true)}`);
  for (const m of METRICS) row(`${m.label} (${m.unit})`, cell(r.single.mux.summary[m.key], m.digits), cell(r.single.floor.summary[m.key], m.digits));
  if (r.p10Runs > 0) {
    for (const m of PARALLEL_METRICS) {
      row(`${m.label} (${m.unit})`, cell(r.parallel.mux.summary[m.key], m.digits), cell(r.parallel.floor.summary[m.key], m.digits));
    }
  }
  out.push("");
  const c = r.cache.mux;
  out.push(`Input cost of the same session on anthropic:claude-sonnet-4-5 (fake provider simulating Anthropic's prompt cache):`);
  out.push(`  with the cache     ${usd(c.inputUsd)}  (${c.inputTokens} input tokens: ${c.cachedTokens} read from the cache, ${c.cacheWriteTokens} written)`);
  out.push(`  without the cache  ${usd(c.uncachedInputUsd)}  (every input token at the full price: what requests without breakpoints pay)`);
  if (r.cache.baseline) {
    const b = r.cache.baseline;
    out.push(`  baseline build     ${usd(b.inputUsd)}  (${b.dist}: ${b.cachedTokens} read from the cache, ${b.cacheWriteTokens} written)`);
  }
  out.push("");
  out.push("mux against its targets (medians):");
  for (const v of r.verdicts) out.push(`  ${v.pass ? "PASS" : "MISS"}  ${pad(v.target, 44)} mux: ${v.mux}`);
  out.push("");
  out.push("Reference points (from the issue):");
  for (const ref of REFERENCE) out.push(`  - ${ref}`);
  out.push("");
  process.stdout.write(`${out.join("\n")}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return dflt;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a non-negative integer`);
    return n;
  };
  const json = argv.includes("--json");
  const runs = Math.max(1, flag("--runs", 5));
  const warmup = flag("--warmup", 1);
  const p10Runs = flag("--p10-runs", 3);
  const baselineAt = argv.indexOf("--baseline-dist");
  const baselineDist = baselineAt === -1 ? undefined : path.resolve(argv[baselineAt + 1] ?? fail("--baseline-dist needs a directory"));
  for (const f of [bin.mux, FLOOR, ...(baselineDist ? [path.join(baselineDist, "mux.js")] : [])]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing (run \`node scripts/build.mjs\` first)`);
  }

  let fake: FakeProvider | undefined;
  let cachingFake: FakeProvider | undefined;
  const cleanup = async () => {
    killAllChildren();
    await fake?.close();
    await cachingFake?.close();
    removeAllTemps();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const single = { mux: [] as RunMetrics[], floor: [] as RunMetrics[] };
  const parallel = { mux: [] as ParallelMetrics[], floor: [] as ParallelMetrics[] };
  let cache: Results["cache"];
  const started = Date.now();
  const busyBefore = readSystemBusyMs();
  let contestantsCpuMs = 0;
  const selfCpuBefore = process.cpuUsage();
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  try {
    // Run a private copy of dist/: others may rebuild it (rm -rf dist) while the bench runs. The
    // bundle is self-contained (dependencies are inlined), so the copy behaves exactly like the
    // original.
    runFromPrivateDist();
    fake = await startFakeProvider({ token: TOKEN });
    // Warm-up (page cache, CPU frequency): discarded.
    for (let i = 0; i < warmup; i++) for (const c of CONTESTANTS) contestantsCpuMs += (await runOnce(fake, c)).cpuMs || 0;
    // Interleaved A/B/A/B so drift in the machine's load hits both contestants alike.
    for (let i = 0; i < runs; i++) {
      for (const c of CONTESTANTS) {
        const m = await runOnce(fake, c);
        single[c.id].push(m);
        contestantsCpuMs += m.cpuMs || 0;
        log(
          `run ${i + 1}/${runs} ${pad(c.label, 15)} first request ${m.firstRequestMs.toFixed(0)} ms, ` +
            `turn gap ${m.turnGapMs.toFixed(1)} ms, last request → exit ${m.lastRequestToExitMs.toFixed(1)} ms, ` +
            `total ${m.totalMs.toFixed(0)} ms, peak RSS ${m.peakRssMb.toFixed(1)} MB, CPU ${m.cpuMs.toFixed(0)} ms`,
        );
      }
    }
    for (let i = 0; i < p10Runs; i++) {
      for (const c of CONTESTANTS) {
        const m = await runParallel(fake, c);
        parallel[c.id].push(m);
        contestantsCpuMs += m.cpuMs || 0;
        log(`P${PARALLEL} ${i + 1}/${p10Runs} ${pad(c.label, 15)} wall ${m.wallMs.toFixed(0)} ms, CPU ${m.cpuMs.toFixed(0)} ms`);
      }
    }
    cachingFake = await startFakeProvider({ token: TOKEN, promptCache: true });
    const mux = await runCacheCost(cachingFake);
    const baseline = baselineDist ? { ...(await runCacheCost(cachingFake, path.join(baselineDist, "mux.js"))), dist: baselineDist } : undefined;
    cache = { mux, baseline };
    log(`Anthropic input cost: ${usd(mux.inputUsd)} with the cache, ${usd(mux.uncachedInputUsd)} without`);
  } finally {
    await cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  // How busy the machine was with work other than this bench (the bench process and the
  // contestants' own CPU time are subtracted; their bash tool calls are not, a few % of one CPU).
  const wallMs = Date.now() - started;
  const busyAfter = readSystemBusyMs();
  const self = process.cpuUsage(selfCpuBefore);
  const otherCpus =
    busyBefore !== undefined && busyAfter !== undefined
      ? Math.max(0, busyAfter - busyBefore - (self.user + self.system) / 1000 - contestantsCpuMs) / wallMs
      : undefined;

  const metricKeys = METRICS.map((m) => m.key);
  const parallelKeys = PARALLEL_METRICS.map((m) => m.key);
  const results: Results = {
    runs,
    p10Runs,
    single: {
      mux: { runs: single.mux, summary: summarize(single.mux as unknown as Record<MetricKey, number>[], metricKeys) },
      floor: { runs: single.floor, summary: summarize(single.floor as unknown as Record<MetricKey, number>[], metricKeys) },
    },
    parallel: {
      mux: { runs: parallel.mux, summary: summarize(parallel.mux as unknown as Record<ParallelKey, number>[], parallelKeys) },
      floor: { runs: parallel.floor, summary: summarize(parallel.floor as unknown as Record<ParallelKey, number>[], parallelKeys) },
    },
    cache,
    verdicts: [],
  };
  const mux = results.single.mux.summary;
  const floor = results.single.floor.summary;
  const share = cache.mux.inputUsd / cache.mux.uncachedInputUsd;
  results.verdicts = [
    {
      target: `first request ≤ ${TARGET_FIRST_REQUEST_MS} ms`,
      mux: `${mux.firstRequestMs.median.toFixed(0)} ms (floor ${floor.firstRequestMs.median.toFixed(0)} ms)`,
      pass: mux.firstRequestMs.median <= TARGET_FIRST_REQUEST_MS,
    },
    {
      target: `per-turn gap ≤ floor's (${floor.turnGapMs.median.toFixed(1)} ms)`,
      mux: `${mux.turnGapMs.median.toFixed(1)} ms`,
      pass: mux.turnGapMs.median <= floor.turnGapMs.median,
    },
    {
      target: `last response → exit ≤ ${TARGET_LAST_RESPONSE_TO_EXIT_MS} ms`,
      mux: `${mux.lastResponseToExitMs.median.toFixed(1)} ms`,
      pass: mux.lastResponseToExitMs.median <= TARGET_LAST_RESPONSE_TO_EXIT_MS,
    },
    ...(p10Runs > 0
      ? [
          {
            target: `P${PARALLEL} wall time ≤ floor's (${results.parallel.floor.summary.wallMs.median.toFixed(0)} ms)`,
            mux: `${results.parallel.mux.summary.wallMs.median.toFixed(0)} ms`,
            pass: results.parallel.mux.summary.wallMs.median <= results.parallel.floor.summary.wallMs.median,
          },
        ]
      : []),
    {
      target: `peak RSS < ${TARGET_PEAK_RSS_MB} MB`,
      mux: `${mux.peakRssMb.median.toFixed(1)} MB`,
      pass: mux.peakRssMb.median < TARGET_PEAK_RSS_MB,
    },
    {
      target: `Anthropic input cost ≤ ${TARGET_CACHED_INPUT_SHARE * 100}% of uncached`,
      mux: `${(share * 100).toFixed(1)}% (${usd(cache.mux.inputUsd)} of ${usd(cache.mux.uncachedInputUsd)})`,
      pass: share <= TARGET_CACHED_INPUT_SHARE,
    },
  ];
  printTable(results);
  const cpus = os.cpus().length;
  if (otherCpus !== undefined && otherCpus > 0.25) {
    process.stdout.write(
      `Note: other processes kept ${otherCpus.toFixed(2)} of this machine's ${cpus} CPUs busy during the bench: ` +
        `wall-clock figures are inflated and noisy (CPU time somewhat, RSS hardly); compare the contestants, not absolute figures.\n\n`,
    );
  }
  process.stderr.write(
    `bench finished in ${(wallMs / 1000).toFixed(1)} s` +
      (otherCpus === undefined ? "" : `; other processes used ${otherCpus.toFixed(2)} CPUs meanwhile`) +
      "\n",
  );

  if (json) {
    const round = (v: number) => Math.round(v * 100) / 100;
    const roundAll = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? round(v) : v]));
    const report = {
      workload: { toolCalls: TOOL_CALLS, requests: EXPECTED_REQUESTS, wireFormat: "openai-responses", model: "openai:gpt-5", parallel: PARALLEL },
      machine: {
        node: process.version,
        cpus,
        platform: os.platform(),
        arch: os.arch(),
        otherCpusBusy: otherCpus === undefined ? null : round(otherCpus),
      },
      runsPerContestant: runs,
      warmupRuns: warmup,
      p10Runs,
      targets: {
        firstRequestMs: TARGET_FIRST_REQUEST_MS,
        turnGap: "<= floor",
        lastResponseToExitMs: TARGET_LAST_RESPONSE_TO_EXIT_MS,
        peakRssMb: TARGET_PEAK_RSS_MB,
        cachedInputShare: TARGET_CACHED_INPUT_SHARE,
      },
      verdicts: results.verdicts,
      contestants: Object.fromEntries(
        (["mux", "floor"] as ContestantId[]).map((id) => [
          id,
          {
            summary: Object.fromEntries(METRICS.map((m) => [m.key, roundAll(results.single[id].summary[m.key])])),
            runs: results.single[id].runs.map((r) => ({ ...roundAll(r), gapsMs: r.gapsMs.map(round) })),
            parallel: {
              summary: Object.fromEntries(PARALLEL_METRICS.map((m) => [m.key, roundAll(results.parallel[id].summary[m.key])])),
              runs: results.parallel[id].runs.map(roundAll),
            },
          },
        ]),
      ),
      anthropicInputCost: cache,
      reference: REFERENCE,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  killAllChildren();
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
