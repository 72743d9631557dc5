/**
 * `npm run bench:docker`: what a Docker workspace costs, against a real engine and the local image
 * .ci/run builds (mux-test/debian:bookworm; --image to use another).
 *
 *   create     WorkspaceService.create of a Docker workspace in a small repository (container
 *              start, bundle in, branch): median of --runs; target ≤ 2 s plus the bundle's transfer
 *              (the bundle's size is printed; here it is small).
 *   tool call  a `bash` tool command (`true`) through the Docker runtime against the same through a
 *              worktree's local runtime: median of 20 each; target ≤ 60 ms more.
 *   idle       `mux server` with 10 Docker workspaces and no page open, for --idle-s seconds
 *              (30): CPU of the server process, and of it plus the docker/git processes it ran
 *              (ended, and those still running such as a container's command server client);
 *              target < 1 % of one core.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { DockerRuntime } from "../src/runtime/docker.js";
import type { LocalRuntime } from "../src/runtime/local.js";
import type { Runtime } from "../src/runtime/types.js";
import { bashTool } from "../src/tools/bash.js";
import type { ToolContext } from "../src/tools/types.js";
import { createWorkspaceService } from "../src/app/services.js";
import { git } from "./gitFixture.js";
import { median } from "./measure.js";
import { spawnServer } from "./server.js";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const IMAGE = flag("--image", "mux-test/debian:bookworm");
const RUNS = Number(flag("--runs", "5"));
const IDLE_S = Number(flag("--idle-s", "30"));

/** CPU ms of a process; with `children`, also of the children it has waited for. */
function cpuMs(pid: number, children: boolean): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return (ticks * 1000) / 100;
}

const names = new Map<number, string>();

/** CPU ms of every live descendant of `pid` (long-running docker clients are not waited for yet). */
function descendantsCpu(pid: number): Map<number, number> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.split(") ")[1].split(" ");
      parent.set(Number(d), Number(f[1]));
      cpu.set(Number(d), ((Number(f[11]) + Number(f[12])) * 1000) / 100);
      names.set(Number(d), stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")));
    } catch {}
  }
  const out = new Map<number, number>();
  for (const p of cpu.keys()) {
    for (let q = parent.get(p); q; q = parent.get(q)) {
      if (q === pid) {
        out.set(p, cpu.get(p) ?? 0);
        break;
      }
    }
  }
  return out;
}

/** CPU ms the live descendants spent between two snapshots (those gone since are in cutime). */
function liveCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  const byName = new Map<string, { n: number; ms: number }>();
  for (const [p, c] of after) {
    ms += c - (before.get(p) ?? 0);
    const e = byName.get(names.get(p) ?? "?") ?? { n: 0, ms: 0 };
    byName.set(names.get(p) ?? "?", { n: e.n + 1, ms: e.ms + c - (before.get(p) ?? 0) });
  }
  console.log(`  still running at the end: ${[...byName].map(([k, v]) => `${v.n} ${k} ${v.ms} ms`).join(", ") || "none"}`);
  // A process that ended between the two went into cutime whole: take off what it had before.
  for (const [p, c] of before) if (!after.has(p)) ms -= c;
  return ms;
}

async function toolMs(runtime: Runtime): Promise<number> {
  const ctx: ToolContext = { runtime, toolCallId: "bench", signal: new AbortController().signal, onOutput: () => {}, session: { todos: [] } };
  const t0 = performance.now();
  await bashTool.execute({ script: "true" }, ctx);
  return performance.now() - t0;
}

async function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-docker-"));
  const muxRoot = path.join(base, "mux");
  const repo = path.join(base, "app");
  fs.mkdirSync(repo);
  git(repo, "init", "-q", "-b", "main");
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(repo, `f${i}.ts`), `export const x${i} = ${i};\n`.repeat(20));
  git(repo, "add", "-A");
  git(repo, "commit", "-qm", "init");
  const bundleBytes = execFileSync("git", ["bundle", "create", "-", "--all"], { cwd: repo, stdio: ["ignore", "pipe", "ignore"] }).length;
  const service = createWorkspaceService({ ...process.env, MUX_ROOT: muxRoot });
  const load = () => os.loadavg()[0].toFixed(1);
  try {
    const creates: number[] = [];
    const made: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const ws = await service.create({ projectPath: repo, name: `bench-${i}`, runtime: { type: "docker", image: IMAGE } });
      creates.push(performance.now() - t0);
      made.push(ws.id);
    }
    const createMs = median(creates);
    console.log(
      `create: median ${createMs.toFixed(0)} ms (${creates.map((x) => x.toFixed(0)).join(", ")}), bundle ${(bundleBytes / 1024).toFixed(0)} KiB, load ${load()}: ${createMs <= 2000 ? "PASS" : "MISS"} (≤ 2 s)`,
    );

    const docker = service.runtime(service.get(made[0])) as DockerRuntime;
    const wt = await service.create({ projectPath: repo, name: "bench-local" });
    const local = service.runtime(wt) as LocalRuntime;
    await toolMs(docker);
    await toolMs(local);
    const d: number[] = [];
    const l: number[] = [];
    for (let i = 0; i < 20; i++) {
      d.push(await toolMs(docker));
      l.push(await toolMs(local));
    }
    const extra = median(d) - median(l);
    console.log(
      `tool call: docker ${median(d).toFixed(1)} ms, local ${median(l).toFixed(1)} ms, +${extra.toFixed(1)} ms, load ${load()}: ${extra <= 60 ? "PASS" : "MISS"} (≤ +60 ms)`,
    );
    await service.delete(wt.id, { force: true });

    for (let i = made.length; i < 10; i++)
      made.push((await service.create({ projectPath: repo, name: `bench-${i}`, runtime: { type: "docker", image: IMAGE } })).id);
    const server = await spawnServer(muxRoot);
    try {
      // Let the first pass of health and git status settle.
      await new Promise((r) => setTimeout(r, 5_000));
      const own0 = cpuMs(server.pid, false);
      const all0 = cpuMs(server.pid, true);
      const live0 = descendantsCpu(server.pid);
      await new Promise((r) => setTimeout(r, IDLE_S * 1000));
      const own = ((cpuMs(server.pid, false) - own0) / (IDLE_S * 1000)) * 100;
      const live = liveCpuBetween(live0, descendantsCpu(server.pid));
      const ended = cpuMs(server.pid, true) - cpuMs(server.pid, false) - (all0 - own0);
      console.log(`  ended meanwhile (waited for): ${ended} ms`);
      const all = ((cpuMs(server.pid, true) - all0 + live) / (IDLE_S * 1000)) * 100;
      console.log(
        `idle, 10 Docker workspaces, ${IDLE_S} s: server ${own.toFixed(2)} % CPU, with the commands it ran ${all.toFixed(2)} %, load ${load()}: ${all < 1 ? "PASS" : own < 1 ? "PASS for the server, MISS with its commands" : "MISS"} (< 1 %)`,
      );
    } finally {
      await server.stop();
    }
    for (const id of made) await service.delete(id, { force: true });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

await main();
