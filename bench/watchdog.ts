/**
 * `npm run bench:watchdog` (also run by `npm run bench`): what the watchdog (src/runtime/watchdog.ts)
 * costs a tool call. Two measurements, nothing asserted:
 *
 *   per command   median wall time of LocalRuntime.exec("true"), 200 calls after 20 warm-up
 *                 ones, in a fresh process with the watchdog on and one with it off
 *                 (MUX_TOOL_WATCHDOG=0), alternated over --rounds N (default 3)
 *   bookkeeping   the watchdog's own work per command, register + unregister (two pipe writes),
 *                 timed over 20 000 pairs in this process, plus the CPU time the watchdog process
 *                 spends reading them (less sensitive to a busy machine); and its resident memory
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { LocalRuntime } from "../src/runtime/local.js";
import { Watchdog } from "../src/runtime/watchdog.js";
import { median, readCpuMs } from "./measure.js";

const CALLS = 200;
const WARMUP = 20;

async function child(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-wd-"));
  try {
    const rt = new LocalRuntime(dir);
    const times: number[] = [];
    for (let i = 0; i < WARMUP + CALLS; i++) {
      const t = performance.now();
      await rt.exec("true");
      if (i >= WARMUP) times.push(performance.now() - t);
    }
    process.stdout.write(JSON.stringify({ medianMs: median(times) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function bookkeeping(): Promise<{ pairUs: number; watchdogCpuUs: number; rssKb: number | undefined }> {
  const wd = new Watchdog(true);
  const pairs = 20_000;
  wd.register(4_000_000); // starts the watchdog process before timing
  await new Promise((r) => setTimeout(r, 200));
  const bytesRead = () => Number(/^rchar: (\d+)/m.exec(fs.readFileSync(`/proc/${wd.pid}/io`, "utf8"))?.[1] ?? 0);
  const cpuBefore = readCpuMs(wd.pid!) ?? 0;
  const readBefore = bytesRead();
  let sent = 0;
  const t = performance.now();
  for (let i = 0; i < pairs; i++) {
    wd.register(4_000_001 + i);
    wd.unregister(4_000_001 + i);
    sent += 2 * `+ ${4_000_001 + i}\n`.length;
  }
  const pairUs = ((performance.now() - t) * 1000) / pairs;
  // The watchdog reads the lines at its own pace: wait until it has read them all.
  while (bytesRead() - readBefore < sent) await new Promise((r) => setTimeout(r, 100));
  const watchdogCpuUs = (((readCpuMs(wd.pid!) ?? cpuBefore) - cpuBefore) * 1000) / pairs;
  wd.unregister(4_000_000);
  let rssKb: number | undefined;
  try {
    rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${wd.pid}/status`, "utf8"))?.[1]);
  } catch {
    rssKb = undefined;
  }
  return { pairUs, watchdogCpuUs, rssKb };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 3;
  const self = fileURLToPath(import.meta.url);
  const tsx = path.join(path.dirname(self), "../node_modules/.bin/tsx");
  const results: Record<"on" | "off", number[]> = { on: [], off: [] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of ["on", "off"] as const) {
      const out = spawnSync(tsx, [self, "--child"], { env: { ...process.env, MUX_TOOL_WATCHDOG: mode === "on" ? "1" : "0" }, encoding: "utf8" });
      if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
      results[mode].push((JSON.parse(out.stdout) as { medianMs: number }).medianMs);
    }
  }
  const on = median(results.on);
  const off = median(results.off);
  const b = await bookkeeping();
  const load = execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ")[0];
  console.log(`watchdog cost per command (median of ${rounds} rounds × ${CALLS} calls of exec("true"); load average ${load})`);
  console.log(`  exec with watchdog ${on.toFixed(2)} ms, without ${off.toFixed(2)} ms: ${(on - off).toFixed(2)} ms difference`);
  console.log(
    `  bookkeeping per command: ${b.pairUs.toFixed(1)} µs in Mux (register + unregister), ${b.watchdogCpuUs.toFixed(1)} µs of the watchdog's CPU; watchdog RSS ${b.rssKb ?? "?"} kB`,
  );
  process.exit(0);
}

if (process.argv.includes("--child")) await child();
else await main();
