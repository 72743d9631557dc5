/**
 * The bench's P10 figure: 10 sessions of the same workload started together (as someone running
 * many agents at once does), each its own process, MUX_ROOT and workspace. Reports the wall time
 * from the first spawn to the last exit, and the CPU time the 10 processes used in all.
 */
import type { FakeProvider } from "../test/fake-provider/server.js";
import { echoToolLoop } from "../test/fake-provider/scenarios.js";
import { type Contestant, RUN_TIMEOUT_MS, removeTemp, runDirs, verifyRequests, withOutput } from "./contestants.js";
import { runChild } from "./measure.js";

export const PARALLEL = 10;

export interface ParallelMetrics {
  /** First spawn → last exit. */
  wallMs: number;
  /** CPU time of all the processes together. */
  cpuMs: number;
  /** Largest peak RSS among them. */
  maxPeakRssMb: number;
}

export async function runParallel(fake: FakeProvider, c: Contestant): Promise<ParallelMetrics> {
  fake.reset();
  fake.setResponder(echoToolLoop(20));
  const all = Array.from({ length: PARALLEL }, () => runDirs(fake));
  try {
    const runs = await Promise.all(
      all.map((d) =>
        runChild({ args: c.args(d.workspace), cwd: d.workspace, env: d.env, timeoutMs: RUN_TIMEOUT_MS * PARALLEL, pollMs: 50 }).catch((e: Error) => {
          throw new Error(`${c.label} (P${PARALLEL}): ${e.message}`);
        }),
      ),
    );
    for (const run of runs) {
      try {
        if (run.code !== 0 || run.signal) throw new Error(`exited with code ${run.code}${run.signal ? ` (signal ${run.signal})` : ""}`);
        c.checkOutput(run);
      } catch (e) {
        throw withOutput(`${c.label} (P${PARALLEL})`, run, e);
      }
    }
    verifyRequests([...fake.requests], "openai-responses", PARALLEL);
    return {
      wallMs: Math.max(...runs.map((r) => r.exitAt)) - Math.min(...runs.map((r) => r.spawnAt)),
      cpuMs: runs.reduce((n, r) => n + (r.cpuMs ?? Number.NaN), 0),
      maxPeakRssMb: Math.max(...runs.map((r) => (r.peakRssBytes ?? 0) / (1024 * 1024))),
    };
  } finally {
    for (const d of all) removeTemp(d.base);
  }
}
