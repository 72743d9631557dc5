/**
 * Measurement primitives for `npm run bench`: run one child process against the fake provider,
 * timing it on the same wall clock the fake server stamps requests with, and sampling its peak
 * resident memory from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";

/** Wall-clock ms on the same clock as RecordedRequest.receivedAt. */
export const wallNow = () => performance.timeOrigin + performance.now();

const RSS_POLL_MS = 5;

/** Peak resident set size so far (VmHWM, kB → bytes); undefined once the process is gone. */
export function readPeakRss(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined; // a zombie has no VmHWM line
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;
/** Kernel clock ticks per second (the unit of /proc/<pid>/stat CPU times). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, ms) the process itself has used so far; undefined once it is gone. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond() : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) all CPUs of the machine have spent busy since boot, from /proc/stat. */
export function readSystemBusyMs(): number | undefined {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export interface ChildRun {
  /** Wall clock immediately before spawn(). */
  spawnAt: number;
  /** Wall clock when the process exited ('exit' event). */
  exitAt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Last successful VmHWM read (bytes); undefined when /proc could not be read at all. */
  peakRssBytes: number | undefined;
  rssSamples: number;
  /** CPU time (user + system) of the process itself at the last sample, in ms (10 ms resolution). */
  cpuMs: number | undefined;
}

/** Live children, so a failing or interrupted bench never leaves one behind. */
const live = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

export interface RunChildOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** How often peak RSS and CPU time are sampled (default 5 ms; many children at once want less). */
  pollMs?: number;
}

/** Spawns `node <args>` and resolves when it has exited and its output is drained. */
export function runChild(opts: RunChildOptions): Promise<ChildRun> {
  ticksPerSecond(); // resolved once, before the clock starts
  return new Promise((resolve, reject) => {
    const spawnAt = wallNow();
    const child = spawn(process.execPath, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(child);
    let stdout = "";
    let stderr = "";
    let exitAt = 0;
    let peakRssBytes: number | undefined;
    let rssSamples = 0;
    let cpuMs: number | undefined;
    const sample = () => {
      if (child.pid === undefined || exitAt) return;
      const v = readPeakRss(child.pid);
      if (v !== undefined) {
        peakRssBytes = v;
        rssSamples++;
        cpuMs = readCpuMs(child.pid) ?? cpuMs;
      }
    };
    sample();
    const poll = setInterval(sample, opts.pollMs ?? RSS_POLL_MS);
    const timeout = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`timed out after ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timeout);
      live.delete(child);
      const tail = (s: string) => s.split("\n").slice(-15).join("\n");
      reject(new Error(`${err.message}\n--- stdout (tail) ---\n${tail(stdout)}\n--- stderr (tail) ---\n${tail(stderr)}`));
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (c: string) => (stdout += c));
    child.stderr.on("data", (c: string) => (stderr += c));
    child.on("error", (err) => fail(err));
    child.on("exit", () => {
      exitAt = wallNow();
      clearInterval(poll);
    });
    child.on("close", (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      live.delete(child);
      resolve({ spawnAt, exitAt: exitAt || wallNow(), code, signal, stdout, stderr, peakRssBytes, rssSamples, cpuMs });
    });
  });
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function min(xs: number[]): number {
  return xs.length ? Math.min(...xs) : Number.NaN;
}

export function max(xs: number[]): number {
  return xs.length ? Math.max(...xs) : Number.NaN;
}
