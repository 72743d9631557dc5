/**
 * The UI bench's watch-cost phase (bench/ui.ts prints it): what a browser tab costs while 10
 * workspaces stream a Markdown reply in 4-character deltas, next to what the server costs for the
 * same streams.
 *
 *   page CPU     the tab's renderer process (/proc, every thread: script, style, layout, paint,
 *                raster) over the streaming window; the tab is the only page of the browser.
 *                Also its main thread alone (CDP Performance.getMetrics TaskDuration), split into
 *                script, style and layout (the rest: paint, compositing and other tasks).
 *   server CPU   the `mux server` process over the same window (its only client is the tab).
 *   event → screen  the reply carries a short marker every ~10 deltas (bench/uiWatchText.ts); the
 *                stamping proxy records when the frame carrying each left for the server, and a
 *                MutationObserver in the page when it reached the DOM and when the frame that
 *                draws it had painted it (bench/framePaint.ts).
 *
 * Two views of the same streams: the tab showing one of the streaming chats ("chat"), and the tab
 * showing an idle workspace's chat, so only the sidebar follows the streams ("sidebar").
 */
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { FakeProvider } from "../test/fake-provider/index.js";
import { connect } from "../test/helpers/server.js";
import { readCpuMs } from "./measure.js";
import { installDrawnProbe } from "./framePaint.js";
import { cpuOf, descendants, renderers, threadCpu } from "./processCpu.js";
import { type BenchServer, type Fixture, signedInContext, TOKEN } from "./server.js";
import type { StampingProxy } from "./stampingProxy.js";
import { watchText } from "./uiWatchText.js";

// Page-side code runs in the browser; the bench typechecks against the Node lib only.
declare const document: any;
declare const window: any;
declare const MutationObserver: any;

/**
 * 10 streams of 4-character deltas every 20 ms. To study the page's cost per delta on a busy
 * machine, MUX_BENCH_WATCH_STREAMS=1 MUX_BENCH_WATCH_DELAY_MS=60 gives every delta a frame of its
 * own even when the browser waits for a CPU, and MUX_BENCH_WATCH_VIEWS=chat skips the sidebar view.
 */
export const WATCH_STREAMS = Number(process.env.MUX_BENCH_WATCH_STREAMS) || 10;
export const WATCH_DELTA_CHARS = 4;
export const WATCH_DELAY_MS = Number(process.env.MUX_BENCH_WATCH_DELAY_MS) || 20;
export const WATCH_VIEWS = (process.env.MUX_BENCH_WATCH_VIEWS?.split(",") ?? ["chat", "sidebar"]) as WatchView[];

export type WatchView = "chat" | "sidebar";

/**
 * MUX_BENCH_WATCH_WARMUP=1: the tab first watches the same streams once, unmeasured. By default
 * each run measures a fresh tab's first streams, which include its one-time costs: V8 compiling
 * the app's hot code (most of the tab's worker threads' CPU), and the first TypeScript fence
 * compiling its grammar. The server, measured beside it, has been running all along. With the
 * warm-up, the figures are those of a tab that has been watching for a while.
 */
export const WATCH_WARMUP = process.env.MUX_BENCH_WATCH_WARMUP === "1";

export interface WatchRun {
  view: WatchView;
  windowMs: number;
  /** % of one core. */
  pageCpuPct: number;
  pageMainThreadPct: number;
  /** Where the main thread's time went (CDP Performance metrics, % of the window) and how often it laid out. */
  mainThread: { scriptPct: number; layoutPct: number; stylePct: number; layoutsPerSecond: number };
  browserCpuPct: number;
  serverCpuPct: number;
  /** The page's CPU by thread name (% of one core). */
  pageThreads: Record<string, number>;
  /** Marker latencies (ms), provider frame → DOM / → drawn; empty for "sidebar". */
  dom: number[];
  paint: number[];
  markers: number;
  /** Deltas of all streams, and of the one the tab shows. */
  deltas: number;
  visibleDeltas: number;
}

let runNumber = 0;

export async function measureWatchCost(
  browser: Browser,
  server: BenchServer,
  fixture: Fixture,
  proxy: StampingProxy,
  fake: FakeProvider,
  view: WatchView,
): Promise<WatchRun> {
  const run = runNumber++ % 36;
  const { text, ids } = watchText(run);
  fake.setResponder(() => ({ text, chunkSize: WATCH_DELTA_CHARS, chunkDelayMs: WATCH_DELAY_MS }));
  const streaming = fixture.workspaces.slice(0, WATCH_STREAMS);
  const shown = view === "chat" ? streaming[0] : fixture.workspaces[fixture.workspaces.length - 1];
  const context = await signedInContext(browser, server);
  const page = await context.newPage();
  await page.goto(`${server.url}#/w/${shown.id}`);
  await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500); // lazy chunks and highlighting of the chat's history settle
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  if (WATCH_WARMUP) await warmUp(page, conn, streaming, `warm-up ${run}`);
  await observe(page, run.toString(36));

  const chromium = descendants(process.pid, /chrom/i);
  const tabs = renderers(chromium);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () => {
    const all = (await cdp.send("Performance.getMetrics")).metrics;
    const of = (name: string) => all.find((m) => m.name === name)?.value ?? Number.NaN;
    // Durations are in seconds.
    return {
      task: of("TaskDuration") * 1000,
      script: of("ScriptDuration") * 1000,
      layout: of("LayoutDuration") * 1000,
      style: of("RecalcStyleDuration") * 1000,
      layouts: of("LayoutCount"),
    };
  };
  // MUX_BENCH_BROWSER_PROFILE=file.cpuprofile: the page's CPU profile of this phase (file-chat…, file-sidebar…).
  const profileTo = (process.env.MUX_BENCH_BROWSER_PROFILE || undefined)?.replace(/(\.cpuprofile)?$/, `-watch-${view}.cpuprofile`);
  if (profileTo) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  const traceTo = (process.env.MUX_BENCH_BROWSER_TRACE || undefined)?.replace(/(\.json)?$/, `-watch-${view}.json`);
  // MUX_BENCH_BROWSER_TRACE_CATEGORIES=a,b: other trace categories (e.g. v8.execute,blink,cc to see inside tasks).
  const categories = process.env.MUX_BENCH_BROWSER_TRACE_CATEGORIES?.split(",") ?? ["devtools.timeline", "disabled-by-default-devtools.timeline"];
  if (traceTo) await browser.startTracing(page, { path: traceTo, categories });

  const serverCpu0 = readCpuMs(server.pid) ?? Number.NaN;
  const pageCpu0 = cpuOf(tabs);
  const threads0 = threadCpu(tabs);
  const browserCpu0 = cpuOf(chromium);
  const metrics0 = await metrics();
  const start = Date.now();
  proxy.streams.length = 0;
  await Promise.all(streaming.map((w) => conn.api.chat.send({ workspaceId: w.id, text: `watch ${run} for ${w.name}`, model: "sonnet" })));
  // Done when every streaming row is idle again (the sidebar shows each turn finished).
  await page.waitForFunction(
    (names: string[]) => {
      const rows = (window as any).__watchRows as { name: string; state: string }[];
      return names.every((n) => rows.some((r) => r.name === n && r.state === "idle"));
    },
    streaming.map((w) => w.name),
    { timeout: 120_000, polling: 100 },
  );
  const end = Date.now();
  const serverCpu = (readCpuMs(server.pid) ?? Number.NaN) - serverCpu0;
  const pageCpu = cpuOf(tabs) - pageCpu0;
  const threads = new Map([...threadCpu(tabs)].map(([name, ms]) => [name, ((ms - (threads0.get(name) ?? 0)) / (Date.now() - start)) * 100]));
  const browserCpu = cpuOf(chromium) - browserCpu0;
  const metrics1 = await metrics();
  if (profileTo) fs.writeFileSync(profileTo, JSON.stringify((await cdp.send("Profiler.stop")).profile));
  if (traceTo) await browser.stopTracing();
  await cdp.detach();
  conn.close();
  await page.waitForTimeout(100); // the last frames' callbacks
  const marks = (await page.evaluate(() => (window as any).__watchMarks)) as { id: string; dom: number; paint: number }[];
  await context.close();

  const windowMs = end - start;
  const sentAt = proxy.streams.find((s) => s.label === `watch ${run} for ${streaming[0].name}`)?.shortMarkers ?? new Map<string, number>();
  const dom: number[] = [];
  const paint: number[] = [];
  for (const m of marks) {
    const t = sentAt.get(m.id);
    if (t === undefined || m.paint === undefined) continue;
    dom.push(m.dom - t);
    paint.push(m.paint - t);
  }
  if (view === "chat" && paint.length !== ids.length) throw new Error(`the visible chat showed ${paint.length} of its ${ids.length} markers`);
  return {
    view,
    windowMs,
    pageCpuPct: (pageCpu / windowMs) * 100,
    pageMainThreadPct: ((metrics1.task - metrics0.task) / windowMs) * 100,
    mainThread: {
      scriptPct: ((metrics1.script - metrics0.script) / windowMs) * 100,
      layoutPct: ((metrics1.layout - metrics0.layout) / windowMs) * 100,
      stylePct: ((metrics1.style - metrics0.style) / windowMs) * 100,
      layoutsPerSecond: ((metrics1.layouts - metrics0.layouts) / windowMs) * 1000,
    },
    browserCpuPct: (browserCpu / windowMs) * 100,
    pageThreads: Object.fromEntries([...threads].filter(([, pct]) => pct >= 0.5).sort((a, b) => b[1] - a[1])),
    serverCpuPct: (serverCpu / windowMs) * 100,
    dom,
    paint,
    markers: ids.length,
    deltas: Math.ceil(text.length / WATCH_DELTA_CHARS) * streaming.length,
    visibleDeltas: Math.ceil(text.length / WATCH_DELTA_CHARS),
  };
}

/** The streams once, unmeasured: sent, then every streaming row busy and idle again. */
async function warmUp(page: Page, conn: Awaited<ReturnType<typeof connect>>, streaming: Fixture["workspaces"], label: string) {
  await Promise.all(streaming.map((w) => conn.api.chat.send({ workspaceId: w.id, text: `${label} for ${w.name}`, model: "sonnet" })));
  // In the page: whether every row's state is `want` (or, with `not`, none is).
  const rowsAre = ({ names, want, not }: { names: string[]; want: string; not: boolean }) =>
    names.every((n) => (document.querySelector(`[data-testid="workspace-row-${n}"]`)?.dataset.state === want) !== not);
  const names = streaming.map((w) => w.name);
  // A turn that ended before the first poll would keep the first wait from ending: it gives up, and the second decides.
  await page.waitForFunction(rowsAre, { names, want: "idle", not: true }, { timeout: 30_000, polling: 50 }).catch(() => {});
  await page.waitForFunction(rowsAre, { names, want: "idle", not: false }, { timeout: 120_000, polling: 100 });
}

/**
 * In the page: when each marker of run `run` first reaches the DOM (and the next frame), and the
 * sidebar rows' states. Cheap on purpose (it runs inside the tab being measured): it reads only
 * the text of the block each mutation touched.
 */
async function observe(page: Page, run: string) {
  await installDrawnProbe(page);
  await page.evaluate((runId: string) => {
    const w = window as any;
    w.__watchMarks = [];
    w.__watchRows = [];
    const seen = new Set<string>();
    const pattern = new RegExp(`§(${runId}[0-9a-z]{2})`, "g");
    let pending: any[] = [];
    let scheduled = false;
    const BLOCK = "p,li,td,th,pre,h1,h2,h3,h4,h5,h6";
    new MutationObserver((records: any[]) => {
      const now = Date.now();
      for (const r of records) {
        const nodes = r.type === "characterData" ? [r.target] : r.addedNodes;
        for (const n of nodes) {
          const el = n.nodeType === 1 ? n : n.parentElement;
          const text: string = (el?.closest(BLOCK) ?? el)?.textContent ?? "";
          if (!text.includes("§")) continue;
          for (const m of text.matchAll(pattern)) {
            if (seen.has(m[1])) continue;
            seen.add(m[1]);
            pending.push({ id: m[1], dom: now });
          }
        }
      }
      if (scheduled || !pending.length) return;
      scheduled = true;
      w.__whenDrawn(() => {
        const paint = Date.now();
        for (const m of pending) w.__watchMarks.push({ ...m, paint });
        pending = [];
        scheduled = false;
      });
    }).observe(document.querySelector("[data-testid=chat-view]"), { childList: true, subtree: true, characterData: true });
    new MutationObserver((records: any[]) => {
      const at = Date.now();
      for (const r of records) {
        const id = r.target.dataset?.testid ?? "";
        if (id.startsWith("workspace-row-")) w.__watchRows.push({ name: id.slice("workspace-row-".length), state: r.target.dataset.state, at });
      }
    }).observe(document.querySelector("[data-testid=sidebar]"), { attributes: true, subtree: true, attributeFilter: ["data-state"] });
  }, run);
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (xs: number[]) => pct(xs, 50);
const range = (xs: number[], digits = 0) => (xs.length > 1 ? ` (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : "");

export interface WatchSummary {
  ratio: number;
  paintP95: number;
  /** One line per figure, for the details. */
  details: string[];
}

/** Medians (and ranges) over the runs of each view. */
export function summarizeWatch(runs: WatchRun[]): WatchSummary {
  const chat = runs.filter((r) => r.view === "chat");
  const sidebar = runs.filter((r) => r.view === "sidebar");
  const ratios = (rs: WatchRun[]) => rs.map((r) => r.pageCpuPct / r.serverCpuPct);
  const of = (rs: WatchRun[], f: (r: WatchRun) => number) => rs.map(f);
  const line = (rs: WatchRun[], label: string) => {
    const page = of(rs, (r) => r.pageCpuPct);
    const main = of(rs, (r) => r.pageMainThreadPct);
    const server = of(rs, (r) => r.serverCpuPct);
    const browser = of(rs, (r) => r.browserCpuPct);
    const ratio = ratios(rs);
    const names = [...new Set(rs.flatMap((r) => Object.keys(r.pageThreads)))];
    const byThread = names
      .map((n) => [n, median(of(rs, (r) => r.pageThreads[n] ?? 0))] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([n, v]) => `${n} ${v.toFixed(0)}`)
      .join(", ");
    const mt = (f: (m: WatchRun["mainThread"]) => number) => median(of(rs, (r) => f(r.mainThread)));
    const split = `main thread (wall time, %): script ${mt((m) => m.scriptPct).toFixed(0)}, style ${mt((m) => m.stylePct).toFixed(0)}, layout ${mt((m) => m.layoutPct).toFixed(0)} (${mt((m) => m.layoutsPerSecond).toFixed(0)} layouts/s), the rest (paint, compositing, tasks) ${(median(main) - mt((m) => m.scriptPct + m.stylePct + m.layoutPct)).toFixed(0)}`;
    return `  watch (${label}, ${rs.length} runs): page CPU ${median(page).toFixed(0)} %${range(page)} of a core (main thread ${median(main).toFixed(0)} %${range(main)}; whole browser ${median(browser).toFixed(0)} %${range(browser)}), server ${median(server).toFixed(0)} %${range(server)}; page ÷ server ${median(ratio).toFixed(2)}×${range(ratio, 2)}; page by thread (%): ${byThread}; ${split}`;
  };
  const details: string[] = [];
  const first = runs[0];
  if (first) {
    details.push(
      `  watch: ${WATCH_STREAMS} workspaces stream the same ${first.markers}-marker Markdown reply in ${WATCH_DELTA_CHARS}-character deltas every ${WATCH_DELAY_MS} ms (${first.deltas} deltas in all, ${Math.round((WATCH_STREAMS * 1000) / WATCH_DELAY_MS)}/s), ${(median(runs.map((r) => r.windowMs)) / 1000).toFixed(1)} s per run, ${WATCH_WARMUP ? "in a tab that watched them once before (MUX_BENCH_WATCH_WARMUP)" : "a fresh tab's first streams"}`,
    );
  }
  if (chat.length) {
    details.push(line(chat, "tab shows one of the streaming chats"));
    const perDelta = of(chat, (r) => (r.pageCpuPct * r.windowMs) / 100 / r.visibleDeltas);
    details.push(`  watch (chat): page CPU per delta of the chat it shows ${median(perDelta).toFixed(2)} ms${range(perDelta, 2)}`);
    const p50 = of(chat, (r) => pct(r.paint, 50));
    const p95 = of(chat, (r) => pct(r.paint, 95));
    const d95 = of(chat, (r) => pct(r.dom, 95));
    details.push(
      `  watch (chat): event → screen p50 ${median(p50).toFixed(0)}${range(p50)} / p95 ${median(p95).toFixed(0)}${range(p95)} ms (event → DOM p95 ${median(d95).toFixed(0)}${range(d95)} ms)`,
    );
  }
  if (sidebar.length) details.push(line(sidebar, "tab shows an idle chat: only the sidebar follows"));
  return {
    ratio: median(ratios(chat)),
    paintP95: median(of(chat, (r) => pct(r.paint, 95))),
    details,
  };
}
