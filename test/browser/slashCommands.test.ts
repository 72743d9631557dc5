import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, poll, startApp } from "./harness.js";

/** Slash commands typed in the composer (popup, a command, a refusal) and the context meter, on a phone-sized screen. */
describe.skipIf(!hasChromium)("browser: slash commands and the context meter", () => {
  let app: App;
  let workspaceId = "";

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "slash-app"));
        const created = await runMux(["workspace", "create", "slash", "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        workspaceId = JSON.parse(created.stdout).id;
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("the popup filters, picks with the keys and closes with Esc; /cost and /plan answer in the chat without a request; /exec with a message; /foo is refused; the meter fills up; /new opens the workspace it made", async () => {
    const page = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
    try {
      const input = page.getByTestId("composer-input");
      const menu = page.getByTestId("slash-menu");
      const options = page.getByTestId("slash-option");
      const idle = page.getByTestId("chat-view").and(page.locator("[data-state=idle]"));
      const meter = page.getByTestId("context-meter");

      // A first turn: the meter appears with the request's tokens against Sonnet's 200k window.
      app.fake.enqueue({ text: "First answer.", usage: { input: 20_000, output: 100 } });
      await input.fill("hello");
      await input.press("Enter");
      await page.getByTestId("message-assistant").filter({ hasText: "First answer." }).waitFor();
      await poll(() => meter.getAttribute("data-percent")).toBe("10");
      expect(await meter.getAttribute("data-over")).toBe("false");
      expect(await meter.getAttribute("title")).toContain("20,100 of 200,000 tokens (10%)");

      await input.fill("/");
      await menu.waitFor();
      expect(await options.count()).toBe(8);
      await input.pressSequentially("co");
      await poll(() => options.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual(["compact", "cost"]);
      expect(await options.first().textContent()).toContain("[focus]");
      await input.press("Escape");
      await menu.waitFor({ state: "detached" });
      await input.pressSequentially("s");
      await menu.waitFor();
      await input.press("Backspace");
      await input.press("ArrowDown");
      await poll(() => page.locator("[data-name=cost][aria-selected=true]").count()).toBe(1);
      // The popup fits the phone's screen.
      const box = await menu.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      await screenshot(page, "slash-menu-phone");
      await input.press("Enter");
      await poll(() => input.inputValue()).toBe("/cost");
      const requests = app.fake.requests.length;
      await input.press("Enter");
      await page.getByTestId("message-assistant").filter({ hasText: "Cost of this chat" }).waitFor();
      expect(await input.inputValue()).toBe("");

      // Tab completes a command that takes arguments; /plan switches the composer to plan mode.
      await idle.waitFor();
      await input.fill("/pl");
      await input.press("Tab");
      await poll(() => input.inputValue()).toBe("/plan ");
      await input.press("Enter");
      await page.getByTestId("message-assistant").filter({ hasText: "Plan mode" }).waitFor();
      await poll(() => page.getByTestId("mode-toggle").getAttribute("data-mode")).toBe("plan");

      // An unknown command is refused in place: the draft stays, nothing is sent.
      await idle.waitFor();
      await input.fill("/foo bar");
      await input.press("Enter");
      await poll(() => page.getByTestId("send-error").textContent()).toContain("Unknown command /foo — try /compact, /clear");
      expect(await input.inputValue()).toBe("/foo bar");
      expect(app.fake.requests).toHaveLength(requests);

      // A command with a message after it: the mode switches and the message goes, answered once.
      app.fake.enqueue({ text: "Going." });
      const answers = await page.getByTestId("message-assistant").count();
      await input.fill("/exec go ahead");
      await input.press("Enter");
      const going = page.getByTestId("message-assistant").filter({ hasText: "Going." });
      await going.waitFor();
      expect(await going.getByTestId("message-notice").textContent()).toContain("Exec mode for this workspace");
      await poll(() => page.getByTestId("mode-toggle").getAttribute("data-mode")).toBe("exec");
      expect(await page.getByTestId("message-assistant").count()).toBe(answers + 1);
      expect(app.fake.requests).toHaveLength(requests + 1);

      // A turn past the auto-compaction threshold (70 %) colours the meter.
      await idle.waitFor();
      app.fake.enqueue({ text: "A big answer.", usage: { input: 150_000, output: 10 } });
      await input.fill("big");
      await input.press("Enter");
      await page.getByTestId("message-assistant").filter({ hasText: "A big answer." }).waitFor();
      await poll(() => meter.getAttribute("data-over")).toBe("true");
      expect(await meter.getAttribute("data-percent")).toBe("75");
      await screenshot(page, "context-meter-phone");

      // /new makes a workspace like this one (local) and opens it, as the Fork dialog does.
      await idle.waitFor();
      await input.fill("/new side");
      await input.press("Enter");
      await poll(() => page.getByTestId("chat-view").getAttribute("data-workspace-id")).not.toBe(workspaceId);
      const made = (await (await app.api()).workspaces.list()).find((w) => w.name === "side");
      expect(made?.runtime.type).toBe("local");
      expect(await page.getByTestId("chat-view").getAttribute("data-workspace-id")).toBe(made?.id);
    } finally {
      await page.close();
    }
  }, 90_000);
});
