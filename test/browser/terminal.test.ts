import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/** What the shown terminal's screen holds, as text (rows run together). */
const screenOf = (page: Page) =>
  page
    .locator("[data-testid=terminal-view]:not(.hidden) .xterm-rows")
    .textContent()
    .then((t) => t ?? "");

/** The terminal panel: a real shell in a worktree workspace, typed into and read from the screen. */
describe.skipIf(!hasChromium)("browser: terminal", () => {
  let app: App;
  let page: Page;
  let workspaceId: string;

  beforeAll(async () => {
    let home = "";
    app = await startApp({
      before: (dirs) => {
        home = path.join(dirs.base, "home");
        fs.mkdirSync(home);
      },
      // A known shell without the rc files of whoever runs the tests.
      env: () => ({ SHELL: "/bin/bash", HOME: home }),
    });
    const repo = makeRepo(path.join(app.dirs.base, "app"));
    const api = await app.api();
    workspaceId = (await api.workspaces.create({ projectPath: repo, name: "term" })).id;
    page = await app.open({ hash: `#/w/${workspaceId}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  const screen = () => screenOf(page);

  it("opens from the header, runs commands in the workspace, and shows their output", async () => {
    await page.getByTestId("terminal-button").click();
    await page.locator(".xterm-rows").waitFor();
    await page.locator("[data-mux-terminal]").click();
    await page.keyboard.type("echo hello-$((6*7)) from $(basename $(pwd))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("hello-42 from term");
    // Ctrl+K belongs to the shell here (it kills the line), not to "previous workspace".
    await page.keyboard.type("echo not-run");
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Control+k");
    await page.keyboard.type("echo cleared-$((2+2))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("cleared-4");
    await screenshot(page, "terminal");
  });

  it("after a reload, shows the output from before", async () => {
    await page.reload();
    await page.locator(".xterm-rows").waitFor();
    await poll(screen).toContain("hello-42 from term");
    await page.locator("[data-mux-terminal]").click();
    await page.keyboard.type("echo again-$((3*3))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("again-9");
  });

  it("a flood stops at Ctrl+C and the prompt comes back", async () => {
    await page.keyboard.type("yes flooding");
    await page.keyboard.press("Enter");
    await poll(async () => (await screen()).split("flooding").length).toBeGreaterThan(10);
    await page.keyboard.press("Control+c");
    // Typed again until answered: the shell may drop what was typed while `yes` still held the terminal.
    for (let i = 0; ; i++) {
      await page.keyboard.type("echo done-$((5*5))");
      await page.keyboard.press("Enter");
      const answered = await poll(screen, { timeout: 2_000 })
        .toContain("done-25")
        .then(
          () => true,
          () => false,
        );
      if (answered || i === 9) break;
    }
    await poll(screen).toContain("done-25");
  });

  it("the command palette hides and shows the panel, and the shell kept running meanwhile", async () => {
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-toggle-terminal").click();
    await page.getByTestId("terminal-panel").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-toggle-terminal").click();
    await poll(screen).toContain("done-25");
  });

  it("on a phone (390 px), the extra keys give Ctrl, arrows and |", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
    await phone.getByTestId("terminal-button").click();
    await phone.getByTestId("terminal-extra-keys").waitFor();
    const phoneScreen = () => screenOf(phone);
    await phone.locator("[data-mux-terminal]").click();
    await phone.keyboard.type("sleep 300");
    await phone.keyboard.press("Enter");
    // Ctrl, then c: an interrupt.
    await phone.getByTestId("terminal-key-Ctrl").click();
    await phone.keyboard.type("c");
    await phone.keyboard.type("echo piped ");
    await phone.getByTestId("terminal-key-Pipe").click();
    await phone.keyboard.type(" tr a-z A-Z");
    await phone.keyboard.press("Enter");
    await poll(phoneScreen).toContain("PIPED");
    // Up recalls the command: it runs again.
    await phone.getByTestId("terminal-key-Up").click();
    await phone.keyboard.press("Enter");
    await poll(async () => (await phoneScreen()).split("PIPED").length - 1).toBe(2);
    await screenshot(phone, "terminal-phone");
    await phone.context().close();
  });
});
