import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastAssistantText, poll, startApp } from "./harness.js";

/**
 * The agent's questions in the browser: the sidebar says the workspace needs input, the chat
 * shows a card to answer them (still there after a reload), and the same turn goes on with the answers.
 */

const QUESTIONS = [
  { question: "Which database?", header: "DB", options: [{ label: "SQLite" }, { label: "Postgres", description: "needs a server" }] },
  { question: "Which tests?", options: [{ label: "unit" }, { label: "e2e" }, { label: "smoke" }], multiSelect: true },
];

describe.skipIf(!hasChromium)("browser: ask_user_question", () => {
  let app: App;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp();
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "ask-app"));
    for (const name of ["desk", "phone"]) ids[name] = (await api.workspaces.create({ projectPath: repo, name, runtime: { type: "local" } })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  const row = (p: Page, name: string) => p.getByTestId(`workspace-row-${name}`);
  const card = (p: Page) => p.getByTestId("question-card").last();
  async function ask(p: Page, text: string) {
    app.fake.enqueue({ toolCalls: [{ name: "ask_user_question", args: { questions: QUESTIONS } }] }, { text: `Going on with: ${text}` });
    await p.getByTestId("composer-input").fill(text);
    await p.getByTestId("composer-input").press("Enter");
    await card(p).and(p.locator("[data-state=running]")).waitFor();
  }

  it("at 1400 px: the row needs input, the card survives a reload, and answering continues the turn", async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await app.open({ context, hash: `#/w/${ids.desk}` });
    try {
      await ask(page, "set up storage");
      await poll(() => row(page, "desk").getAttribute("data-state")).toBe("needs-input");
      expect(await row(page, "desk").getByTestId("needs-input").textContent()).toBe("needs input");

      await page.reload();
      await card(page).and(page.locator("[data-state=running]")).waitFor();
      await poll(() => row(page, "desk").getAttribute("data-state")).toBe("needs-input");
      await expect(card(page).getByTestId("question-submit").isDisabled()).resolves.toBe(true);

      await card(page).getByTestId("question-0").getByText("Postgres").click();
      const tests = card(page).getByTestId("question-1");
      await tests.getByText("unit").click();
      await tests.getByText("e2e").click();
      await tests.getByTestId("question-other-input").fill("a load test");
      await screenshot(page, "desktop-question-card");
      await card(page).getByTestId("question-submit").click();

      await poll(() => lastAssistantText(page)).toBe("Going on with: set up storage");
      await page.getByTestId("message-assistant").and(page.locator("[data-status=complete]")).waitFor();
      await poll(() => card(page).getByTestId("question-answer").allTextContents()).toEqual(["→ Postgres", "→ unit, e2e, a load test"]);
      await poll(() => row(page, "desk").getAttribute("data-state")).toBe("idle");
      expect(await page.getByTestId("message-assistant").count()).toBe(1);
      const sent = JSON.stringify(app.fake.requests.at(-1)?.body);
      expect(sent).toContain('\\"Which tests?\\":\\"unit, e2e, a load test\\"');
    } finally {
      await context.close();
    }
  });

  it("at 390 px: the drawer's row needs input and the card is answered by tapping", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${ids.phone}` });
    try {
      await ask(phone, "pick for me");
      expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(390);
      await screenshot(phone, "phone-question-card");
      await phone.getByTestId("menu-button").tap();
      await poll(() => row(phone, "phone").getByTestId("needs-input").isVisible()).toBe(true);
      await row(phone, "phone").getByRole("button").first().tap();
      await poll(() => phone.getByTestId("sidebar").getAttribute("data-open")).toBe("false");

      await card(phone).getByTestId("question-0").getByText("SQLite").tap();
      await card(phone).getByTestId("question-1").getByText("smoke").tap();
      await card(phone).getByTestId("question-submit").tap();
      await poll(() => lastAssistantText(phone)).toBe("Going on with: pick for me");
      await poll(() => card(phone).getByTestId("question-answer").allTextContents()).toEqual(["→ SQLite", "→ smoke"]);
      expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(390);
    } finally {
      await phone.context().close();
    }
  });
});
