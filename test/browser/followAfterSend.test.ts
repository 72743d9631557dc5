import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, lastUserText, poll, slowText, startApp, writeChat } from "./harness.js";

declare const document: any;

/**
 * Sending from the bottom of a long chat always brings the new turn into view and follows the
 * reply as it streams: after every send the newest reply is on screen, with no "Jump to latest".
 */

const SENDS = 12;

/** A reply a few screens tall at phone width, streamed in small pieces. */
const reply = (said: string) =>
  slowText(
    `Reply to ${said}.\n\n${Array.from({ length: 14 }, (_, i) => `Paragraph ${i + 1} of the answer, long enough to wrap on a narrow screen.`).join("\n\n")}\n\nEND-OF-REPLY`,
    10,
    24,
  );

describe.skipIf(!hasChromium)("browser: the chat follows each send", () => {
  let app: App;
  let workspaceId = "";

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "follow-app"));
        const created = await runMux(["workspace", "create", "follow", "--project", repo, "--runtime", "local", "--json"], {
          env: { MUX_ROOT: dirs.muxRoot },
        });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        workspaceId = JSON.parse(created.stdout).id;
        writeChat(dirs.muxRoot, workspaceId, 80);
      },
    });
    app.fake.setResponder((req) => {
      const said = lastUserText(req).replace(/\s+/g, " ");
      if (said.includes("slowly")) return slowText(`${"A slow line of the answer.\n\n".repeat(60)}END-OF-REPLY`, 60, 12);
      return reply(said);
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  /** How far the newest reply's bottom edge is below the list's visible bottom (px; ≤ 0: in view). */
  const newestBelowFold = (page: Page) =>
    page.evaluate(() => {
      const list = document.querySelector("[data-testid=message-list]");
      const replies = [...document.querySelectorAll("[data-testid=message-assistant]")];
      const newest = replies.sort((a: any, b: any) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).at(-1);
      return newest.getBoundingClientRect().bottom - list.getBoundingClientRect().bottom;
    });

  async function sendRepeatedly(page: Page, label: string) {
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
    await page.getByTestId("message-assistant").last().waitFor();
    const input = page.getByTestId("composer-input");
    for (let i = 1; i <= SENDS; i++) {
      const twoLines = i % 2 === 0;
      await input.click();
      await input.pressSequentially(`${label} send ${i}`);
      if (twoLines) {
        await input.press("Shift+Enter");
        await input.pressSequentially(`second line of send ${i}`);
      }
      await input.press("Enter");
      const newest = page.getByTestId("message-assistant").filter({ hasText: `Reply to ${label} send ${i}` });
      await newest.and(page.locator("[data-status=complete]")).waitFor();
      await poll(() => newest.textContent()).toContain("END-OF-REPLY");
      // Followed to the end: the whole reply is in view (within a couple of px of rounding).
      await poll(() => newestBelowFold(page), { message: `send ${i}: the reply is below the fold` }).toBeLessThanOrEqual(2);
      expect(await page.getByTestId("jump-to-latest").count(), `send ${i}: "Jump to latest" is showing`).toBe(0);
    }
  }

  it(`desktop: ${SENDS} sends in a row (half of them two lines), each reply followed into view`, async () => {
    const page = await app.open({ hash: `#/w/${workspaceId}` });
    try {
      await sendRepeatedly(page, "desktop");
      await screenshot(page, "desktop-follow-after-send");
    } finally {
      await page.close();
    }
  }, 120_000);

  it(`phone: ${SENDS} sends in a row, each reply followed into view`, async () => {
    const page = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
    try {
      await sendRepeatedly(page, "phone");
      await screenshot(page, "phone-follow-after-send");
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it("scrolling up while a reply streams stops following; Jump to latest follows again", async () => {
    const page = await app.open({ hash: `#/w/${workspaceId}` });
    try {
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      const input = page.getByTestId("composer-input");
      await input.fill("answer slowly please");
      await input.press("Enter");
      const streaming = page.getByTestId("message-assistant").and(page.locator("[data-status=streaming]"));
      await poll(() => streaming.textContent()).toContain("A slow line");
      const list = page.getByTestId("message-list");
      const box = (await list.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -1500);
      const jump = page.getByTestId("jump-to-latest");
      await jump.waitFor();
      // Left where the user scrolled to while the reply keeps growing below.
      const readingAt = await list.evaluate((el: any) => el.scrollTop as number);
      // (The reply, scrolled out of the virtualized list, is not in the DOM: the sidebar says when it is done.)
      await poll(() => page.getByTestId("workspace-row-follow").getAttribute("data-state"), { timeout: 30_000 }).toBe("idle");
      expect(Math.abs((await list.evaluate((el: any) => el.scrollTop as number)) - readingAt)).toBeLessThan(5);
      expect(await jump.isVisible()).toBe(true);

      await jump.click();
      await jump.waitFor({ state: "detached" });
      await poll(() => newestBelowFold(page)).toBeLessThanOrEqual(2);
      expect(await page.getByTestId("message-assistant").last().textContent()).toContain("END-OF-REPLY");
      expect(await jump.count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
