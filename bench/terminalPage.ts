/**
 * The terminal bench's browser phases (bench/terminal.ts runs them; what each measures is said
 * there): a real server, the web app in headless Chromium, xterm.js drawing, the fake provider
 * streaming to other workspaces.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { FakeProvider } from "../test/fake-provider/index.js";
import { connect } from "../test/helpers/server.js";
import { attachTerminal } from "../test/helpers/terminal.js";
import { readCpuMs, wallNow } from "./measure.js";
import { descendants, mainThreadCpuMs, renderers } from "./processCpu.js";
import { type BenchServer, type Fixture, readRss, signedInContext, TOKEN } from "./server.js";

// Page-side code runs in the browser; the bench typechecks against the Node lib only.
declare const document: any;
declare const window: any;
declare const performance: any;
declare const requestAnimationFrame: any;
declare const MutationObserver: any;
declare const PerformanceObserver: any;
declare const MessageChannel: any;

/** Long enough to outlast the keystrokes (they are interrupted after). */
const STREAM_CHUNKS = 4000;
const STREAM_DELAY_MS = 30;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

/** A page showing `workspaceId`'s Terminal tab, its shell at a prompt, with the keyboard in it. */
export async function openTerminalPage(browser: Browser, server: BenchServer, workspaceId: string): Promise<Page> {
  const context = await signedInContext(browser, server);
  const page = await context.newPage();
  // When each terminal socket's message reached the page (before the app handles it): splits
  // keystroke → echo into the socket's part (server, network) and the page's (xterm, drawing).
  await page.addInitScript(() => {
    const w = window as any;
    const add = w.WebSocket.prototype.addEventListener;
    w.WebSocket.prototype.addEventListener = function (this: any, type: string, fn: any, opts: any) {
      if (type !== "message" || !String(this.url).includes("/api/terminal/")) return add.call(this, type, fn, opts);
      return add.call(
        this,
        type,
        function (this: any, e: any) {
          w.__terminalMessageAt = performance.now();
          return fn.call(this, e);
        },
        opts,
      );
    };
  });
  await page.goto(`${server.url}#/w/${workspaceId}`);
  await page.getByTestId("terminal-button").click();
  await page
    .locator("[data-testid=terminal-view]:not(.hidden) .xterm-rows")
    .waitFor({ timeout: 30_000 })
    .catch(async (e) => {
      throw new Error(
        `no terminal on the page: ${
          (await page
            .getByTestId("terminal-panel")
            .textContent()
            .catch(() => null)) ?? "no panel"
        }\n${e}`,
      );
    });
  await page.locator("[data-testid=terminal-view]:not(.hidden) [data-mux-terminal]").click();
  await typeUntil(page, "echo ready-$((1+1))", "ready-2");
  // Every long task of the page from now on (Long Tasks API: main-thread tasks over 50 ms).
  await page.evaluate(() => {
    const w = window as any;
    w.__longTasks = [];
    new PerformanceObserver((list: any) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: false });
  });
  return page;
}

/**
 * Types `line` and Enter until `want` is on the screen (again every `retypeMs`: after Ctrl+C the
 * shell may drop what was typed while the killed program still held the terminal).
 */
async function typeUntil(page: Page, line: string, want: string, timeoutMs = 30_000, retypeMs = timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.type(line);
    await page.keyboard.press("Enter");
    const again = Math.min(end, Date.now() + retypeMs);
    // Checked in the page (a selector query through the driver per poll cost the page more).
    const seen = await page
      .waitForFunction((w: string) => document.querySelector("[data-testid=terminal-view]:not(.hidden) .xterm-rows")?.textContent.includes(w), want, {
        timeout: Math.max(1, Math.min(end, again) - Date.now()),
        polling: 100,
      })
      .then(
        () => true,
        () => false,
      );
    if (seen) return;
    if (Date.now() > end) throw new Error(`"${want}" not on the terminal's screen after ${timeoutMs} ms`);
  }
}

export interface EchoResult {
  keys: number;
  /** Keys whose echo was not seen within 30 s. */
  lost: number;
  p50: number;
  p95: number;
  max: number;
  /** p95 to the animation frame after the one that drew the echo (how this was measured before). */
  p95NextFrame: number;
  /** Keydown → the echo's socket message reaching the page: the server's and the network's part. */
  arrivedP50: number;
  arrivedP95: number;
  /** Agents streaming when the first key was pressed and when the last was measured (of `agents`). */
  agents: number;
  streamingAtStart: number;
  streamingAtEnd: number;
}

/**
 * Keystroke → echo on the screen: from the keydown event's timestamp to the animation frame after
 * xterm's DOM shows the echoed character, while `streamers` each stream a long reply.
 */
export async function measureEchoUnderStreams(
  page: Page,
  server: BenchServer,
  fake: FakeProvider,
  streamers: Fixture["workspaces"],
  keys: number,
): Promise<EchoResult> {
  // `cat` reading the tty: every key echoes at once, as at a prompt (the line discipline does it).
  await typeUntil(page, "stty -icanon; cat >/dev/null", "stty -icanon");
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    const w = window as any;
    const rows = document.querySelector("[data-testid=terminal-view]:not(.hidden) .xterm-rows");
    w.__echo = [];
    w.__echoNextFrame = [];
    w.__echoArrived = [];
    // Keys cycle a…z, so the screen's last character is the key just typed only once it echoed.
    let pending: { at: number; key: string } | null = null;
    window.addEventListener("keydown", (e: any) => (pending = { at: e.timeStamp, key: e.key }), { capture: true });
    new MutationObserver(() => {
      if (!pending || !rows.textContent.trimEnd().endsWith(pending.key)) return;
      const p = pending;
      pending = null;
      // xterm changes its rows in an animation frame, which is painted before any task posted
      // from it runs: that task's time is when the echo reached the screen. The next animation
      // frame (the figure before) comes one frame (~16.7 ms) after that paint.
      const arrived = w.__terminalMessageAt - p.at;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        w.__echo.push(performance.now() - p.at);
        w.__echoArrived.push(arrived);
      };
      channel.port2.postMessage(null);
      requestAnimationFrame(() => w.__echoNextFrame.push(performance.now() - p.at));
    }).observe(rows, { childList: true, subtree: true, characterData: true });
  });

  const text = Array.from({ length: STREAM_CHUNKS }, (_, i) => `word${i % 10} `).join("");
  fake.setResponder(() => ({ text, chunkSize: 6, chunkDelayMs: STREAM_DELAY_MS }));
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  const streaming = new Set<string>();
  try {
    // Which agents stream, from the sidebar's feed (its activity states): following their 20
    // chats instead made the server send every delta once more, a load the bench added itself.
    const ids = new Set(streamers.map((w) => w.id));
    const feed = await conn.api.workspaces.subscribe();
    void (async () => {
      for await (const e of feed) {
        const list = e.type === "snapshot" ? e.workspaces : e.type === "workspace" ? [e.workspace] : [];
        for (const w of list) {
          if (!ids.has(w.id)) continue;
          if (w.activity.state === "streaming") streaming.add(w.id);
          else streaming.delete(w.id);
        }
      }
    })().catch(() => {});
    await Promise.all(streamers.map((w) => conn.api.chat.send({ workspaceId: w.id, text: `stream for ${w.name}`, model: "sonnet" })));
    const until = wallNow() + 20_000;
    while (streaming.size < streamers.length && wallNow() < until) await new Promise((r) => setTimeout(r, 50));
    const startCount = streaming.size;
    let lost = 0;
    for (let i = 0; i < keys; i++) {
      const before = (await page.evaluate(() => (window as any).__echo.length)) as number;
      await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
      // A key whose echo was not seen within 30 s is counted, not waited for.
      await page.waitForFunction((n: number) => (window as any).__echoNextFrame.length > n, before, { timeout: 30_000, polling: "raf" }).catch(() => lost++);
    }
    const streamingAtStart = startCount;
    const streamingAtEnd = streaming.size;
    const echo = (await page.evaluate(() => (window as any).__echo)) as number[];
    const nextFrame = (await page.evaluate(() => (window as any).__echoNextFrame)) as number[];
    const arrived = (await page.evaluate(() => (window as any).__echoArrived)) as number[];
    await page.keyboard.press("Control+c");
    await typeUntil(page, "stty sane; echo back-$((3+4))", "back-7", 30_000, 2_000);
    await feed.return?.();
    return {
      keys: echo.length,
      lost,
      p50: pct(echo, 50),
      p95: pct(echo, 95),
      max: Math.max(...echo),
      p95NextFrame: pct(nextFrame, 95),
      arrivedP50: pct(arrived, 50),
      arrivedP95: pct(arrived, 95),
      agents: streamers.length,
      streamingAtStart,
      streamingAtEnd,
    };
  } finally {
    for (const w of streamers) await conn.api.chat.interrupt({ workspaceId: w.id }).catch(() => {});
    conn.close();
  }
}

export interface CatResult {
  ms: number;
  /** CPU the pages' main threads and the server used meanwhile: the work done, whatever the load. */
  pageMainCpuMs: number;
  serverCpuMs: number;
  longestTaskMs: number;
  longTasks: number;
  rssBeforeMiB: number;
  rssGrowthMiB: number;
}

/** `cat` of `file` in the page's terminal: until the marker after it is on the screen. */
export async function measureCatInPage(page: Page, server: BenchServer, file: string, n: number): Promise<CatResult> {
  await page.evaluate(() => ((window as any).__longTasks.length = 0));
  const rssBefore = readRss(server.pid).rss;
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, readRss(server.pid).rss);
  }, 50);
  const pages = renderers(descendants(process.pid, /chrom/i));
  // The main thread is the one whose id is the process's (its name varies between builds).
  const mainCpu = () => pages.reduce((sum, pid) => sum + mainThreadCpuMs(pid), 0);
  const main0 = mainCpu();
  const server0 = readCpuMs(server.pid) ?? Number.NaN;
  const t0 = wallNow();
  try {
    await typeUntil(page, `clear; cat ${file}; echo cat-done-$((${n}*11))`, `cat-done-${n * 11}`, 180_000);
  } finally {
    clearInterval(sampler);
  }
  const ms = wallNow() - t0;
  const tasks = (await page.evaluate(() => (window as any).__longTasks)) as { duration: number }[];
  return {
    ms,
    pageMainCpuMs: mainCpu() - main0,
    serverCpuMs: (readCpuMs(server.pid) ?? Number.NaN) - server0,
    longestTaskMs: tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0,
    longTasks: tasks.length,
    rssBeforeMiB: rssBefore,
    rssGrowthMiB: rssMax - rssBefore,
  };
}

/** The server's CPU % over `windowMs`. */
async function serverCpuPct(server: BenchServer, windowMs: number): Promise<number> {
  const cpu0 = readCpuMs(server.pid) ?? Number.NaN;
  const t0 = wallNow();
  await new Promise((r) => setTimeout(r, windowMs));
  return (((readCpuMs(server.pid) ?? Number.NaN) - cpu0) / (wallNow() - t0)) * 100;
}

/**
 * The server's CPU with `count` terminals open (a shell at its prompt, a client attached each)
 * and idle, and before they were opened (the server's own idle work: its periodic git status…).
 */
export async function measureIdleTerminals(
  server: BenchServer,
  workspaces: Fixture["workspaces"],
  count: number,
  windowMs: number,
): Promise<{ withoutPct: number; withPct: number }> {
  const conn = await connect({ url: server.url, token: TOKEN } as Parameters<typeof connect>[0]);
  const target = { url: server.url, token: TOKEN } as Parameters<typeof attachTerminal>[0];
  const clients = [];
  try {
    const withoutPct = await serverCpuPct(server, windowMs);
    for (let i = 0; i < count; i++) {
      const ws = workspaces[i % workspaces.length];
      const t = await conn.api.terminal.create({ workspaceId: ws.id, cols: 120, rows: 40 });
      const c = await attachTerminal(target, t.id);
      c.send(`echo idle-${i}-$((1+1))\r`);
      await c.waitForText(`idle-${i}-2`);
      clients.push(c);
    }
    // Let prompts, git status refreshes and the like settle first.
    await new Promise((r) => setTimeout(r, 3_000));
    return { withoutPct, withPct: await serverCpuPct(server, windowMs) };
  } finally {
    for (const c of clients) c.close();
    conn.close();
  }
}

/** A text file of `mb` MB in 80-column lines (what a real log gives the terminal). */
export function writeTextFile(dir: string, mb: number): string {
  const file = path.join(dir, `big-${mb}mb.txt`);
  const line = `${"0123456789".repeat(7)}abcdefghi\n`;
  const size = mb * 1024 * 1024;
  fs.writeFileSync(file, line.repeat(Math.ceil(size / line.length)).slice(0, size));
  return file;
}
