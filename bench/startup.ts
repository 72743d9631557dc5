/**
 * `npm run bench:startup`: where `mux run`'s start-up and exit time goes. Runs the bench's
 * workload (bench/contestants.ts: 20 `echo` tool calls against the fake provider) under
 * `node --cpu-prof` and breaks the main thread's time down (bench/cpuProfile.ts):
 *
 *   spawn → first LLM request   Node's boot before any JS runs, then by kind of work (module
 *                               loading, compiling, evaluating, GC, running) and by the package
 *                               or src folder the code came from
 *   last response → exit        the JS still running after the answer arrived, then the process
 *                               teardown after process.exit()
 *
 * The profiler adds overhead (and writes its file at exit, inside the teardown figure): compare
 * the shares, and take absolute times from `npm run bench`. It only reports.
 *
 * Flags: --runs N (default 3), --top N (sources listed, default 12).
 */
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { echoToolLoop } from "../test/fake-provider/scenarios.js";
import { startFakeProvider } from "../test/fake-provider/server.js";
import { type Breakdown, breakdown, firstCall, readProfile, samplesOf } from "./cpuProfile.js";
import {
  CONTESTANTS,
  fail,
  removeAllTemps,
  removeTemp,
  RUN_TIMEOUT_MS,
  runDirs,
  runFromPrivateDist,
  TOKEN,
  TOOL_CALLS,
  verifyRequests,
} from "./contestants.js";
import { killAllChildren, median, runChild } from "./measure.js";

/** Monotonic µs (the clock of V8's profiles) of a wall-clock ms from this process's performance clock. */
const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
const monoUs = (wallMs: number) => (wallMs - performance.timeOrigin) * 1000 + offsetUs;

interface RunProfile {
  bootMs: number;
  toRequest: Breakdown;
  /** The first provider call seen in the profile → the request arrived at the fake provider. */
  sendMs: number;
  firstRequestMs: number;
  tail: Breakdown;
  /** process.exit() called → the exit seen by this process (teardown, plus writing the profile). */
  teardownMs: number;
  lastResponseToExitMs: number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const num = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    const n = i === -1 ? dflt : Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
    return n;
  };
  const runs = num("--runs", 3);
  const top = num("--top", 12);
  const mux = CONTESTANTS.find((c) => c.id === "mux") ?? fail("no mux contestant");
  runFromPrivateDist();
  const fake = await startFakeProvider({ token: TOKEN });
  const results: RunProfile[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      fake.reset();
      fake.setResponder(echoToolLoop(TOOL_CALLS));
      const dirs = runDirs(fake);
      try {
        const profDir = path.join(dirs.base, "profile");
        const run = await runChild({
          args: ["--cpu-prof", `--cpu-prof-dir=${profDir}`, ...mux.args(dirs.workspace)],
          cwd: dirs.workspace,
          env: dirs.env,
          timeoutMs: RUN_TIMEOUT_MS,
        });
        if (run.code !== 0) fail(`mux run exited with ${run.code}: ${run.stderr.slice(-500)}`);
        verifyRequests(fake.requests, "openai-responses");
        const [file] = fs.readdirSync(profDir);
        const profile = readProfile(path.join(profDir, file ?? fail("no profile written")));
        const samples = samplesOf(profile);
        const firstRequest = monoUs(fake.requests[0].receivedAt);
        const lastResponse = monoUs(fake.requests[fake.requests.length - 1].finishedAt ?? fail("the last response never finished"));
        const sendAt = firstCall(samples, /^postToApi$/) ?? firstRequest;
        const exitAt = firstCall(samples, /^reallyExit$/, lastResponse) ?? profile.endTime;
        const r: RunProfile = {
          bootMs: (profile.startTime - monoUs(run.spawnAt)) / 1000,
          toRequest: breakdown(samples, profile.startTime, sendAt),
          sendMs: (firstRequest - sendAt) / 1000,
          firstRequestMs: fake.requests[0].receivedAt - run.spawnAt,
          tail: breakdown(samples, lastResponse, exitAt),
          teardownMs: (monoUs(run.exitAt) - exitAt) / 1000,
          lastResponseToExitMs: run.exitAt - (fake.requests[fake.requests.length - 1].finishedAt as number),
        };
        results.push(r);
        process.stderr.write(
          `  run ${i + 1}/${runs}: first request ${r.firstRequestMs.toFixed(0)} ms, last response → exit ${r.lastResponseToExitMs.toFixed(1)} ms\n`,
        );
      } finally {
        removeTemp(dirs.base);
      }
    }
  } finally {
    killAllChildren();
    await fake.close();
    removeAllTemps();
  }
  report(results, top);
}

const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

/** Mean over the runs of each entry (absent from a run counts 0), largest first. */
function meanOf(entries: [string, number][][], runs: number): [string, number][] {
  const sum = new Map<string, number>();
  for (const list of entries) for (const [k, v] of list) sum.set(k, (sum.get(k) ?? 0) + v);
  return [...sum].map(([k, v]): [string, number] => [k, v / runs]).sort((a, b) => b[1] - a[1]);
}

function printBreakdown(all: Breakdown[], top: number): void {
  const total = all.reduce((a, b) => a + b.totalMs, 0) / all.length;
  for (const [kind, v] of meanOf(
    all.map((b) => b.byKind),
    all.length,
  )) {
    console.log(`      ${ms(v)} ${((100 * v) / total).toFixed(0).padStart(3)}%  ${kind}`);
  }
  console.log("      by source (code of ours or a package running, self time):");
  for (const [source, v] of meanOf(
    all.map((b) => b.bySource),
    all.length,
  ).slice(0, top))
    console.log(`        ${ms(v)}  ${source}`);
}

function report(results: RunProfile[], top: number): void {
  const med = (f: (r: RunProfile) => number) => ms(median(results.map(f)));
  console.log(
    `\nmux run under --cpu-prof, ${results.length} runs (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs; the profiler adds overhead)`,
  );
  console.log(`  spawn → first LLM request         ${med((r) => r.firstRequestMs)} (median)`);
  console.log(`    spawn → first JS (Node's boot)  ${med((r) => r.bootMs)}`);
  console.log(`    first JS → request being sent   ${med((r) => r.toRequest.totalMs)} (mean by kind:)`);
  printBreakdown(
    results.map((r) => r.toRequest),
    top,
  );
  console.log(`    being sent → received           ${med((r) => r.sendMs)}`);
  console.log(`  last response → exit              ${med((r) => r.lastResponseToExitMs)} (median)`);
  console.log(`    response end → process.exit()   ${med((r) => r.tail.totalMs)} (mean by kind:)`);
  printBreakdown(
    results.map((r) => r.tail),
    top,
  );
  console.log(`    process.exit() → exit seen      ${med((r) => r.teardownMs)} (Node's teardown and the kernel's; includes writing the profile)`);
}

main().catch((e) => {
  killAllChildren();
  removeAllTemps();
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
