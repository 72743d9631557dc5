/**
 * In the page: `window.__whenDrawn(cb)` calls `cb` once the rendering update that draws the DOM
 * as it is now has painted it and handed it to the compositor. The UI bench times "event →
 * screen" with it.
 *
 * Why not the next requestAnimationFrame: a DOM change made inside an animation frame (the chat
 * renders streamed text in one) is drawn by that same frame, and a requestAnimationFrame asked
 * for from there runs one frame later (16.7 ms at 60 Hz) — it timed such changes a frame late.
 * ResizeObserver callbacks run in every rendering update right after its layout: a hidden probe
 * whose width flips makes the update that handles the change call back, whether the change was
 * made in an animation frame (the same update) or in a task (the next one); a task posted from
 * there runs after that update's paint and commit. It costs one tiny layout per call.
 */
import type { Page } from "playwright-core";

// Page-side code runs in the browser; the bench typechecks against the Node lib only.
declare const document: any;
declare const window: any;
declare const ResizeObserver: any;
declare const MessageChannel: any;

export async function installDrawnProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    const probe = document.createElement("div");
    probe.setAttribute("aria-hidden", "true");
    probe.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;visibility:hidden;pointer-events:none;contain:strict";
    document.body.appendChild(probe);
    let waiting: (() => void)[] = [];
    // Called back in a task posted from the frame's layout: it runs once that frame's paint and
    // commit to the compositor are done (a rendering update is not interrupted by tasks).
    let drawn: (() => void)[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const due = drawn;
      drawn = [];
      for (const cb of due) cb();
    };
    new ResizeObserver(() => {
      if (!waiting.length) return;
      drawn.push(...waiting);
      waiting = [];
      channel.port2.postMessage(null);
    }).observe(probe);
    w.__whenDrawn = (cb: () => void) => {
      waiting.push(cb);
      probe.style.width = probe.style.width === "1px" ? "2px" : "1px";
    };
  });
}
