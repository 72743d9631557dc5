/**
 * The UI bench's browser-side phases (bench/ui.ts describes what each measures): app interactive,
 * opening the long chat, and 20 streams at once. Each returns its figures; bench/ui.ts prints them.
 */
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { FakeProvider } from "../test/fake-provider/index.js";
import { connect } from "../test/helpers/server.js";
import { readCpuMs } from "./measure.js";
import { installDrawnProbe } from "./framePaint.js";
import { cpuOf, descendants } from "./processCpu.js";
import { type BenchServer, type Fixture, MiB, signedInContext, TOKEN } from "./server.js";
import { PLACEHOLDER, type StampingProxy } from "./stampingProxy.js";

// Page-side code runs in the browser; the bench typechecks against the Node lib only.
declare const document: any;
declare const window: any;
declare const performance: any;
declare const requestAnimationFrame: any;
declare const MutationObserver: any;

export const MARKERS = 200;
export const CHUNK_DELAY_MS = 30;
/** Every marker is one text delta: 17 characters + 2 (a paragraph break every 8th). */
const MARKER_WIDTH = PLACEHOLDER.length + 2;
const STREAM_TEXT = Array.from({ length: MARKERS }, (_, i) => PLACEHOLDER + (i % 8 === 7 ? "\n\n" : "  ")).join("");

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

// ── app interactive ─────────────────────────────────────────────────────────────────────────────

export interface Interactive {
  rowsPaintedMs: number;
  rowsInDomMs: number;
  /** The API WebSocket: created, open, first message received. */
  wsCreatedMs: number;
  wsOpenMs: number;
  wsFirstMessageMs: number;
  ttfbMs: number;
  domContentLoadedMs: number;
  /** Wall clock (epoch ms) of navigation start. */
  timeOrigin: number;
  jsBytes: number;
  jsFiles: number;
  cssBytes: number;
}

export async function measureInteractive(browser: Browser, server: BenchServer, rows: number): Promise<Interactive> {
  const context = await signedInContext(browser, server);
  try {
    await context.addInitScript((want: number) => {
      const w = window as any;
      // When the API socket opened and brought its first message (the workspace list).
      const Native = w.WebSocket;
      w.WebSocket = class extends Native {
        constructor(...args: any[]) {
          super(...args);
          w.__wsCreatedAt ??= performance.now();
          this.addEventListener("open", () => (w.__wsOpenAt ??= performance.now()));
          this.addEventListener("message", () => (w.__wsFirstMessageAt ??= performance.now()));
        }
      };
      const check = () => {
        if (w.__rowsAt !== undefined) return;
        if (document.querySelectorAll("[data-testid^=workspace-row-]").length >= want) {
          w.__rowsAt = performance.now();
          observer.disconnect();
          requestAnimationFrame(() => (w.__rowsPaintAt = performance.now()));
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document, { childList: true, subtree: true });
    }, rows);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (window as any).__rowsPaintAt !== undefined, undefined, { timeout: 30_000 });
    // The rows may be painted before the socket's first message (the page can carry the list):
    // wait for it too, only to report the socket's timings (the rows' time is already taken).
    await page.waitForFunction(() => (window as any).__wsFirstMessageAt !== undefined, undefined, { timeout: 10_000 }).catch(() => {});
    return await page.evaluate(() => {
      const w = window as any;
      const nav = performance.getEntriesByType("navigation")[0];
      const before = performance.getEntriesByType("resource").filter((e: any) => e.responseEnd <= w.__rowsAt);
      const js = before.filter((e: any) => /\.m?js(\?|$)/.test(e.name));
      const css = before.filter((e: any) => /\.css(\?|$)/.test(e.name));
      const bytes = (list: any[]) => list.reduce((n: number, e: any) => n + e.transferSize, 0);
      return {
        rowsPaintedMs: w.__rowsPaintAt,
        rowsInDomMs: w.__rowsAt,
        wsCreatedMs: w.__wsCreatedAt,
        wsOpenMs: w.__wsOpenAt,
        wsFirstMessageMs: w.__wsFirstMessageAt,
        ttfbMs: nav.responseStart,
        timeOrigin: performance.timeOrigin,
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        jsBytes: bytes(js) + (nav.name.endsWith(".js") ? nav.transferSize : 0),
        jsFiles: js.length,
        cssBytes: bytes(css),
      };
    });
  } finally {
    await context.close();
  }
}

// ── opening the 5,000-message chat ──────────────────────────────────────────────────────────────

export interface OpenRun {
  /** The first chat this page load shows (its code is prefetched, but React mounts it for the first time). */
  clickToVisibleMs: number;
  /** Switching to it from another workspace's chat. */
  switchToVisibleMs: number;
  heapMiB: number;
  heapAfterGcMiB: number;
  domNodes: number;
}

/** Clicks `row` and resolves with ms from the click event to the first frame showing message `id` in the list's viewport. */
async function clickUntilVisible(page: Page, row: ReturnType<Page["getByTestId"]>, id: string): Promise<number> {
  await page.evaluate((messageId: string) => {
    const w = window as any;
    w.__open = {};
    const onClick = (e: any) => {
      document.removeEventListener("click", onClick, { capture: true });
      w.__open.clickAt = e.timeStamp;
      const frame = () => {
        const el = document.querySelector(`[data-message-id="${messageId}"]`);
        const list = document.querySelector("[data-testid=message-list]");
        if (el && list) {
          const r = el.getBoundingClientRect();
          const v = list.getBoundingClientRect();
          if (r.height > 0 && r.bottom > v.top + 1 && r.top < v.bottom - 1) {
            w.__open.visibleAt = performance.now();
            return;
          }
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    };
    document.addEventListener("click", onClick, { capture: true });
  }, id);
  await row.click();
  await page.waitForFunction(() => (window as any).__open.visibleAt !== undefined, undefined, { timeout: 60_000 });
  const t = await page.evaluate(() => (window as any).__open as { clickAt: number; visibleAt: number });
  return t.visibleAt - t.clickAt;
}

export async function measureOpen(page: Page, server: BenchServer, fixture: Fixture): Promise<OpenRun> {
  const newestId = `a${fixture.history.messages / 2}`;
  await page.goto(server.url);
  const row = page.getByTestId(`workspace-row-${fixture.history.name}`).getByRole("button").first();
  await row.waitFor({ timeout: 30_000 });
  // As a user would: the app has settled (the chat chunk is prefetched when idle) before the click.
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => performance.getEntriesByType("resource").some((e: any) => /ChatView-[^/]*\.js$/.test(e.name)), undefined, {
    timeout: 10_000,
  });
  const clickToVisibleMs = await clickUntilVisible(page, row, newestId);
  await page.waitForTimeout(1_000); // the heap of the settled view (lazy highlighting done)
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async (name: string) => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  const heap = await metric("JSHeapUsedSize");
  await cdp.send("HeapProfiler.collectGarbage");
  const heapAfterGc = await metric("JSHeapUsedSize");
  await cdp.detach();
  const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length as number);

  // Away to another workspace's chat, then back.
  const other = fixture.workspaces[0];
  await page.getByTestId(`workspace-row-${other.name}`).getByRole("button").first().click();
  await page.locator(`[data-testid=chat-view][data-workspace-id="${other.id}"][data-state=idle]`).waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  const switchToVisibleMs = await clickUntilVisible(page, row, newestId);
  return { clickToVisibleMs, switchToVisibleMs, heapMiB: heap / MiB, heapAfterGcMiB: heapAfterGc / MiB, domNodes };
}

// ── 20 streams ──────────────────────────────────────────────────────────────────────────────────

export interface Streams {
  samples: number;
  domP50: number;
  domP95: number;
  paintP50: number;
  paintP95: number;
  paintMax: number;
  sidebarEndP50: number;
  sidebarEndP95: number;
  socketP50: number;
  socketP95: number;
  sidebarSamples: number;
  windowMs: number;
  serverCpuPct: number;
  browserCpuPct: number;
  markersSent: number;
}

export async function measureStreams(browser: Browser, server: BenchServer, fixture: Fixture, proxy: StampingProxy, fake: FakeProvider): Promise<Streams> {
  fake.setResponder(() => ({ text: STREAM_TEXT, chunkSize: MARKER_WIDTH, chunkDelayMs: CHUNK_DELAY_MS }));
  const visible = fixture.workspaces[0];
  const context = await signedInContext(browser, server);
  const page = await context.newPage();
  await page.goto(`${server.url}#/w/${visible.id}`);
  await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor({ timeout: 30_000 });
  await installDrawnProbe(page);
  await page.evaluate(() => {
    const w = window as any;
    w.__marks = [];
    w.__rows = [];
    let seen = 0;
    let pending: any[] = [];
    let scheduled = false;
    const chat = document.querySelector("[data-testid=chat-view]");
    new MutationObserver(() => {
      const all = document.querySelectorAll("[data-testid=message-assistant]");
      const last = all[all.length - 1];
      if (!last) return;
      let text = "";
      for (const md of last.querySelectorAll(".mux-md")) text += md.textContent;
      const found = text.match(/\[t=\d{13}\]/g) ?? [];
      if (found.length <= seen) return;
      const now = Date.now();
      for (let i = seen; i < found.length; i++) pending.push({ t: Number(found[i].slice(3, 16)), dom: now });
      seen = found.length;
      if (scheduled) return;
      scheduled = true;
      w.__whenDrawn(() => {
        const paint = Date.now();
        for (const m of pending) w.__marks.push({ ...m, paint });
        pending = [];
        scheduled = false;
      });
    }).observe(chat, { childList: true, subtree: true, characterData: true });
    new MutationObserver((records: any[]) => {
      const at = Date.now();
      for (const r of records) {
        const id = r.target.dataset?.testid ?? "";
        if (id.startsWith("workspace-row-")) w.__rows.push({ name: id.slice("workspace-row-".length), state: r.target.dataset.state, at });
      }
    }).observe(document.querySelector("[data-testid=sidebar]"), { attributes: true, subtree: true, attributeFilter: ["data-state"] });
  });

  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  // The same chat over a Node client: the server + socket share of the latency, without the browser.
  const socketLatency: number[] = [];
  const feed = await conn.api.chat.subscribe({ workspaceId: visible.id });
  const reading = (async () => {
    for await (const item of feed) {
      if (item.type !== "event" || item.event.type !== "text-delta") continue;
      const now = Date.now();
      for (const m of item.event.delta.matchAll(/\[t=(\d{13})\]/g)) socketLatency.push(now - Number(m[1]));
    }
  })().catch(() => {});
  const chromium = descendants(process.pid, /chrom/i);
  const serverCpu0 = readCpuMs(server.pid) ?? Number.NaN;
  const browserCpu0 = cpuOf(chromium);
  // MUX_BENCH_BROWSER_PROFILE=file.cpuprofile: the page's CPU profile of this phase, to study it.
  const profileTo = process.env.MUX_BENCH_BROWSER_PROFILE;
  const cdp = profileTo ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  // MUX_BENCH_BROWSER_TRACE=file.json: a Chromium trace (devtools timeline) of this phase.
  const traceTo = process.env.MUX_BENCH_BROWSER_TRACE;
  if (traceTo) await browser.startTracing(page, { path: traceTo, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  const start = Date.now();
  proxy.streams.length = 0;
  await Promise.all(fixture.workspaces.map((w) => conn.api.chat.send({ workspaceId: w.id, text: `stream for ${w.name}`, model: "sonnet" })));
  // Done when every row is idle again (the last turn has finished and the sidebar shows it).
  await page.waitForFunction(
    (names: string[]) => {
      const rows = (window as any).__rows as { name: string; state: string }[];
      return names.every((n) => rows.some((r) => r.name === n && r.state === "idle"));
    },
    fixture.workspaces.map((w) => w.name),
    { timeout: 120_000, polling: 100 },
  );
  const end = Date.now();
  if (cdp && profileTo) fs.writeFileSync(profileTo, JSON.stringify((await cdp.send("Profiler.stop")).profile));
  if (traceTo) await browser.stopTracing();
  const serverCpu = (readCpuMs(server.pid) ?? Number.NaN) - serverCpu0;
  const browserCpu = cpuOf(chromium) - browserCpu0;
  await feed.return?.();
  conn.close();
  await reading;
  // The last frames' paint callbacks.
  await page.waitForTimeout(100);
  const { marks, rows } = (await page.evaluate(() => ({ marks: (window as any).__marks, rows: (window as any).__rows }))) as {
    marks: { t: number; dom: number; paint: number }[];
    rows: { name: string; state: string; at: number }[];
  };
  await context.close();

  const expected = MARKERS * fixture.workspaces.length;
  const sent = proxy.streams.reduce((n, s) => n + s.markers, 0);
  if (sent !== expected) throw new Error(`the proxy stamped ${sent} markers, expected ${expected}`);
  if (marks.length !== MARKERS) throw new Error(`the visible chat showed ${marks.length} of its ${MARKERS} markers`);
  const dom = marks.map((m) => m.dom - m.t);
  const paint = marks.map((m) => m.paint - m.t);
  // Background workspaces: the provider's last frame → the row shows the turn finished.
  const sidebar: number[] = [];
  for (const w of fixture.workspaces.slice(1)) {
    const stream = proxy.streams.find((s) => s.label === `stream for ${w.name}`);
    const idle = rows.find((r) => r.name === w.name && r.state === "idle" && stream && r.at >= stream.lastFrameAt);
    if (stream && idle) sidebar.push(idle.at - stream.lastFrameAt);
  }
  const windowMs = end - start;
  return {
    samples: marks.length,
    domP50: pct(dom, 50),
    domP95: pct(dom, 95),
    paintP50: pct(paint, 50),
    paintP95: pct(paint, 95),
    paintMax: Math.max(...paint),
    socketP50: pct(socketLatency, 50),
    socketP95: pct(socketLatency, 95),
    sidebarEndP50: pct(sidebar, 50),
    sidebarEndP95: pct(sidebar, 95),
    sidebarSamples: sidebar.length,
    windowMs,
    serverCpuPct: (serverCpu / windowMs) * 100,
    browserCpuPct: (browserCpu / windowMs) * 100,
    markersSent: sent,
  };
}
