import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, domNodes, poll, startApp, UI_TIMEOUT, writeChat } from "./harness.js";

/**
 * A chat of 2,200 messages (written to MUX_ROOT/sessions/<id>/chat.jsonl before the server
 * starts) opens at its newest message with a small DOM, and scrolling up pages older ones in.
 */

const PAIRS = 1_100;

describe.skipIf(!hasChromium)("browser: a long chat", () => {
  let app: App;
  let page: Page;
  let total = 0;

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "history-app"));
        const created = await runMux(["workspace", "create", "long", "--project", repo, "--runtime", "local", "--json"], {
          env: { MUX_ROOT: dirs.muxRoot },
        });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        total = writeChat(dirs.muxRoot, JSON.parse(created.stdout).id, PAIRS);
      },
    });
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  const list = () => page.getByTestId("message-list");
  /** Ids of the messages in the DOM, top to bottom. */
  const renderedIds = async () => {
    const ids = await page
      .locator("[data-testid=message-user], [data-testid=message-assistant]")
      .evaluateAll((els) => els.map((e) => ({ id: e.getAttribute("data-message-id") as string, top: e.getBoundingClientRect().top as number })));
    return ids.sort((a, b) => a.top - b.top).map((x) => x.id);
  };
  const index = (id: string) => Number(id.slice(1));

  it("opens at the newest message with far fewer DOM nodes than messages", async () => {
    expect(total).toBe(2 * PAIRS);
    await page.getByTestId("workspace-row-long").getByRole("button").first().click();
    const newest = page.locator(`[data-message-id=a${PAIRS}]`);
    await newest.waitFor({ timeout: UI_TIMEOUT });
    await poll(() => newest.isVisible()).toBe(true);
    await expect(newest.textContent()).resolves.toContain(`Answer number ${PAIRS}.`);
    // Scrolled to the bottom, the newest message inside the viewport.
    await expect.poll(() => list().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), { timeout: UI_TIMEOUT }).toBeLessThan(4);
    const box = (await newest.boundingBox())!;
    const view = (await list().boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height + 1);
    expect(box.y).toBeGreaterThanOrEqual(view.y - 1);

    const nodes = await domNodes(page);
    const rendered = (await renderedIds()).length;
    expect(nodes).toBeLessThan(3_000);
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(100);
    await screenshot(page, "desktop-long-chat");
  });

  it("scrolling to the top pages older messages in, and the DOM stays small", async () => {
    let top = index((await renderedIds())[0]);
    // Page up from the top of what is loaded until 100 pairs above the newest are in. The count
    // of pages is not fixed: the rendered top can be read before or after a page lands.
    for (let page_ = 0; page_ < 8 && top >= PAIRS - 100; page_++) {
      await list().evaluate((el) => el.scrollTo(0, 0));
      const before = top;
      await expect.poll(async () => index((await renderedIds())[0]), { timeout: UI_TIMEOUT, message: `page ${page_ + 1} did not load` }).toBeLessThan(before);
      top = index((await renderedIds())[0]);
      // The reading position is kept: still near the top, not thrown back to the bottom.
      expect(await list().evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(1_000);
    }
    expect(top).toBeLessThan(PAIRS - 100);
    expect(await domNodes(page)).toBeLessThan(3_000);

    // All the way back to the first question.
    const first = page.locator("[data-message-id=u1]");
    await expect
      .poll(
        async () => {
          await list().evaluate((el) => el.scrollTo(0, 0));
          return first.isVisible();
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
    await expect(first.textContent()).resolves.toContain("Question number 1:");
    expect(await domNodes(page)).toBeLessThan(3_000);

    // And back to the newest.
    await page.getByTestId("jump-to-latest").click();
    await poll(() => page.locator(`[data-message-id=a${PAIRS}]`).isVisible()).toBe(true);
  });
});
