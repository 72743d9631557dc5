import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, poll, slowText, startApp } from "./harness.js";

declare const document: any;

/**
 * The "still working" marks (the running workspace's dot, the streaming reply's caret) beat
 * together, twice a second, instead of each running an endless CSS animation (which makes the
 * browser draw a frame at every display refresh while anything streams). With reduced motion
 * they hold still.
 */

const REPLY = `${"A line of the streaming answer.\n\n".repeat(40)}END-OF-REPLY`;

/**
 * Endless animations running in the page, whether the shared beat is on right now (some mark has
 * it), and whether the sidebar's dot and the reply's caret both have it.
 */
const motion = (page: Page) =>
  page.evaluate(() => ({
    endless: document.getAnimations().filter((a: any) => a.effect?.getTiming().iterations === Number.POSITIVE_INFINITY).length as number,
    beat: document.querySelector("[data-mux-beat]") !== null,
    together: document.querySelector(".mux-streaming[data-mux-beat]") !== null && document.querySelector(".mux-live[data-mux-beat]") !== null,
  }));

describe.skipIf(!hasChromium)("browser: the heartbeat of running work", () => {
  let app: App;
  let workspaceId = "";

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "beat-app"));
        const created = await runMux(["workspace", "create", "beat", "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        workspaceId = JSON.parse(created.stdout).id;
      },
    });
    app.fake.setResponder(() => slowText(REPLY, 40, 8));
  });

  afterAll(async () => {
    await app?.close();
  });

  const streamAndWatch = async (page: Page) => {
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
    const input = page.getByTestId("composer-input");
    await input.fill("stream something");
    await input.press("Enter");
    const row = page.getByTestId("workspace-row-beat");
    await poll(() => row.getAttribute("data-state")).toBe("streaming");
    await page.locator(".mux-live").waitFor();
    // Samples over ~1.2 s of streaming: more than two beats.
    const samples = [];
    for (let i = 0; i < 12; i++) {
      samples.push(await motion(page));
      await page.waitForTimeout(100);
    }
    await poll(() => row.getAttribute("data-state"), { timeout: 30_000 }).toBe("idle");
    return samples;
  };

  it("while a reply streams, the marks beat on a shared timer and nothing animates endlessly; the beat stops with the stream", async () => {
    const page = await app.open({ hash: `#/w/${workspaceId}` });
    try {
      const samples = await streamAndWatch(page);
      expect(samples.map((s) => s.endless)).toEqual(samples.map(() => 0));
      expect(samples.some((s) => s.beat)).toBe(true);
      expect(samples.some((s) => !s.beat)).toBe(true);
      // The sidebar's dot and the reply's caret beat together.
      expect(samples.some((s) => s.together)).toBe(true);
      expect(await motion(page)).toEqual({ endless: 0, beat: false, together: false });
    } finally {
      await page.close();
    }
  }, 60_000);

  it("with reduced motion, the marks hold still", async () => {
    const context = await app.browser.newContext({ reducedMotion: "reduce" });
    const page = await app.open({ context, hash: `#/w/${workspaceId}` });
    try {
      const samples = await streamAndWatch(page);
      expect(samples).toEqual(samples.map(() => ({ endless: 0, beat: false, together: false })));
    } finally {
      await context.close();
    }
  }, 60_000);
});
