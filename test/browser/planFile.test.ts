import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastAssistantText, poll, startApp } from "./harness.js";

/** The plan card: its file's path, editing the plan there, and Approve & run sending the edited file in exec mode; the Web toggle. */

describe.skipIf(!hasChromium)("browser: plan file and web toggle", () => {
  let app: App;
  let id = "";

  beforeAll(async () => {
    app = await startApp();
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "plan-app"));
    id = (await api.workspaces.create({ projectPath: repo, name: "planned", runtime: { type: "local" }, settings: { mode: "plan" } })).id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("edits the plan in its card, saves it to the file, and runs the edited plan", async () => {
    const context = await app.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await app.open({ context, hash: `#/w/${id}` });
    try {
      await poll(() => page.getByTestId("mode-toggle").getAttribute("data-mode")).toBe("plan");
      app.fake.enqueue({ toolCalls: [{ name: "propose_plan", args: { plan: "1. Fix the form" } }] });
      await page.getByTestId("composer-input").fill("plan the fix");
      await page.getByTestId("composer-input").press("Enter");
      const card = page.getByTestId("plan-card");
      await card.getByTestId("plan-edit").waitFor();
      const file = path.join(app.dirs.muxRoot, "plans", "plan-app", "planned.md");
      expect(await card.getByTestId("plan-path").textContent()).toBe(file);

      await card.getByTestId("plan-edit").click();
      await card.getByTestId("plan-editor").fill("1. Fix the form\n2. Test the form");
      await screenshot(page, "desktop-plan-edit");
      await card.getByTestId("plan-save").click();
      await poll(() => card.textContent()).toContain("(edited)");
      expect(await card.textContent()).toContain("Test the form");
      expect(fs.readFileSync(file, "utf8")).toBe("1. Fix the form\n2. Test the form");

      app.fake.enqueue({ text: "Implemented." });
      await card.getByTestId("plan-approve").click();
      await poll(() => lastAssistantText(page)).toBe("Implemented.");
      await poll(() => page.getByTestId("mode-toggle").getAttribute("data-mode")).toBe("exec");
      expect(await page.getByTestId("message-user").last().textContent()).toContain("2. Test the form");
      expect(JSON.stringify(app.fake.requests.at(-1)?.body)).toContain("2. Test the form");
    } finally {
      await context.close();
    }
  });

  it("the Web toggle turns web_fetch off for the workspace", async () => {
    const page = await app.open({ hash: `#/w/${id}` });
    try {
      const toggle = page.getByTestId("web-fetch-toggle");
      await poll(() => toggle.getAttribute("aria-pressed")).toBe("true");
      await toggle.click();
      await poll(() => toggle.getAttribute("aria-pressed")).toBe("false");
      const api = await app.api();
      await poll(async () => (await api.workspaces.list()).find((w) => w.id === id)?.settings.webFetch).toBe(false);
      app.fake.enqueue({ text: "No web." });
      await page.getByTestId("composer-input").fill("hello");
      await page.getByTestId("composer-input").press("Enter");
      await poll(() => lastAssistantText(page)).toBe("No web.");
      const tools = (app.fake.requests.at(-1)!.body.tools as { name: string }[]).map((t) => t.name);
      expect(tools).not.toContain("web_fetch");
      expect(tools).toContain("bash");
    } finally {
      await page.context().close();
    }
  });
});
