import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastUserText, poll, slowText, startApp } from "./harness.js";

declare const document: any;
declare const getComputedStyle: any;

/**
 * The main journey with the keyboard alone, checking where focus lands at every step: a new
 * workspace, a message and its announced reply, switching workspaces, then the palette, model
 * picker, settings, costs and menus, each giving focus back to what opened it. On a phone the
 * sidebar drawer is a real modal.
 */

describe.skipIf(!hasChromium)("browser: keyboard and screen reader", () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    app.fake.setResponder((req) => {
      const said = lastUserText(req);
      if (said.includes("slowly")) return slowText("tick ".repeat(400), 40, 5);
      return slowText(`Reply to "${said}": all good.`, 10);
    });
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "keys-app"));
    await api.projects.add({ path: repo });
    await api.workspaces.create({ projectPath: repo, name: "one", runtime: { type: "local" } });
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  /** What has focus: its test id, else its tag (BODY when focus was lost). */
  const focused = (p: Page) =>
    p.evaluate(() => {
      const el = document.activeElement;
      return (el?.getAttribute("data-testid") ?? el?.tagName ?? "none") as string;
    });
  const title = (p: Page) => p.getByTestId("workspace-title").textContent();

  it("creates a workspace, sends, hears the reply and switches workspace with the keyboard alone", async () => {
    await page.keyboard.press("Control+N");
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    await poll(() => focused(page)).toBe("new-workspace-name");
    // Typed over the suggested name (once it is there: it would not replace what the user typed).
    await poll(() => page.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("kbd");

    // The runtime choices are radio cards: the focused one shows it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement.getAttribute("type"))).toBe("radio");
    const outline = await page
      .getByTestId("runtime-worktree")
      .evaluate((el: any) => `${getComputedStyle(el).outlineStyle} ${getComputedStyle(el).outlineWidth}`);
    expect(outline).toBe("solid 2px");
    await page.keyboard.press("ArrowRight");
    expect(await page.getByTestId("runtime-local").locator("input").isChecked()).toBe(true);
    await screenshot(page, "keyboard-new-workspace-runtime-focus");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await poll(() => title(page)).toBe("kbd");
    await poll(() => focused(page)).toBe("composer-input");

    await page.keyboard.type("hello keyboard");
    await page.keyboard.press("Enter");
    const status = page.getByRole("status").and(page.getByTestId("reply-status"));
    await poll(() => status.textContent()).toBe('Mux replied: Reply to "hello keyboard": all good.');
    expect(await focused(page)).toBe("composer-input");
    // Each message says who wrote it.
    expect(await page.getByTestId("message-user").last().textContent()).toMatch(/^You said:\s*hello keyboard/);
    expect(await page.getByTestId("message-assistant").last().textContent()).toMatch(/^Mux said:\s*Reply to/);

    await page.keyboard.press("Control+J");
    await poll(() => title(page)).toBe("one");
    await poll(() => focused(page)).toBe("composer-input");
    await page.locator("[data-testid=chat-view][data-state=idle]").waitFor();
  });

  it("the palette, model picker, settings, costs, menus and dialogs each give focus back to what opened them", async () => {
    // Palette from the composer (shortcut) and from its button (named "Command palette").
    await page.keyboard.press("Control+Shift+P");
    await poll(() => focused(page)).toBe("command-palette-input");
    await page.keyboard.press("Escape");
    await page.getByTestId("command-palette").waitFor({ state: "detached" });
    await poll(() => focused(page)).toBe("composer-input");

    const paletteButton = page.getByRole("button", { name: "Command palette", exact: true });
    expect(await paletteButton.getAttribute("data-testid")).toBe("palette-button");
    await paletteButton.focus();
    await page.keyboard.press("Enter");
    await poll(() => focused(page)).toBe("command-palette-input");
    await page.keyboard.press("Escape");
    await poll(() => focused(page)).toBe("palette-button");

    // The model picker: Tab from the composer, arrows move aria-activedescendant, Esc / Enter close it.
    await page.getByTestId("composer-input").focus();
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("model-picker");
    await page.keyboard.press("Enter");
    const input = page.getByTestId("model-picker-input");
    await poll(() => focused(page)).toBe("model-picker-input");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const active = await input.getAttribute("aria-activedescendant");
    expect(active).toBeTruthy();
    expect(await page.locator(`[id="${active}"]`).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Escape");
    await poll(() => focused(page)).toBe("model-picker");
    await page.keyboard.press("Enter");
    await page.keyboard.type("gpt-5-mini");
    await page.keyboard.press("Enter");
    await poll(() => page.getByTestId("model-picker").textContent()).toContain("openai:gpt-5-mini");
    expect(await focused(page)).toBe("model-picker");

    // Settings (Ctrl+,): Save keeps focus, "Saved" is announced, Esc goes back to the picker.
    await page.keyboard.press("Control+Comma");
    const settings = page.getByTestId("settings-dialog");
    await settings.waitFor();
    await settings.getByTestId("provider-openai-api-key").focus();
    await page.keyboard.type("sk-proj-keyboard-0123456789abcdef");
    await settings.getByTestId("providers-save").focus();
    await page.keyboard.press("Enter");
    await settings.getByRole("status").getByTestId("providers-saved").waitFor();
    expect(await focused(page)).toBe("providers-save");
    await page.keyboard.press("Escape");
    await settings.waitFor({ state: "detached" });
    await poll(() => focused(page)).toBe("model-picker");

    // Costs: Esc closes the panel, focus back on its button.
    await page.getByTestId("costs-button").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("costs-panel").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("costs-panel").waitFor({ state: "detached" });
    expect(await focused(page)).toBe("costs-button");

    // A menu: Esc returns to its button; an item's dialog returns there too when it closes.
    await page.getByTestId("workspace-actions").focus();
    await page.keyboard.press("Enter");
    await poll(() => focused(page)).toBe("action-rename");
    await page.keyboard.press("Escape");
    await poll(() => focused(page)).toBe("workspace-actions");
    await page.keyboard.press("Enter");
    await poll(() => focused(page)).toBe("action-rename");
    await page.keyboard.press("Enter");
    await page.getByTestId("rename-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("rename-dialog").waitFor({ state: "detached" });
    await poll(() => focused(page)).toBe("workspace-actions");

    // A dialog opened from a button.
    await page.getByTestId("new-workspace-button").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("new-workspace-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("new-workspace-dialog").waitFor({ state: "detached" });
    await poll(() => focused(page)).toBe("new-workspace-button");
  });

  it("Stop puts focus back in the composer", async () => {
    await page.getByTestId("model-picker").click();
    await page.getByTestId("model-picker-input").fill("sonnet");
    await page.keyboard.press("Enter");
    const composer = page.getByTestId("composer-input");
    await composer.focus();
    await page.keyboard.type("count slowly");
    await page.keyboard.press("Enter");
    const stop = page.getByTestId("interrupt-button");
    await stop.waitFor();
    await stop.focus();
    await page.keyboard.press("Enter");
    await stop.waitFor({ state: "detached" });
    expect(await focused(page)).toBe("composer-input");
    await poll(() => page.getByTestId("reply-status").textContent()).toBe("Mux's reply was stopped.");
  });

  it("on a phone (390 px) the sidebar drawer is a modal: focus moves in, stays in, and returns", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }) });
    try {
      const menu = phone.getByTestId("menu-button");
      const sidebar = phone.getByTestId("sidebar");
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
      await menu.focus();
      await phone.keyboard.press("Enter");
      await poll(() => menu.getAttribute("aria-expanded")).toBe("true");
      expect(await sidebar.getAttribute("role")).toBe("dialog");
      expect(await sidebar.getAttribute("aria-modal")).toBe("true");
      expect(await phone.locator("main").getAttribute("inert")).not.toBeNull();
      const inDrawer = () => phone.evaluate(() => document.querySelector("[data-testid=sidebar]").contains(document.activeElement) as boolean);
      await poll(inDrawer).toBe(true);
      await screenshot(phone, "phone-drawer-keyboard");
      // Trapped: around and around, forwards and back.
      for (let i = 0; i < 14; i++) {
        await phone.keyboard.press("Tab");
        expect(await inDrawer(), `Tab ${i + 1} left the drawer`).toBe(true);
      }
      for (let i = 0; i < 6; i++) {
        await phone.keyboard.press("Shift+Tab");
        expect(await inDrawer(), `Shift+Tab ${i + 1} left the drawer`).toBe(true);
      }
      await phone.keyboard.press("Escape");
      await poll(() => menu.getAttribute("aria-expanded")).toBe("false");
      await poll(() => focused(phone)).toBe("menu-button");
      expect(await phone.locator("main").getAttribute("inert")).toBeNull();

      // Picking a workspace in the drawer: it closes and the composer has focus.
      await phone.keyboard.press("Enter");
      await poll(inDrawer).toBe(true);
      await phone.getByTestId("workspace-row-one").getByRole("button").first().focus();
      await phone.keyboard.press("Enter");
      await poll(() => title(phone)).toBe("one");
      await poll(() => focused(phone)).toBe("composer-input");
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
    } finally {
      await phone.context().close();
    }
  });
});
