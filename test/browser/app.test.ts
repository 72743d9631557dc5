import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastAssistantText, lastUserText, poll, slowText, startApp } from "./harness.js";

declare const document: any;
declare const navigator: any;
declare const createImageBitmap: any;

/**
 * The app shell in a real browser: installable PWA, command palette and keyboard navigation,
 * a reload in the middle of a stream, and the phone layout.
 */

/** 150 fixed-width markers ("n0001 " … "n0150 "), streamed one per chunk. */
const COUNT = 150;
const NUMBERS = Array.from({ length: COUNT }, (_, i) => `n${String(i + 1).padStart(4, "0")}`).join(" ");

describe.skipIf(!hasChromium)("browser: app shell", () => {
  let app: App;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp();
    app.fake.setResponder((req) => {
      const said = lastUserText(req);
      if (said.includes("count slowly")) return slowText(`${NUMBERS} `, 40, 6);
      return slowText(`Reply to "${said}": all good.`, 10);
    });
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "shell-app"));
    await api.projects.add({ path: repo });
    for (const name of ["one", "two", "three"]) ids[name] = (await api.workspaces.create({ projectPath: repo, name })).id;
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  const row = (p: Page, name: string) => p.getByTestId(`workspace-row-${name}`);
  const title = (p: Page) => p.getByTestId("workspace-title").textContent();

  it("is an installable PWA: valid manifest, icons, and an active service worker", async () => {
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]');
      const res = await fetch(link.href, { credentials: "include" });
      const json: any = await res.json();
      const icons = [];
      for (const icon of json.icons) {
        const r = await fetch(new URL(icon.src, res.url));
        const bitmap = await createImageBitmap(await r.blob());
        icons.push({ ...icon, status: r.status, contentType: r.headers.get("content-type"), width: bitmap.width, height: bitmap.height });
      }
      return { status: res.status, contentType: res.headers.get("content-type"), json, icons };
    });
    expect(manifest.status).toBe(200);
    expect(manifest.contentType).toContain("application/manifest+json");
    expect(manifest.json).toMatchObject({ name: "Mux", short_name: "Mux", display: "standalone", start_url: "." });
    const sizes = manifest.icons.map((i: any) => `${i.sizes}:${i.status}:${i.contentType}:${i.width}x${i.height}`);
    expect(sizes).toEqual(expect.arrayContaining(["192x192:200:image/png:192x192", "512x512:200:image/png:512x512"]));

    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return { scope: reg.scope, state: reg.active?.state, script: reg.active?.scriptURL };
    });
    expect(sw).toMatchObject({ scope: app.server.url, script: `${app.server.url}sw.js` });
    expect(["activating", "activated"]).toContain(sw.state);

    // What Chrome itself decides: the manifest parses cleanly and nothing blocks installing.
    const cdp = await page.context().newCDPSession(page);
    const parsed = await cdp.send("Page.getAppManifest");
    expect(parsed.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    // Playwright's contexts are incognito profiles, where Chrome never offers install; that is
    // the test's doing, so it is the one reason allowed.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito")).toEqual([]);
    await cdp.detach();
  });

  it("the command palette (Ctrl+Shift+P) switches workspace; Ctrl+J / Ctrl+K step through them", async () => {
    await page.keyboard.press("Control+Shift+P");
    const palette = page.getByTestId("command-palette");
    await palette.waitFor();
    await page.getByTestId("command-palette-input").fill("three");
    await palette.getByTestId("command-item-switch-three").waitFor();
    await screenshot(page, "desktop-command-palette");
    await page.keyboard.press("Enter");
    await palette.waitFor({ state: "detached" });
    await poll(() => title(page)).toBe("three");
    await row(page, "three").and(page.locator("[data-selected=true]")).waitFor();
    expect(page.url()).toContain(`#/w/${ids.three}`);

    // Sidebar order is one, two, three; J wraps around to the first.
    const steps: [string, string][] = [
      ["Control+J", "one"],
      ["Control+J", "two"],
      ["Control+K", "one"],
      ["Control+K", "three"],
    ];
    for (const [key, expected] of steps) {
      await page.keyboard.press(key);
      await poll(() => title(page)).toBe(expected);
      await row(page, expected).and(page.locator("[data-selected=true]")).waitFor();
    }
    // They work from the composer too.
    await page.getByTestId("composer-input").focus();
    await page.keyboard.press("Control+K");
    await poll(() => title(page)).toBe("two");
  });

  it("a reload in the middle of a stream picks it up: the text keeps growing and ends complete, once", async () => {
    await row(page, "one").getByRole("button").first().click();
    await poll(() => title(page)).toBe("one");
    const input = page.getByTestId("composer-input");
    await input.fill("count slowly please");
    await input.press("Enter");
    await poll(() => lastAssistantText(page)).toContain("n0012");

    await page.reload();
    await page.getByTestId("chat-view").waitFor();
    expect(page.url()).toContain(`#/w/${ids.one}`);
    const streaming = page.getByTestId("message-assistant").and(page.locator("[data-status=streaming]"));
    await streaming.waitFor();
    const first = await lastAssistantText(page);
    expect(first).toMatch(/^n0001 n0002 /);
    // Growing after the reload, live.
    await poll(async () => (await lastAssistantText(page)).length).toBeGreaterThan(first.length + 30);

    const done = page.getByTestId("message-assistant").last();
    await poll(() => done.getAttribute("data-status"), { timeout: 30_000 }).toBe("complete");
    const final = await lastAssistantText(page);
    expect(final).toBe(NUMBERS);
    expect(final.split("n0001").length - 1).toBe(1);
    await expect(page.getByTestId("message-assistant").count()).resolves.toBe(1);
    await expect(page.getByTestId("message-user").count()).resolves.toBe(1);
  });

  it("on a phone (390 px) the sidebar is a drawer; a workspace opens and a message is sent", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }) });
    try {
      const sidebar = phone.getByTestId("sidebar");
      expect(await sidebar.getAttribute("data-open")).toBe("false");
      expect(await sidebar.isVisible()).toBe(false);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      await phone.getByTestId("menu-button").tap();
      await poll(() => sidebar.getAttribute("data-open")).toBe("true");
      await poll(() => sidebar.isVisible()).toBe(true);
      await poll(() => row(phone, "two").isVisible()).toBe(true);
      await screenshot(phone, "phone-drawer");

      await row(phone, "two").getByRole("button").first().tap();
      await poll(() => sidebar.getAttribute("data-open")).toBe("false");
      await poll(() => title(phone)).toBe("two");
      // The header leaves room for the name: it is shown whole, not cut to an ellipsis.
      expect(await phone.getByTestId("workspace-title").evaluate((el) => el.scrollWidth <= el.clientWidth && el.clientWidth > 0)).toBe(true);
      await phone.getByTestId("chat-view").and(phone.locator("[data-state=idle]")).waitFor();
      await phone.getByTestId("composer-input").fill("hello from my phone");
      await phone.getByTestId("send-button").tap();
      await poll(() => lastAssistantText(phone)).toBe('Reply to "hello from my phone": all good.');
      await phone.getByTestId("message-assistant").and(phone.locator("[data-status=complete]")).waitFor();
      expect(await phone.getByTestId("message-user").last().isVisible()).toBe(true);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(phone, "phone-chat");
    } finally {
      await phone.context().close();
    }
  });
});
