/**
 * `npx tsx bench/serverStreams.ts [--base REV] [--runs N]`: what streaming answers costs `mux
 * server`, for this build and (with --base) an earlier commit built into a temp dir, measured in
 * the same run, alternating between the two.
 *
 *   10 streams CPU  the server's CPU (user + system, /proc) from the sends to the last workspace
 *                   idle, while 10 workspaces each stream a 3,000-word answer in 16-character
 *                   deltas, one every 5 ms (after a short warm-up turn elsewhere, once the server
 *                   is quiet again); also less the server's idle CPU rate over the same time (its
 *                   periodic git status)
 *   50 streams lag  50 workspaces streaming the same answer at once, a delta every 20 ms (about
 *                   200 tokens/s, a fast model): the provider's last frame of each answer (as a
 *                   proxy forwards it) → the workspace feed saying the turn is over (p50 / max)
 *   peak RSS        VmHWM of a fresh server through the 50 streams
 *   RSS after       VmRSS 3 s and 10 s after the last of the 50 turns ended, against VmRSS idle
 *                   before them (a client connected and subscribed both times)
 *
 * Each build gets a fresh copy of the same MUX_ROOT (one project, 50 local workspaces); the fake
 * provider and the proxy run in this process, so their CPU is not counted. Nothing here asserts.
 * MUX_BENCH_SERVER_NODE_ARGS="--flag ..." passes node flags to the servers (e.g. --cpu-prof);
 * MUX_BENCH_HEAP_DIR=DIR writes a heap snapshot of each server 10 s after its streams (a full GC
 * first) and prints its RSS after it, to tell garbage not yet collected from memory kept.
 * MUX_BENCH_GC=1 has each server collect all garbage 10 s after its streams (over the inspector)
 * and prints its RSS after that. --only cpu|many runs one of the two phases.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeProvider, startFakeProvider } from "../test/fake-provider/index.js";
import { makeRepo } from "../test/helpers/git.js";
import { connect } from "../test/helpers/server.js";
import { median, readCpuMs } from "./measure.js";
import { WebSocket } from "ws";
import { cleanupAll, freePort, muxBin, readRss, spawnServer, TOKEN, tempDir } from "./server.js";
import { startStampingProxy, type StampingProxy } from "./stampingProxy.js";
import { IDLE_GC_QUIET_MS } from "../src/session/idleGc.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const KEY = "sk-ant-bench-streams-0123456789abcdef";
const WORKSPACES = 50;
const CPU_STREAMS = 10;
const WORDS = 3_000;
const DELTA_CHARS = 16;
/** Deltas come this often in the CPU phase, and in the 50-stream phase (~200 tokens/s, a fast model). */
const CPU_DELTA_MS = 5;
const MANY_DELTA_MS = 20;

export const TARGETS = { cpuRatio: 0.7, lagMs: 500, peakRssMiB: 200, rssAboveIdleMiB: 20 };

/** 3,000 words of plain prose-like text (deterministic). */
function answerText(): string {
  const words = ["the", "stream", "keeps", "going", "while", "agents", "write", "code", "and", "tests", "quietly", "on"];
  const out: string[] = [];
  for (let i = 0; i < WORDS; i++) out.push(i % 97 === 96 ? `${words[i % words.length]}.\n\n` : words[(i * 7) % words.length]);
  return out.join(" ");
}
const TEXT = answerText();
const DELTAS_PER_STREAM = Math.ceil(TEXT.length / DELTA_CHARS);

/** `dist/mux.js` of `rev` built in a temp dir (its node_modules are this clone's). */
function buildRev(rev: string): string {
  const dir = tempDir("mux-bench-base-");
  execFileSync("sh", ["-c", `git -C "${REPO_ROOT}" archive "${rev}" | tar -x -C "${dir}"`], { stdio: "inherit" });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return path.join(dir, "dist", "mux.js");
}

/** A MUX_ROOT with one project and `WORKSPACES` local workspaces, made by the current build. */
async function makeTemplate(): Promise<{ muxRoot: string; ids: string[] }> {
  const base = tempDir("mux-bench-streams-");
  const muxRoot = path.join(base, "mux-root");
  fs.mkdirSync(muxRoot);
  const repo = makeRepo(path.join(base, "app"), { "README.md": "# app\n" });
  const server = await spawnServer(muxRoot);
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  try {
    await conn.api.projects.add({ path: repo });
    const ids: string[] = [];
    for (let i = 1; i <= WORKSPACES; i++) {
      const ws = await conn.api.workspaces.create({ projectPath: repo, name: `s-${String(i).padStart(2, "0")}`, runtime: { type: "local" } });
      ids.push(ws.id);
    }
    return { muxRoot, ids };
  } finally {
    conn.close();
    await server.stop();
  }
}

function freshRoot(template: string): string {
  const muxRoot = path.join(tempDir("mux-bench-streams-run-"), "mux-root");
  fs.cpSync(template, muxRoot, { recursive: true });
  return muxRoot;
}

interface Phase {
  cpuMs: number;
  /** CPU per ms of the same server idle just before (periodic work). */
  idleCpuPerMs: number;
  windowMs: number;
  lagMs: number[];
  idleRss: number;
  peakRss: number;
  rssAfter3s: number;
  rssAfter10s: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `pid` spent under 5 % of a core over two 500 ms spans in a row (at most 30 s). */
async function quiet(pid: number): Promise<void> {
  let calm = 0;
  for (let i = 0; i < 60 && calm < 2; i++) {
    const before = readCpuMs(pid) ?? 0;
    await sleep(500);
    calm = (readCpuMs(pid) ?? 0) - before < 25 ? calm + 1 : 0;
  }
}

/**
 * Sends to `count` workspaces at once on a fresh server and waits for every turn to end;
 * returns the server's CPU over that window, each stream's lag and the memory figures.
 */
async function streams(bin: string, muxRoot: string, ids: string[], count: number, proxy: StampingProxy, fake: FakeProvider): Promise<Phase> {
  const deltaMs = count === CPU_STREAMS ? CPU_DELTA_MS : MANY_DELTA_MS;
  fake.setResponder(() => ({ text: TEXT, chunkSize: DELTA_CHARS, chunkDelayMs: deltaMs }));
  const heapDir = process.env.MUX_BENCH_HEAP_DIR;
  const nodeArgs = (process.env.MUX_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  if (heapDir) nodeArgs.push("--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${heapDir}`);
  const inspectPort = process.env.MUX_BENCH_GC ? await freePort() : undefined;
  if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
  const server = await spawnServer(muxRoot, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: proxy.url }, nodeArgs, bin);
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  try {
    const names = new Map<string, string>();
    const idleAt = new Map<string, number>();
    const started = new Set<string>();
    const feed = await conn.api.workspaces.subscribe();
    const reading = (async () => {
      for await (const item of feed) {
        if (item.type === "snapshot") for (const w of item.workspaces) names.set(w.id, w.name);
        if (item.type !== "workspace") continue;
        const { id, activity } = item.workspace;
        if (activity.state === "streaming" || activity.state === "starting") started.add(id);
        else if (started.has(id) && !idleAt.has(id)) idleAt.set(id, Date.now());
      }
    })().catch(() => {});
    if (count === CPU_STREAMS) {
      // A short turn first (in a workspace not measured): the agent and provider code is loaded
      // on the first turn, a one-off cost that is not the streams'.
      const warm = ids[ids.length - 1];
      fake.setResponder(() => ({ text: "warm", chunkDelayMs: 1 }));
      await conn.api.chat.send({ workspaceId: warm, text: "warm up", model: "sonnet" });
      while (!idleAt.has(warm)) await sleep(20);
      fake.setResponder(() => ({ text: TEXT, chunkSize: DELTA_CHARS, chunkDelayMs: deltaMs }));
      // What the warm-up turn and the server's start leave running (the full collection once
      // turns stop, idleGc.ts; the overlap radar's first pass over the 50 workspaces) used to
      // fall in the idle measurement below or in the streams' window, as chance had it.
      await sleep(IDLE_GC_QUIET_MS + 500);
      await quiet(server.pid);
    }
    // What the server spends with nothing streaming (its periodic git status of every workspace).
    const idleCpu0 = readCpuMs(server.pid) ?? Number.NaN;
    await sleep(3_000);
    const idleCpuPerMs = ((readCpuMs(server.pid) ?? Number.NaN) - idleCpu0) / 3_000;
    const idleRss = readRss(server.pid).rss;
    const chosen = ids.slice(0, count);
    proxy.streams.length = 0;
    const cpu0 = readCpuMs(server.pid) ?? Number.NaN;
    const t0 = Date.now();
    await Promise.all(chosen.map((id) => conn.api.chat.send({ workspaceId: id, text: `stream ${id}`, model: "sonnet" })));
    while (chosen.some((id) => !idleAt.has(id))) {
      if (Date.now() - t0 > 300_000) throw new Error("the streams did not end within 300 s");
      await sleep(20);
    }
    const cpuMs = (readCpuMs(server.pid) ?? Number.NaN) - cpu0;
    const windowMs = Math.max(...idleAt.values()) - t0;
    const lagMs = chosen.map((id) => {
      const s = proxy.streams.find((r) => r.label === `stream ${id}`);
      if (!s) throw new Error(`no provider stream for ${names.get(id) ?? id}`);
      return idleAt.get(id)! - s.lastFrameAt;
    });
    const peakRss = readRss(server.pid).hwm;
    await sleep(3_000);
    const rssAfter3s = readRss(server.pid).rss;
    await sleep(7_000);
    const rssAfter10s = readRss(server.pid).rss;
    if (inspectPort) {
      await collectGarbage(inspectPort);
      process.stderr.write(`  after a full GC: RSS ${readRss(server.pid).rss.toFixed(1)} MiB; ${residentBy(server.pid)}\n`);
    }
    if (heapDir) {
      const before = new Set(fs.readdirSync(heapDir));
      server.child.kill("SIGUSR2");
      // Written once the file is complete: its size stops changing.
      let size = -1;
      for (;;) {
        await sleep(500);
        const file = fs.readdirSync(heapDir).find((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
        const now = file ? fs.statSync(path.join(heapDir, file)).size : -1;
        if (file && now > 0 && now === size) {
          process.stderr.write(
            `  heap snapshot ${file} (${(size / 2 ** 20).toFixed(1)} MiB); RSS after it ${readRss(server.pid).rss.toFixed(1)} MiB; ${residentBy(server.pid)}\n`,
          );
          break;
        }
        size = now;
      }
    }
    await feed.return?.();
    await reading;
    return { cpuMs, idleCpuPerMs, windowMs, lagMs, idleRss, peakRss, rssAfter3s, rssAfter10s };
  } finally {
    conn.close();
    await server.stop();
  }
}

/** Has the server's V8 collect all garbage (over the inspector protocol). */
async function collectGarbage(port: number): Promise<void> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  await new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve();
    });
    ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
  });
  ws.close();
  await sleep(500);
}

/** Where a process's resident memory is: the brk heap, anonymous mappings by size, files (MiB). */
function residentBy(pid: number): string {
  const sums = new Map<string, number>();
  let key = "";
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const mib = (Number.parseInt(head[2], 16) - Number.parseInt(head[1], 16)) / 2 ** 20;
      key = head[3] === "[heap]" ? "brk heap" : head[3] ? "files/other" : mib >= 60 ? "anon ≥ 60 MiB (malloc arenas)" : "anon < 60 MiB";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) sums.set(key, (sums.get(key) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...sums].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ");
}

interface BuildRuns {
  label: string;
  bin: string;
  cpu: Phase[];
  many: Phase[];
}

const fmt = (xs: number[], digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
const pctl = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** The phase's CPU less what the server spends idle over the same time. */
const aboveIdle = (p: Phase) => p.cpuMs - p.idleCpuPerMs * p.windowMs;

function report(b: BuildRuns): string[] {
  const perDelta = b.cpu.map((p) => (p.cpuMs / (CPU_STREAMS * DELTAS_PER_STREAM)) * 1000);
  const lines = [`${b.label}:`];
  if (b.cpu.length) {
    lines.push(
      `  ${CPU_STREAMS} streams: server CPU ${fmt(b.cpu.map((p) => p.cpuMs))} ms over ${fmt(
        b.cpu.map((p) => p.windowMs / 1000),
        1,
      )} s; ${fmt(perDelta)} µs per delta; ${fmt(b.cpu.map(aboveIdle))} ms above its idle rate (${fmt(b.cpu.map((p) => p.idleCpuPerMs * 1000))} ms/s)`,
    );
  }
  if (!b.many.length) return lines;
  return [
    ...lines,
    `  ${WORKSPACES} streams: lag after the provider's last frame p50 ${fmt(b.many.map((p) => pctl(p.lagMs, 50)))} ms, max ${fmt(b.many.map((p) => Math.max(...p.lagMs)))} ms`,
    `  ${WORKSPACES} streams: peak RSS ${fmt(
      b.many.map((p) => p.peakRss),
      1,
    )} MiB; idle before ${fmt(
      b.many.map((p) => p.idleRss),
      1,
    )} MiB; ` +
      `after +3 s ${fmt(
        b.many.map((p) => p.rssAfter3s - p.idleRss),
        1,
      )} MiB, +10 s ${fmt(
        b.many.map((p) => p.rssAfter10s - p.idleRss),
        1,
      )} MiB above idle`,
  ];
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runs = Number(opt("--runs") ?? 3);
  const base = opt("--base");
  const only = opt("--only");
  const builds: BuildRuns[] = [{ label: "this build", bin: muxBin(), cpu: [], many: [] }];
  if (base) {
    process.stderr.write(`building ${base}…\n`);
    builds.unshift({ label: `base ${base}`, bin: buildRev(base), cpu: [], many: [] });
  }
  const template = await makeTemplate();
  let fake: FakeProvider | undefined;
  let proxy: StampingProxy | undefined;
  try {
    fake = await startFakeProvider({ token: KEY });
    proxy = await startStampingProxy(fake.url);
    for (let r = 0; r < runs; r++) {
      // Alternating which build goes first, so drift on a shared machine does not favour one.
      for (const b of r % 2 ? [...builds].reverse() : builds) {
        if (only !== "many") {
          const cpu = await streams(b.bin, freshRoot(template.muxRoot), template.ids, CPU_STREAMS, proxy, fake);
          b.cpu.push(cpu);
          process.stderr.write(`  run ${r + 1}/${runs} ${b.label}: ${CPU_STREAMS} streams ${cpu.cpuMs.toFixed(0)} ms CPU\n`);
        }
        if (only !== "cpu") {
          const many = await streams(b.bin, freshRoot(template.muxRoot), template.ids, WORKSPACES, proxy, fake);
          b.many.push(many);
          process.stderr.write(
            `  run ${r + 1}/${runs} ${b.label}: ${WORKSPACES} streams lag max ${Math.max(...many.lagMs).toFixed(0)} ms, ` +
              `peak ${many.peakRss.toFixed(1)} MiB, idle ${many.idleRss.toFixed(1)} → +3 s ${many.rssAfter3s.toFixed(1)} / +10 s ${many.rssAfter10s.toFixed(1)} MiB\n`,
          );
        }
      }
    }
  } finally {
    await proxy?.close();
    await fake?.close();
  }
  const lines = [
    `\nmux server streaming: ${WORDS} words (${TEXT.length} chars) per answer in ${DELTA_CHARS}-char deltas (${DELTAS_PER_STREAM} deltas) every ${CPU_DELTA_MS} ms (${CPU_STREAMS} streams) or ${MANY_DELTA_MS} ms (${WORKSPACES}), median (range) of ${runs} runs`,
    ...builds.flatMap(report),
  ];
  if (base && only !== "many") {
    const [before, after] = builds;
    const ratio = median(after.cpu.map((p) => p.cpuMs)) / median(before.cpu.map((p) => p.cpuMs));
    const ratioAboveIdle = median(after.cpu.map(aboveIdle)) / median(before.cpu.map(aboveIdle));
    lines.push(
      `  ${ratio <= TARGETS.cpuRatio ? "PASS" : "MISS"}  ${CPU_STREAMS}-stream server CPU, this build ÷ base: ${ratio.toFixed(2)} (target ≤ ${TARGETS.cpuRatio}); above idle: ${ratioAboveIdle.toFixed(2)}`,
    );
  }
  const now = builds.at(-1)!;
  if (!now.many.length) return void console.log(lines.join("\n"));
  const lag = median(now.many.map((p) => Math.max(...p.lagMs)));
  const peak = median(now.many.map((p) => p.peakRss));
  const above = median(now.many.map((p) => p.rssAfter10s - p.idleRss));
  lines.push(
    `  ${lag <= TARGETS.lagMs ? "PASS" : "MISS"}  ${WORKSPACES} streams: max lag ${lag.toFixed(0)} ms (target ≤ ${TARGETS.lagMs} ms)`,
    `  ${peak <= TARGETS.peakRssMiB ? "PASS" : "MISS"}  ${WORKSPACES} streams: peak RSS ${peak.toFixed(1)} MiB (target ≤ ${TARGETS.peakRssMiB} MiB)`,
    `  ${above <= TARGETS.rssAboveIdleMiB ? "PASS" : "MISS"}  RSS 10 s after the streams: ${above.toFixed(1)} MiB above idle (target ≤ ${TARGETS.rssAboveIdleMiB} MiB)`,
  );
  console.log(lines.join("\n"));
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupAll);
