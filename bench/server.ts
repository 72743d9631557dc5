/**
 * `npx tsx bench/server.ts`: how fast `mux server` is up and how much memory it holds once a
 * browser has loaded the app. bench/ui.ts imports these measurements and prints them with the
 * browser-side ones; run on its own, this prints only the server rows.
 *
 *   server ready   spawn of `node dist/mux.js server` → first 200 from GET /health (median of N
 *                  fresh processes, after a discarded warm-up), plus spawn → the "ready" line
 *   idle RSS       the server's resident memory (VmRSS) after a page load and a few idle seconds
 *
 * Everything runs from a private copy of dist/ (a rebuild meanwhile cannot break it), against a
 * temporary MUX_ROOT holding one project with `workspaces` worktree workspaces plus a local
 * workspace "history" whose chat has `historyMessages` messages. Nothing here asserts timing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { writeChat } from "../test/browser/harness.js";
import { launchBrowser } from "../test/helpers/browser.js";
import { makeRepo } from "../test/helpers/git.js";
import { cleanEnv } from "../test/helpers/mux.js";
import { connect, signIn } from "../test/helpers/server.js";
import { median, readCpuMs, wallNow } from "./measure.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const TOKEN = "bench-server-token-0123456789abcdef";
export const MiB = 1024 * 1024;

/** Temp directories made here, removed on exit whatever happens. */
const temps = new Set<string>();
const children = new Set<ChildProcess>();
export function cleanupAll(): void {
  for (const c of children) c.kill("SIGKILL");
  children.clear();
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  temps.clear();
}
process.once("exit", cleanupAll);

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.add(dir);
  return dir;
}

let distCopy: string | undefined;
/**
 * `mux.js` of a private copy of dist/ (with the web app beside it, as installed).
 * MUX_BENCH_DIST=DIR measures another build instead (an A/B against a copy of main's dist/).
 */
export function muxBin(): string {
  if (!distCopy) {
    const src = path.resolve(process.env.MUX_BENCH_DIST || path.join(REPO_ROOT, "dist"));
    if (!fs.existsSync(path.join(src, "mux.js")) || !fs.existsSync(path.join(src, "web", "index.html"))) {
      throw new Error("dist/ is not built: run node scripts/build.mjs first");
    }
    distCopy = path.join(tempDir("mux-bench-dist-"), "dist");
    fs.cpSync(src, distCopy, { recursive: true, filter: (f) => !f.endsWith(".map") });
  }
  return path.join(distCopy, "mux.js");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Wall clock just before spawn(). */
  spawnAt: number;
  /** Wall clock when the first GET /health answered 200. */
  healthAt: number;
  /** Wall clock when the "Mux is ready" line arrived. */
  readyLineAt: number;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node dist/mux.js server` on a free port and polls GET /health (every ~2 ms, as soon as
 * the process exists) until it answers 200; also waits for the ready line.
 */
export async function spawnServer(
  muxRoot: string,
  env: Record<string, string | undefined> = {},
  nodeArgs: string[] = [],
  bin = muxBin(),
): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const spawnAt = wallNow();
  const child = spawn(process.execPath, [...nodeArgs, bin, "server", "--host", "127.0.0.1", "--port", String(port), "--auth-token", TOKEN], {
    env: cleanEnv({ MUX_ROOT: muxRoot, NODE_OPTIONS: undefined, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const readyLine = new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (c: string) => {
      stdout += c;
      if (stdout.includes("Mux is ready at")) resolve(wallNow());
    });
    void exited.then(() => reject(new Error(`server exited before it was ready:\n${stdout}\n${stderr}`)));
  });
  readyLine.catch(() => {});
  let healthAt = 0;
  const deadline = spawnAt + 20_000;
  while (!healthAt) {
    if (child.exitCode !== null) await readyLine; // throws with the output
    if (wallNow() > deadline) throw new Error(`no 200 from /health after 20 s\n${stderr}`);
    try {
      const r = await fetch(`${url}health`);
      if (r.status === 200) healthAt = wallNow();
      await r.body?.cancel();
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const readyLineAt = await readyLine;
  return {
    url,
    port,
    pid: child.pid!,
    child,
    spawnAt,
    healthAt,
    readyLineAt,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      children.delete(child);
    },
  };
}

export interface Fixture {
  base: string;
  muxRoot: string;
  repo: string;
  /** The worktree workspaces, in creation (sidebar) order. */
  workspaces: { id: string; name: string }[];
  history: { id: string; name: string; messages: number };
}

/** One project, `workspaces` worktree workspaces and a local "history" workspace with a long chat. */
export async function makeFixture(opts: { workspaces: number; historyMessages: number }): Promise<Fixture> {
  const base = tempDir("mux-bench-ui-");
  const muxRoot = path.join(base, "mux-root");
  fs.mkdirSync(muxRoot);
  const repo = makeRepo(path.join(base, "bench-app"), {
    "README.md": "# bench app\n",
    "src/index.ts": "export const answer = 42;\n",
    "package.json": '{ "name": "bench-app", "version": "1.0.0" }\n',
  });
  const server = await spawnServer(muxRoot);
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  try {
    await conn.api.projects.add({ path: repo });
    const workspaces: Fixture["workspaces"] = [];
    for (let i = 1; i <= opts.workspaces; i++) {
      const name = `ws-${String(i).padStart(2, "0")}`;
      const ws = await conn.api.workspaces.create({ projectPath: repo, name });
      workspaces.push({ id: ws.id, name });
    }
    const history = await conn.api.workspaces.create({ projectPath: repo, name: "history", runtime: { type: "local" } });
    conn.close();
    await server.stop();
    const messages = writeChat(muxRoot, history.id, Math.ceil(opts.historyMessages / 2));
    return { base, muxRoot, repo, workspaces, history: { id: history.id, name: "history", messages } };
  } catch (e) {
    conn.close();
    await server.stop();
    throw e;
  }
}

export interface ServerReady {
  healthMs: number[];
  readyLineMs: number[];
}

/** spawn → first 200 from /health, `runs` fresh processes after `warmup` discarded ones. */
export async function measureServerReady(muxRoot: string, runs = 5, warmup = 1): Promise<ServerReady> {
  const out: ServerReady = { healthMs: [], readyLineMs: [] };
  for (let i = 0; i < warmup + runs; i++) {
    const s = await spawnServer(muxRoot);
    await s.stop();
    if (i < warmup) continue;
    out.healthMs.push(s.healthAt - s.spawnAt);
    out.readyLineMs.push(s.readyLineAt - s.spawnAt);
    process.stderr.write(
      `  server ready run ${i - warmup + 1}/${runs}: /health ${(s.healthAt - s.spawnAt).toFixed(0)} ms, ready line ${(s.readyLineAt - s.spawnAt).toFixed(0)} ms\n`,
    );
  }
  return out;
}

/** Current and peak resident memory of a process (MiB) from /proc/<pid>/status. */
export function readRss(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: (kb("VmRSS") * 1024) / MiB, hwm: (kb("VmHWM") * 1024) / MiB };
}

/** A browser context signed in to the server (the session cookie a ?token= visit sets). */
export async function signedInContext(browser: Browser, server: { url: string; port: number }, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  // tsx (esbuild keepNames) wraps named functions in __name(): page-side callbacks need it too.
  await context.addInitScript({ content: "globalThis.__name ??= (f) => f;" });
  const [name, value] = (await signIn(server, TOKEN)).split("=");
  await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Strict" }]);
  return context;
}

/** The server's memory once a browser has loaded the app (sidebar with `rows` rows) and it sat idle for `idleMs`. */
export async function measureIdleRss(server: BenchServer, browser: Browser, rows: number, idleMs = 3_000) {
  const context = await signedInContext(browser, server);
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll("[data-testid^=workspace-row-]").length >= n, rows, { timeout: 30_000 });
    const cpu0 = readCpuMs(server.pid) ?? Number.NaN;
    await new Promise((r) => setTimeout(r, idleMs));
    const idleCpuPct = (((readCpuMs(server.pid) ?? Number.NaN) - cpu0) / idleMs) * 100;
    return { ...readRss(server.pid), idleCpuPct };
  } finally {
    await context.close();
  }
}

// ── run on its own ─────────────────────────────────────────────────────────────────────────────

export const TARGETS = {
  serverReadyMs: 300,
  idleRssMiB: 120,
};

async function main() {
  const fixture = await makeFixture({ workspaces: 20, historyMessages: 5_000 });
  const ready = await measureServerReady(fixture.muxRoot);
  const server = await spawnServer(fixture.muxRoot);
  const browser = await launchBrowser();
  try {
    const idle = await measureIdleRss(server, browser, fixture.workspaces.length + 1);
    const h = median(ready.healthMs);
    console.log(`\nmux server (${fixture.workspaces.length + 1} workspaces, one with a ${fixture.history.messages}-message chat)`);
    console.log(
      `  ${h <= TARGETS.serverReadyMs ? "PASS" : "MISS"}  spawn → /health 200: ${h.toFixed(0)} ms median (target ≤ ${TARGETS.serverReadyMs} ms; ready line ${median(ready.readyLineMs).toFixed(0)} ms)`,
    );
    console.log(
      `  ${idle.rss < TARGETS.idleRssMiB ? "PASS" : "MISS"}  idle RSS after a page load: ${idle.rss.toFixed(1)} MiB (target < ${TARGETS.idleRssMiB} MiB; peak ${idle.hwm.toFixed(1)} MiB)`,
    );
  } finally {
    await browser.close();
    await server.stop();
    cleanupAll();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    cleanupAll();
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
