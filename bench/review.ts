/**
 * `npx tsx bench/review.ts` (or `npm run bench:review`, which builds first): the review pane on a
 * big diff, in headless Chromium against a built `mux server`, measured against the issue's
 * targets. It only reports; nothing here asserts timing.
 *
 *   fixture        a worktree workspace with 300 changed TypeScript files, 20,000 changed lines
 *                  (uncommitted edits on top of a commit of the branch)
 *   server diff    review.summary from a Node client: git diff in the workspace + parsing; and
 *                  again after a 1-line edit of one file (only that file is diffed again)
 *   open           click on the header's Review button (the click event's timestamp) → the first
 *                  animation frame in which the file tree lists every file and a hunk's line is in
 *                  the page; the first open of the page (its code chunk loads) and later ones
 *   scroll         the diff scrolled from top to bottom, 400 px per frame; long tasks (> 50 ms,
 *                  PerformanceObserver "longtask") meanwhile: how many, and the longest
 *   live edit      one line of the first file changed on disk → the frame in which the open
 *                  review shows it
 *   page memory    the page's JS heap (CDP Performance.getMetrics JSHeapUsedSize) after all that
 *
 * Flags: --runs N (default 5), --json, --cpu (a Chromium trace of each first open and scroll: the
 * page's main-thread CPU time, and its tasks over 50 ms of CPU time: on a busy machine, wall-clock
 * long tasks mostly measure waiting for a core). MUX_BENCH_BROWSER_PROFILE=FILE.cpuprofile writes
 * the page's CPU profile of the (last) scroll, and FILE.open.cpuprofile of the (last) first open;
 * with --cpu, MUX_BENCH_BROWSER_TRACE=FILE keeps the traces.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { type App, startApp } from "../test/browser/harness.js";
import { newContext } from "../test/helpers/browser.js";
import { gitIn, makeRepo } from "../test/helpers/git.js";
import { median } from "./measure.js";
import { treeCpuMs } from "./processCpu.js";

declare const document: any;
declare const window: any;
declare const performance: any;
declare const requestAnimationFrame: any;
declare const PerformanceObserver: any;

const FILES = 300;
const CHANGED_LINES = 20_000;
const TARGETS = { openMs: 400, longTaskMs: 50, liveMs: 1000, heapMiB: 100 };

/** A TypeScript file of `n` numbered functions (`tag` changes their bodies). */
function source(file: number, n: number, tag: string, changeEvery = 0): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const changed = changeEvery > 0 && i % changeEvery === 0;
    out.push(`export const value_${file}_${i} = compute(${i}, "${changed ? tag : "base"}");`);
  }
  return `${out.join("\n")}\n`;
}

async function fixture(app: App): Promise<{ workspaceId: string; worktree: string }> {
  const files: Record<string, string> = {};
  // Each file: 100 lines, a third of them rewritten → ~33 removed + 33 added per file.
  const perFile = Math.round(CHANGED_LINES / FILES / 2);
  const every = Math.max(1, Math.floor(100 / perFile));
  for (let f = 0; f < FILES; f++) files[`src/mod${Math.floor(f / 30)}/file${f}.ts`] = source(f, 100, "base");
  const repo = makeRepo(path.join(app.dirs.base, "big"), files);
  const api = await app.api();
  await api.projects.add({ path: repo });
  const ws = await api.workspaces.create({ projectPath: repo, name: "big-review" });
  const worktree = (ws.runtime as { path: string }).path;
  // Half the files committed on the branch, the other half left uncommitted.
  for (let f = 0; f < FILES; f++) {
    fs.writeFileSync(path.join(worktree, `src/mod${Math.floor(f / 30)}/file${f}.ts`), source(f, 100, "changed", every));
    if (f === FILES / 2 - 1) {
      gitIn(worktree, "add", "-A");
      gitIn(worktree, "commit", "-q", "-m", "first half");
    }
  }
  return { workspaceId: ws.id, worktree };
}

/** Click on Review → first frame with the whole tree and a diff line in the page. */
async function open(page: Page, files: number): Promise<{ ms: number; summaryMs: number; filesMs: number }> {
  await page.evaluate((want: number) => {
    const w = window as any;
    w.__review = {};
    const onClick = (e: any) => {
      document.removeEventListener("click", onClick, { capture: true });
      w.__review.clickAt = e.timeStamp;
      const frame = () => {
        const tree = document.querySelectorAll("[data-testid=tree-file]").length;
        if (tree >= want && document.querySelector("[data-testid=diff-line]")) w.__review.shownAt = performance.now();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    };
    document.addEventListener("click", onClick, { capture: true });
  }, files);
  await page.getByTestId("review-button").click();
  await page.waitForFunction(() => (window as any).__review.shownAt !== undefined, undefined, { timeout: 60_000 });
  return page.evaluate(() => {
    const r = (window as any).__review;
    // The first page of hunks and the summary that preceded it (both marked by the app).
    const after = (name: string) => performance.getEntriesByName(name).find((e: any) => e.startTime >= r.clickAt)?.startTime ?? Number.NaN;
    return { ms: r.shownAt - r.clickAt, summaryMs: after("mux:review-summary") - r.clickAt, filesMs: after("mux:review-files") - r.clickAt };
  });
}

/** What --cpu measures of a phase (first open, scroll). */
interface PhaseCpu {
  /** The page's main thread: in all, its tasks over 50 ms, the longest task. */
  ms: number;
  long: number;
  longestMs: number;
  /** The server and the git processes it ran. */
  serverMs: number;
}

/** CPU time of the page's main thread while `fn` runs, from a Chromium trace (thread time of its tasks), and of the server. */
async function traced<T>(app: App, page: Page, on: boolean, phase: string, fn: () => Promise<T>): Promise<{ value: T; cpu?: PhaseCpu }> {
  if (!on) return { value: await fn() };
  const browser: Browser = app.browser;
  const pid = app.server.child.pid ?? 0;
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  const server0 = treeCpuMs(pid);
  const value = await fn();
  const serverMs = treeCpuMs(pid) - server0;
  const trace = (await browser.stopTracing()).toString("utf8");
  // MUX_BENCH_BROWSER_TRACE=FILE: the (last) trace of each phase, as FILE.open.json / FILE.scroll.json (chrome://tracing).
  if (process.env.MUX_BENCH_BROWSER_TRACE) fs.writeFileSync(`${process.env.MUX_BENCH_BROWSER_TRACE}.${phase}.json`, trace);
  const events = JSON.parse(trace).traceEvents as {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  }[];
  // The page's renderer main thread(s); the trace covers one page.
  const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === "RunTask" && e.ph === "X" && main.has(`${e.pid}:${e.tid}`)).map((e) => (e.tdur ?? 0) / 1000);
  const long = tasks.filter((ms) => ms > TARGETS.longTaskMs);
  return { value, cpu: { ms: tasks.reduce((n, t) => n + t, 0), long: long.length, longestMs: Math.max(0, ...tasks), serverMs } };
}

async function scroll(page: Page): Promise<{ longTasks: number; longestMs: number; frames: number }> {
  return page.evaluate(
    () =>
      new Promise<{ longTasks: number; longestMs: number; frames: number }>((resolve) => {
        const tasks: number[] = [];
        const po = new PerformanceObserver((list: any) => {
          for (const e of list.getEntries()) tasks.push(e.duration);
        });
        po.observe({ entryTypes: ["longtask"] });
        const el = document.querySelector("[data-testid=review-diff]");
        let frames = 0;
        const step = () => {
          frames++;
          el.scrollTop += 400;
          if (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && frames < 5_000) requestAnimationFrame(step);
          else
            setTimeout(() => {
              po.disconnect();
              resolve({ longTasks: tasks.filter((d) => d > 50).length, longestMs: Math.max(0, ...tasks), frames });
            }, 300);
        };
        requestAnimationFrame(step);
      }),
  );
}

async function liveEdit(page: Page, worktree: string, run: number): Promise<number> {
  await page.evaluate(() => {
    document.querySelector("[data-testid=review-diff]").scrollTop = 0;
  });
  const marker = `live_edit_${run}_${Date.now()}`;
  await page.evaluate((m: string) => {
    const w = window as any;
    w.__live = {};
    const check = () => {
      if (document.body.textContent.includes(m)) w.__live.seenAt = performance.timeOrigin + performance.now();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, marker);
  await new Promise((r) => setTimeout(r, 200));
  const file = path.join(worktree, "src/mod0/file0.ts");
  const text = fs.readFileSync(file, "utf8").split("\n");
  text[1] = `export const ${marker} = 1;`;
  const writtenAt = Date.now();
  fs.writeFileSync(file, text.join("\n"));
  await page.waitForFunction(() => (window as any).__live.seenAt !== undefined, undefined, { timeout: 30_000 });
  return (await page.evaluate(() => (window as any).__live.seenAt)) - writtenAt;
}

async function main() {
  const argv = process.argv.slice(2);
  const i = argv.indexOf("--runs");
  const runs = i >= 0 ? Math.max(1, Number(argv[i + 1]) || 5) : 5;
  const json = argv.includes("--json");
  const cpu = argv.includes("--cpu");
  const load0 = os.loadavg()[0];
  const app = await startApp();
  try {
    process.stderr.write(`fixture: ${FILES} files, ~${CHANGED_LINES} changed lines…\n`);
    const { workspaceId, worktree } = await fixture(app);
    const api = await app.api();
    const serverMs: number[] = [];
    let stats = { files: 0, added: 0, removed: 0 };
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const s = await api.review.summary({ workspaceId });
      serverMs.push(performance.now() - t0);
      stats = { files: s.files.length, added: s.files.reduce((n, f) => n + f.added, 0), removed: s.files.reduce((n, f) => n + f.removed, 0) };
    }
    const editedMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const file = path.join(worktree, "src/mod1/file31.ts");
      const text = fs.readFileSync(file, "utf8").split("\n");
      text[1] = `export const edited_${r} = ${Date.now()};`;
      fs.writeFileSync(file, text.join("\n"));
      const t0 = performance.now();
      await api.review.summary({ workspaceId });
      editedMs.push(performance.now() - t0);
    }

    const firstOpen: number[] = [];
    const laterOpen: number[] = [];
    const summaryAt: number[] = [];
    const filesAt: number[] = [];
    const laterSummaryAt: number[] = [];
    const laterFilesAt: number[] = [];
    const scrolls: { longTasks: number; longestMs: number; frames: number }[] = [];
    const live: number[] = [];
    const heap: number[] = [];
    const cpuOpen: PhaseCpu[] = [];
    const cpuScroll: PhaseCpu[] = [];
    for (let r = 0; r < runs; r++) {
      const context = await newContext(app.browser);
      // tsx (esbuild keepNames) wraps named functions in __name(): page-side callbacks need it too.
      await context.addInitScript({ content: "globalThis.__name ??= (f) => f;" });
      const page = await app.open({ context, hash: `#/w/${workspaceId}` });
      await page.getByTestId("chat-view").waitFor();
      const profile = process.env.MUX_BENCH_BROWSER_PROFILE;
      const cdpOpen = profile ? await page.context().newCDPSession(page) : undefined;
      if (cdpOpen) {
        await cdpOpen.send("Profiler.enable");
        await cdpOpen.send("Profiler.start");
      }
      const first = await traced(app, page, cpu, "open", () => open(page, stats.files));
      if (cdpOpen && profile)
        fs.writeFileSync(profile.replace(/(\.cpuprofile)?$/, ".open.cpuprofile"), JSON.stringify((await cdpOpen.send("Profiler.stop")).profile));
      firstOpen.push(first.value.ms);
      summaryAt.push(first.value.summaryMs);
      filesAt.push(first.value.filesMs);
      if (first.cpu) cpuOpen.push(first.cpu);
      const cdp0 = profile ? await page.context().newCDPSession(page) : undefined;
      if (cdp0) {
        await cdp0.send("Profiler.enable");
        await cdp0.send("Profiler.start");
      }
      const scrolled = await traced(app, page, cpu, "scroll", () => scroll(page));
      scrolls.push(scrolled.value);
      if (scrolled.cpu) cpuScroll.push(scrolled.cpu);
      if (cdp0 && profile) fs.writeFileSync(profile, JSON.stringify((await cdp0.send("Profiler.stop")).profile));
      live.push(await liveEdit(page, worktree, r));
      await page.getByTestId("review-close").click();
      await page.getByTestId("right-panel").waitFor({ state: "detached" });
      const later = await open(page, stats.files);
      laterOpen.push(later.ms);
      laterSummaryAt.push(later.summaryMs);
      laterFilesAt.push(later.filesMs);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const metrics = (await cdp.send("Performance.getMetrics")).metrics;
      heap.push((metrics.find((m: { name: string }) => m.name === "JSHeapUsedSize")?.value ?? Number.NaN) / 2 ** 20);
      await page.context().close();
    }

    const med = (xs: number[]) => median(xs);
    const rows: [string, string, string, boolean][] = [
      ["server diff (review.summary)", `${med(serverMs).toFixed(0)} ms`, "", true],
      ["  after a 1-line edit of one file", `${med(editedMs).toFixed(0)} ms`, "", true],
      ["open: tree + first hunk, first in page", `${med(firstOpen).toFixed(0)} ms`, `≤ ${TARGETS.openMs} ms`, med(firstOpen) <= TARGETS.openMs],
      ["  of which: summary in the page / first hunks in", `${med(summaryAt).toFixed(0)} / ${med(filesAt).toFixed(0)} ms`, "", true],
      ["open: tree + first hunk, again", `${med(laterOpen).toFixed(0)} ms`, `≤ ${TARGETS.openMs} ms`, med(laterOpen) <= TARGETS.openMs],
      ["  of which: summary in the page / first hunks in", `${med(laterSummaryAt).toFixed(0)} / ${med(laterFilesAt).toFixed(0)} ms`, "", true],
      [
        "scroll top→bottom: long tasks > 50 ms (all runs)",
        `${scrolls.reduce((n, s) => n + s.longTasks, 0)} (max ${Math.max(...scrolls.map((s) => s.longestMs)).toFixed(0)} ms)`,
        "0",
        scrolls.every((s) => s.longTasks === 0),
      ],
      ...(cpu
        ? ([
            [
              "  first open: CPU of the page's main thread / server",
              `${med(cpuOpen.map((c) => c.ms)).toFixed(0)} / ${med(cpuOpen.map((c) => c.serverMs)).toFixed(0)} ms`,
              "",
              true,
            ],
            [
              "  scroll: main-thread CPU, tasks > 50 ms CPU",
              `${med(cpuScroll.map((c) => c.ms)).toFixed(0)} ms, ${cpuScroll.reduce((n, c) => n + c.long, 0)} (max ${Math.max(...cpuScroll.map((c) => c.longestMs)).toFixed(0)} ms)`,
              "",
              true,
            ],
          ] as [string, string, string, boolean][])
        : []),
      ["1-line edit → shown in the open review", `${med(live).toFixed(0)} ms`, `≤ ${TARGETS.liveMs} ms`, med(live) <= TARGETS.liveMs],
      ["page JS heap (JSHeapUsedSize)", `${med(heap).toFixed(1)} MiB`, `< ${TARGETS.heapMiB} MiB`, med(heap) < TARGETS.heapMiB],
    ];
    const out = [
      `review bench: ${stats.files} files, +${stats.added} -${stats.removed} lines; median of ${runs} runs; load average ${load0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)} (${os.cpus().length} CPUs)`,
      ...rows.map(([label, value, target, pass]) => `${target ? (pass ? "PASS" : "MISS") : "    "}  ${label.padEnd(50)} ${value.padStart(18)}   ${target}`),
    ];
    process.stdout.write(`${out.join("\n")}\n`);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ stats, serverMs, editedMs, firstOpen, laterOpen, summaryAt, filesAt, laterSummaryAt, laterFilesAt, scrolls, cpuOpen, cpuScroll, live, heap })}\n`,
      );
  } finally {
    await app.close();
  }
}

await main();
