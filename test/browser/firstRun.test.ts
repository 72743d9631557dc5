import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * A fresh install, with no provider set up: the first screen says so and leads to
 * Settings → Providers (with the Coder AI Bridge example); once a key is saved, the notice goes.
 */

describe.skipIf(!hasChromium)("browser: first run without a provider", () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    // No key anywhere: the server starts with nothing set up.
    app = await startApp({ key: null, env: () => ({ ANTHROPIC_API_KEY: undefined, ANTHROPIC_BASE_URL: undefined }) });
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("the first screen says a provider must be set up, with the AI Bridge example, and opens Settings → Providers", async () => {
    const setup = page.getByTestId("welcome").getByTestId("provider-setup");
    await setup.waitFor();
    const text = (await setup.textContent()) ?? "";
    expect(text).toContain("Set up a model provider first");
    expect(text).toContain("https://coder.example.com/api/v2/aibridge/openai/v1");
    expect(text).toMatch(/token/i);
    await screenshot(page, "desktop-first-run-no-provider");

    const phone = await app.open({ context: await newContext(app.browser, { phone: true }) });
    try {
      await phone.getByTestId("provider-setup").waitFor();
      expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(phone, "phone-first-run-no-provider");
    } finally {
      await phone.context().close();
    }

    await setup.getByTestId("provider-setup-open").click();
    const dialog = page.getByTestId("settings-dialog");
    await dialog.waitFor();
    await poll(() => dialog.getByTestId("provider-anthropic-status").textContent()).toBe("needs a key");
  });

  it("an empty chat says so too, and the notice goes once a key is saved", async () => {
    const dialog = page.getByTestId("settings-dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "first-app"));
    await api.projects.add({ path: repo });
    await api.workspaces.create({ projectPath: repo, name: "first", runtime: { type: "local" } });
    await page.getByTestId("workspace-row-first").getByRole("button").first().click();
    await page.getByTestId("chat-view").getByTestId("provider-setup").waitFor();
    await screenshot(page, "desktop-empty-chat-no-provider");

    await page.getByTestId("provider-setup-open").click();
    await dialog.waitFor();
    await dialog.getByTestId("provider-anthropic-api-key").fill("sk-ant-first-run-0123456789abcdef");
    await dialog.getByTestId("providers-save").click();
    await dialog.getByTestId("providers-saved").waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("provider-setup").waitFor({ state: "detached" });
    await page.getByTestId("chat-empty").waitFor();
  });
});
