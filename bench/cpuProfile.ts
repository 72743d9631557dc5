/**
 * Reading a V8 CPU profile (`node --cpu-prof`) of one `mux run` (bench/startup.ts): where the
 * main thread's time went in a window of it (from spawn to the first LLM request, or from the
 * end of the last response to the exit), by kind of work and by the source package or folder
 * the running code was bundled from (esbuild's `// node_modules/…` and `// src/…` markers).
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Monotonic clock, µs (the clock of process.hrtime). */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Sample {
  /** Monotonic clock, µs. */
  at: number;
  /** How long this sample stands for, ms (at most a few sampling intervals: see `lostMs`). */
  ms: number;
  /**
   * The rest of the gap to the next sample, ms. The sampler interrupts the thread every interval
   * whatever it does (a blocking call included), so a longer gap means the process was not
   * running at all — other processes had the CPU — and that wait is no cost of this stack.
   */
  lostMs: number;
  /** Innermost frame first. */
  stack: CallFrame[];
}

/** A gap between samples longer than this many (median) intervals is the process waiting for a CPU. */
const MAX_INTERVALS_PER_SAMPLE = 3;
export const NOT_RUNNING = "not running (waiting for a CPU: a busy machine)";

export function readProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
}

export function samplesOf(profile: CpuProfile): Sample[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, CallFrame[]>();
  const stackOf = (id: number): CallFrame[] => {
    let s = stacks.get(id);
    if (!s) {
      s = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push((byId.get(x) as ProfileNode).callFrame);
      stacks.set(id, s);
    }
    return s;
  };
  const out: Sample[] = [];
  const positive = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const capUs = MAX_INTERVALS_PER_SAMPLE * (positive[Math.floor(positive.length / 2)] ?? 1000);
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    const next = i + 1 < profile.samples.length ? profile.timeDeltas[i + 1] : 0;
    const ms = Math.min(next, capUs) / 1000;
    out.push({ at, ms, lostMs: next / 1000 - ms, stack: stackOf(profile.samples[i]) });
  }
  return out;
}

const isUserFrame = (f: CallFrame) => f.url.startsWith("file:");

/** Per bundled file: the line numbers where each bundled source module starts, and its name. */
const moduleStarts = new Map<string, { line: number; source: string }[]>();

function sourceOf(frame: CallFrame): string {
  let starts = moduleStarts.get(frame.url);
  if (!starts) {
    starts = [];
    try {
      const lines = fs.readFileSync(fileURLToPath(frame.url), "utf8").split("\n");
      lines.forEach((line, i) => {
        const m = /^\/\/ ((?:node_modules\/)+(?:@[^/]+\/)?[^/]+|src\/[^/]+)\//.exec(line);
        if (m) starts?.push({ line: i, source: m[1].replace(/^(node_modules\/)+/, "") });
      });
    } catch {
      // unreadable: named after the file
    }
    moduleStarts.set(frame.url, starts);
  }
  if (frame.functionName === "" && frame.lineNumber === 0) return `${frame.url.replace(/.*\//, "")} (top-level code)`;
  let source = frame.url.replace(/.*\//, "");
  for (const s of starts) {
    if (s.line > frame.lineNumber) break;
    source = s.source;
  }
  return source;
}

/** What one sample was doing, from the main thread's point of view. */
export function kindOf(s: Sample): string {
  const top = s.stack[0];
  if (top.functionName === "(garbage collector)") return "GC (main thread)";
  if (top.functionName === "(idle)") return "idle (waiting for I/O or a timer)";
  if (top.functionName === "(program)") return "V8/Node native (compiling, parsing JSON, …)";
  if (s.stack.some((f) => f.functionName === "compileSourceTextModule")) return "compiling ES modules";
  const user = s.stack.find(isUserFrame);
  if (!user) {
    if (s.stack.some((f) => /internal\/modules\/|internal\/url|package_json/.test(f.url))) return "Node's ES module loader";
    return "Node built-ins (boot, undici, fs, …)";
  }
  // A module's top-level code (its line 0 frame) below the running code: the module is loading.
  // Not the entry's: `mux run` itself continues there after a top-level await.
  const loading = s.stack.some((f) => isUserFrame(f) && f.functionName === "" && f.lineNumber === 0 && !f.url.endsWith("/mux.js"));
  return loading ? "evaluating modules (top-level code)" : "running (mux and the SDK)";
}

export interface Breakdown {
  totalMs: number;
  byKind: [string, number][];
  /** JS of ours or a package running (self time), by bundled package or src folder. */
  bySource: [string, number][];
}

/** The samples in [from, to) (µs), summed by kind and by source. */
export function breakdown(samples: Sample[], from: number, to: number): Breakdown {
  const byKind = new Map<string, number>();
  const bySource = new Map<string, number>();
  let totalMs = 0;
  for (const s of samples) {
    if (s.at < from || s.at >= to) continue;
    totalMs += s.ms + s.lostMs;
    const kind = kindOf(s);
    byKind.set(kind, (byKind.get(kind) ?? 0) + s.ms);
    if (s.lostMs > 0) byKind.set(NOT_RUNNING, (byKind.get(NOT_RUNNING) ?? 0) + s.lostMs);
    if (isUserFrame(s.stack[0])) {
      const source = sourceOf(s.stack[0]);
      bySource.set(source, (bySource.get(source) ?? 0) + s.ms);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, byKind: sorted(byKind), bySource: sorted(bySource) };
}

/** The time (µs) of the first sample whose stack has a frame named like `name`. */
export function firstCall(samples: Sample[], name: RegExp, after = 0): number | undefined {
  return samples.find((s) => s.at >= after && s.stack.some((f) => name.test(f.functionName)))?.at;
}
