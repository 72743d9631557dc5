/**
 * `npm run bench`: the same workload — a session of 20 `echo` tool calls against the fake
 * provider (OpenAI Responses wire format, answering instantly) — run by two contestants,
 * interleaved, on this machine:
 *
 *   mux run  node dist/mux.js run --json ... (the bundled CLI, as a user runs it)
 *   floor    node bench/floor.mjs            (the simplest AI-SDK loop one would write)
 *
 * Reports, per contestant, the median and minimum over the runs of: time from spawn to the first
 * LLM request, the per-turn harness cost (median gap between consecutive LLM requests), total
 * wall time and peak RSS (plus the CPU time of the contestant's own process, which a busy machine
 * distorts less than wall time); then mux against its targets. It only reports — nothing here
 * asserts timing — but it fails loudly if a run is not correct (21 requests, exit 0, tools ran).
 *
 * Both get a clean environment (no provider keys from the machine, as in the e2e tests), their own
 * temporary MUX_ROOT / workspace / TMPDIR, and the same fake server started in this process. mux
 * runs from a private copy of dist/ so a concurrent rebuild cannot break a run. When other
 * processes kept the machine busy meanwhile, the report says so (wall-clock figures then inflate).
 *
 * Flags: --runs N (default 5), --warmup N (default 1, discarded), --json (print the results as
 * JSON after the table). `npm run bench -- --json` passes flags through npm.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { countToolResults, echoToolLoop } from "../test/fake-provider/scenarios.js";
import { type FakeProvider, type RecordedRequest, startFakeProvider } from "../test/fake-provider/server.js";
import { cleanEnv } from "../test/helpers/mux.js";
import { type ChildRun, killAllChildren, median, min, readSystemBusyMs, runChild } from "./measure.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(REPO_ROOT, "dist");
const FLOOR = path.join(REPO_ROOT, "bench/floor.mjs");
/** Set in main(): a private copy of dist/, so a rebuild running meanwhile cannot break the runs. */
let MUX_BIN = path.join(DIST, "mux.js");

const TOOL_CALLS = 20;
const EXPECTED_REQUESTS = TOOL_CALLS + 1;
const PROMPT = "run the echo steps";
const TOKEN = "sk-bench-fake";
const RUN_TIMEOUT_MS = 30_000;

const TARGET_FIRST_REQUEST_MS = 250;
const TARGET_PEAK_RSS_MB = 100;
const REFERENCE = [
  "bare AI-SDK loop ~34 ms/turn, ~0.45 s to first request, ~110 MB",
  "established agent CLIs 36–430 ms/turn, 0.3–5 s first request, 150–590 MB",
];

type ContestantId = "mux" | "floor";

interface Contestant {
  id: ContestantId;
  label: string;
  args(workspace: string): string[];
  /** Checks the contestant's own output; throws when the run did not complete. */
  checkOutput(run: ChildRun): void;
}

const CONTESTANTS: Contestant[] = [
  {
    id: "mux",
    label: "mux run",
    args: (workspace) => [MUX_BIN, "run", "--json", "--dir", workspace, "-m", "openai:gpt-5", PROMPT],
    checkOutput(run) {
      const lines = run.stdout.split("\n").filter((l) => l.trim());
      const last = lines.length ? (JSON.parse(lines[lines.length - 1]) as { type?: string; status?: string }) : {};
      if (last.type !== "run-complete" || last.status !== "completed") {
        throw new Error(`mux did not end with a completed run-complete event (got ${JSON.stringify(last).slice(0, 200)})`);
      }
    },
  },
  {
    id: "floor",
    label: "floor (AI SDK)",
    args: () => [FLOOR, PROMPT],
    checkOutput(run) {
      if (!run.stdout.includes("All done.")) throw new Error(`floor did not print the final answer "All done."`);
    },
  },
];

interface RunMetrics {
  firstRequestMs: number;
  /** Median of the gaps between consecutive LLM requests in this run. */
  turnGapMs: number;
  totalMs: number;
  peakRssMb: number;
  /** CPU time of the contestant's own process (user + system): less sensitive to a busy machine. */
  cpuMs: number;
  gapsMs: number[];
}

function fail(message: string): never {
  throw new Error(message);
}

/** Every LLM request authorized, the loop ran to the end, and each tool actually ran. */
function verifyRequests(requests: RecordedRequest[]): void {
  if (requests.length !== EXPECTED_REQUESTS) fail(`expected ${EXPECTED_REQUESTS} LLM requests, got ${requests.length}`);
  for (const r of requests) {
    if (!r.authorized) fail(`request ${r.index} was not authorized`);
    if (r.protocol !== "openai-responses") fail(`request ${r.index} used ${r.protocol}, not openai-responses`);
  }
  const last = requests[requests.length - 1];
  if (countToolResults(last) !== TOOL_CALLS) fail(`last request carried ${countToolResults(last)} tool results, not ${TOOL_CALLS}`);
  const outputs = (last.body.input as { type?: string; output?: unknown }[])
    .filter((item) => item?.type === "function_call_output")
    .map((item) => (typeof item.output === "string" ? item.output : JSON.stringify(item.output)));
  outputs.forEach((out, i) => {
    if (!out.includes(`step-${i + 1}`)) fail(`tool result ${i + 1} does not contain "step-${i + 1}": ${out.slice(0, 200)}`);
  });
}

const tempBases = new Set<string>();

function removeTemp(base: string): void {
  fs.rmSync(base, { recursive: true, force: true });
  tempBases.delete(base);
}

async function runOnce(fake: FakeProvider, c: Contestant): Promise<RunMetrics> {
  fake.reset();
  fake.setResponder(echoToolLoop(TOOL_CALLS));
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-"));
  tempBases.add(base);
  try {
    const muxRoot = path.join(base, "mux-root");
    const workspace = path.join(base, "workspace");
    const tmp = path.join(base, "tmp"); // anything either contestant writes to $TMPDIR goes here
    for (const d of [muxRoot, workspace, tmp]) fs.mkdirSync(d, { recursive: true });
    const env = cleanEnv({
      MUX_ROOT: muxRoot,
      OPENAI_API_KEY: TOKEN,
      OPENAI_BASE_URL: `${fake.url}/v1`,
      TMPDIR: tmp,
      NODE_OPTIONS: undefined,
    });
    const run = await runChild({ args: c.args(workspace), cwd: workspace, env, timeoutMs: RUN_TIMEOUT_MS }).catch((e: Error) =>
      fail(`${c.label}: ${e.message}`),
    );
    const requests = [...fake.requests];
    try {
      if (run.code !== 0 || run.signal) fail(`exited with code ${run.code}${run.signal ? ` (signal ${run.signal})` : ""}`);
      verifyRequests(requests);
      c.checkOutput(run);
      if (run.peakRssBytes === undefined) fail(`could not read /proc/<pid>/status VmHWM`);
    } catch (e) {
      const tail = (s: string) => s.split("\n").slice(-15).join("\n");
      throw new Error(`${c.label}: ${(e as Error).message}\n--- stdout (tail) ---\n${tail(run.stdout)}\n--- stderr (tail) ---\n${tail(run.stderr)}`);
    }
    const times = requests.map((r) => r.receivedAt);
    const gapsMs = times.slice(1).map((t, i) => t - times[i]);
    return {
      firstRequestMs: times[0] - run.spawnAt,
      turnGapMs: median(gapsMs),
      totalMs: run.exitAt - run.spawnAt,
      peakRssMb: (run.peakRssBytes ?? 0) / (1024 * 1024),
      cpuMs: run.cpuMs ?? Number.NaN,
      gapsMs,
    };
  } finally {
    removeTemp(base);
  }
}

interface Summary {
  median: number;
  min: number;
}

type MetricKey = "firstRequestMs" | "turnGapMs" | "totalMs" | "peakRssMb" | "cpuMs";
const METRICS: { key: MetricKey; label: string; unit: string; digits: number }[] = [
  { key: "firstRequestMs", label: "spawn → first LLM request", unit: "ms", digits: 0 },
  { key: "turnGapMs", label: "per-turn gap (median)", unit: "ms", digits: 1 },
  { key: "totalMs", label: "total wall time", unit: "ms", digits: 0 },
  { key: "peakRssMb", label: "peak RSS (VmHWM)", unit: "MB", digits: 1 },
  { key: "cpuMs", label: "CPU time, user+sys", unit: "ms", digits: 0 },
];

function summarize(runs: RunMetrics[]): Record<MetricKey, Summary> {
  const out = {} as Record<MetricKey, Summary>;
  for (const { key } of METRICS) {
    const xs = runs.map((r) => r[key]);
    out[key] = { median: median(xs), min: min(xs) };
  }
  return out;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function printTable(
  runsPerContestant: number,
  results: Record<ContestantId, { runs: RunMetrics[]; summary: Record<MetricKey, Summary> }>,
  verdicts: { target: string; mux: string; pass: boolean }[],
): void {
  const fmt = (v: number, digits: number) => v.toFixed(digits);
  const cell = (s: Summary, digits: number) => `${fmt(s.median, digits)} / ${fmt(s.min, digits)}`;
  const w = [28, 22, 22];
  const out: string[] = [];
  out.push("");
  out.push(`Mux bench: ${TOOL_CALLS} echo tool calls (${EXPECTED_REQUESTS} LLM requests), fake OpenAI Responses server answering instantly`);
  out.push(`${runsPerContestant} runs per contestant, interleaved; node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}/${os.arch()}`);
  out.push("");
  out.push(`${pad("metric (median / min)", w[0])}${pad("mux run", w[1], true)}${pad("floor (AI SDK)", w[2], true)}`);
  out.push("-".repeat(w[0] + w[1] + w[2]));
  for (const m of METRICS) {
    out.push(
      `${pad(`${m.label} (${m.unit})`, w[0])}${pad(cell(results.mux.summary[m.key], m.digits), w[1], true)}${pad(
        cell(results.floor.summary[m.key], m.digits),
        w[2],
        true,
      )}`,
    );
  }
  out.push("");
  out.push("mux against its targets (medians):");
  for (const v of verdicts) out.push(`  ${v.pass ? "PASS" : "MISS"}  ${pad(v.target, 36)} mux: ${v.mux}`);
  out.push("");
  out.push("Reference points (from the issue):");
  for (const r of REFERENCE) out.push(`  - ${r}`);
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
  for (const f of [MUX_BIN, FLOOR]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing (run \`node scripts/build.mjs\` first)`);
  }

  let fake: FakeProvider | undefined;
  const cleanup = async () => {
    killAllChildren();
    await fake?.close();
    for (const base of [...tempBases]) removeTemp(base);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const results = {
    mux: { runs: [] as RunMetrics[] },
    floor: { runs: [] as RunMetrics[] },
  };
  const started = Date.now();
  const busyBefore = readSystemBusyMs();
  let warmupCpuMs = 0;
  const selfCpuBefore = process.cpuUsage();
  try {
    // Run a private copy of dist/: others may rebuild it (rm -rf dist) while the bench runs. The
    // bundle is self-contained (dependencies are inlined), so the copy behaves exactly like the
    // original; source maps are left out since the CLI never reads them.
    const distCopy = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-dist-"));
    tempBases.add(distCopy);
    fs.cpSync(DIST, path.join(distCopy, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") });
    MUX_BIN = path.join(distCopy, "dist/mux.js");
    if (!fs.existsSync(MUX_BIN)) throw new Error(`could not copy ${DIST} (was a build running?)`);

    fake = await startFakeProvider({ token: TOKEN });
    // Warm-up (page cache, CPU frequency): discarded.
    for (let i = 0; i < warmup; i++) for (const c of CONTESTANTS) warmupCpuMs += (await runOnce(fake, c)).cpuMs || 0;
    // Interleaved A/B/A/B so drift in the machine's load hits both contestants alike.
    for (let i = 0; i < runs; i++) {
      for (const c of CONTESTANTS) {
        const m = await runOnce(fake, c);
        results[c.id].runs.push(m);
        process.stderr.write(
          `  run ${i + 1}/${runs} ${pad(c.label, 15)} first request ${m.firstRequestMs.toFixed(0)} ms, ` +
            `turn gap ${m.turnGapMs.toFixed(1)} ms, total ${m.totalMs.toFixed(0)} ms, peak RSS ${m.peakRssMb.toFixed(1)} MB, CPU ${m.cpuMs.toFixed(0)} ms\n`,
        );
      }
    }
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
  const contestantsCpuMs = [...results.mux.runs, ...results.floor.runs].reduce((a, r) => a + (r.cpuMs || 0), warmupCpuMs);
  const otherCpus =
    busyBefore !== undefined && busyAfter !== undefined
      ? Math.max(0, busyAfter - busyBefore - (self.user + self.system) / 1000 - contestantsCpuMs) / wallMs
      : undefined;

  const summarized = {
    mux: { runs: results.mux.runs, summary: summarize(results.mux.runs) },
    floor: { runs: results.floor.runs, summary: summarize(results.floor.runs) },
  };
  const mux = summarized.mux.summary;
  const floor = summarized.floor.summary;
  const verdicts = [
    {
      target: `first request ≤ ${TARGET_FIRST_REQUEST_MS} ms`,
      mux: `${mux.firstRequestMs.median.toFixed(0)} ms`,
      pass: mux.firstRequestMs.median <= TARGET_FIRST_REQUEST_MS,
    },
    {
      target: `per-turn gap ≤ floor's (${floor.turnGapMs.median.toFixed(1)} ms)`,
      mux: `${mux.turnGapMs.median.toFixed(1)} ms`,
      pass: mux.turnGapMs.median <= floor.turnGapMs.median,
    },
    {
      target: `peak RSS < ${TARGET_PEAK_RSS_MB} MB`,
      mux: `${mux.peakRssMb.median.toFixed(1)} MB`,
      pass: mux.peakRssMb.median < TARGET_PEAK_RSS_MB,
    },
  ];
  printTable(runs, summarized, verdicts);
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
    const report = {
      workload: { toolCalls: TOOL_CALLS, requests: EXPECTED_REQUESTS, wireFormat: "openai-responses", model: "openai:gpt-5" },
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        platform: os.platform(),
        arch: os.arch(),
        otherCpusBusy: otherCpus === undefined ? null : round(otherCpus),
      },
      runsPerContestant: runs,
      warmupRuns: warmup,
      targets: { firstRequestMs: TARGET_FIRST_REQUEST_MS, turnGap: "<= floor", peakRssMb: TARGET_PEAK_RSS_MB },
      verdicts: verdicts.map((v) => ({ target: v.target, mux: v.mux, pass: v.pass })),
      contestants: Object.fromEntries(
        (Object.keys(summarized) as ContestantId[]).map((id) => [
          id,
          {
            summary: Object.fromEntries(
              METRICS.map((m) => [m.key, { median: round(summarized[id].summary[m.key].median), min: round(summarized[id].summary[m.key].min) }]),
            ),
            runs: summarized[id].runs.map((r) => ({
              firstRequestMs: round(r.firstRequestMs),
              turnGapMs: round(r.turnGapMs),
              totalMs: round(r.totalMs),
              peakRssMb: round(r.peakRssMb),
              cpuMs: round(r.cpuMs),
              gapsMs: r.gapsMs.map(round),
            })),
          },
        ]),
      ),
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
