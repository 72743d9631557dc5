/**
 * CPU accounting from /proc for the UI bench (bench/ui.ts): the processes a pid has spawned, their
 * CPU time, and how busy other processes kept the machine while a phase ran.
 */
import * as fs from "node:fs";
import { readCpuMs, readSystemBusyMs } from "./measure.js";

/** Pids of every descendant of `root` whose command name matches. */
export function descendants(root: number, name: RegExp): number[] {
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      comm.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parent.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    let p = parent.get(pid);
    while (p !== undefined && p > 1 && p !== root) p = parent.get(p);
    if (p === root && name.test(comm.get(pid) ?? "")) out.push(pid);
  }
  return out;
}

/** The Chromium renderer processes (the pages) among `pids`. */
export function renderers(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
    } catch {
      return false;
    }
  });
}

/** CPU ms used so far by the threads of `pids`, summed by thread name (CrRendererMain, Compositor…). */
export function threadCpu(pids: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    let tids: string[] = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(name, (out.get(name) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK);
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** CPU ms (user + system) of a process's main thread. */
export function mainThreadCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

export const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (readCpuMs(pid) ?? 0), 0);

/** CPU ms a process and its reaped children have used (utime + stime + cutime + cstime). */
export function treeCpuMs(pid: number | "self"): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return (ticks * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}
const CLK_TCK = 100;

/** CPU this bench's whole process tree has used so far: itself, its live descendants, and reaped ones. */
function benchCpuMs(): { total: number; byPid: Map<number, number> } {
  const byPid = new Map<number, number>();
  for (const pid of descendants(process.pid, /./)) byPid.set(pid, treeCpuMs(pid));
  let total = treeCpuMs("self");
  for (const v of byPid.values()) total += v;
  return { total, byPid };
}

/**
 * How many CPUs processes other than this bench (and the server and browser it runs) kept busy
 * since `start()`: the machine's busy time from /proc/stat minus this process tree's CPU time.
 */
export function interference() {
  const t0 = Date.now();
  const busy0 = readSystemBusyMs() ?? Number.NaN;
  const mine0 = benchCpuMs();
  return () => {
    const wall = Date.now() - t0;
    const busy = (readSystemBusyMs() ?? Number.NaN) - busy0;
    const mine1 = benchCpuMs();
    // A descendant alive at both ends counts only its growth; a new one all of its time.
    let mine = treeCpuMs("self") - (mine0.total - [...mine0.byPid.values()].reduce((a, b) => a + b, 0));
    for (const [pid, v] of mine1.byPid) mine += v - (mine0.byPid.get(pid) ?? 0);
    return Math.max(0, (busy - mine) / wall);
  };
}
