/**
 * The bench's prompt-cache figure: what the 20-tool-call session's input costs on an Anthropic
 * model (claude-sonnet-4-5) against a fake provider that simulates Anthropic's prompt cache
 * (test/fake-provider/promptCache.ts) and bills it in the real usage fields.
 *
 * "Without cache" prices the same requests with every input token at the full input price, which
 * is what a client sending no cache breakpoints pays (the breakpoints are not content: the
 * requests are otherwise the same). `--baseline-dist DIR` also runs another build of mux (e.g.
 * main's dist/) on the same workload and reports what it was billed.
 */
import * as path from "node:path";
import type { FakeProvider, RecordedRequest } from "../test/fake-provider/server.js";
import { echoToolLoop } from "../test/fake-provider/scenarios.js";
import { CONTESTANTS, fail, RUN_TIMEOUT_MS, bin, removeTemp, runComplete, runDirs, verifyRequests, withOutput } from "./contestants.js";
import { runChild } from "./measure.js";

const MODEL = "anthropic:claude-sonnet-4-5";
/** claude-sonnet-4-5, USD per million input tokens: fresh, read from the cache, written to it (5 min). */
const PRICE = { input: 3, cacheRead: 0.3, cacheWrite: 3.75 };

export interface CacheCost {
  /** What the requests' input was billed, cache reads and writes at their prices. */
  inputUsd: number;
  /** The same input tokens at the full input price. */
  uncachedInputUsd: number;
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  /** The run's own account (run-complete `costUsd`, output included). */
  reportedCostUsd: number | undefined;
}

function inputCost(requests: RecordedRequest[]): Omit<CacheCost, "reportedCostUsd"> {
  let inputUsd = 0;
  let inputTokens = 0;
  let cachedTokens = 0;
  let cacheWriteTokens = 0;
  for (const r of requests) {
    const b = r.billed ?? fail(`request ${r.index} has no billed usage`);
    inputUsd += ((b.input - b.cached - b.cacheWrite) * PRICE.input + b.cached * PRICE.cacheRead + b.cacheWrite * PRICE.cacheWrite) / 1e6;
    inputTokens += b.input;
    cachedTokens += b.cached;
    cacheWriteTokens += b.cacheWrite;
  }
  return { inputUsd, uncachedInputUsd: (inputTokens * PRICE.input) / 1e6, inputTokens, cachedTokens, cacheWriteTokens };
}

/** One mux session on the Anthropic model; `muxBin` runs another build (the baseline). */
export async function runCacheCost(fake: FakeProvider, muxBin = bin.mux): Promise<CacheCost> {
  fake.reset();
  fake.setResponder(echoToolLoop(20));
  const dirs = runDirs(fake);
  const mux = CONTESTANTS[0];
  try {
    const args = mux.args(dirs.workspace, MODEL);
    args[0] = muxBin;
    const run = await runChild({ args, cwd: dirs.workspace, env: dirs.env, timeoutMs: RUN_TIMEOUT_MS });
    try {
      if (run.code !== 0) fail(`exited with code ${run.code}`);
      mux.checkOutput(run);
      verifyRequests([...fake.requests], "anthropic");
    } catch (e) {
      throw withOutput(`mux on ${MODEL} (${path.relative(process.cwd(), muxBin)})`, run, e);
    }
    return { ...inputCost(fake.requests), reportedCostUsd: runComplete(run).costUsd };
  } finally {
    removeTemp(dirs.base);
  }
}
