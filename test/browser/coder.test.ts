import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { coderSshConfig, type FakeCoder, installFakeCoder } from "../helpers/fakeCoder.js";
import { makeRepo } from "../helpers/git.js";
import { hasSshd, startSshd, type TestSshd } from "../helpers/sshd.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * Coder workspaces in the web app, against the stand-in coder CLI bridged to a real sshd: made
 * from the new-workspace dialog (a template, or an existing Coder workspace from `coder list`),
 * their status on the sidebar row, and the delete dialog's choice for the Coder workspace.
 */
describe.skipIf(!hasChromium || !hasSshd)("browser: Coder workspaces", () => {
  let app: App;
  let page: Page;
  let sshd: TestSshd;
  let coder: FakeCoder;
  let tmp: string;

  beforeAll(async () => {
    sshd = await startSshd();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mux-coder-browser-"));
    coder = installFakeCoder(path.join(tmp, "bin"), {
      sshPort: sshd.port,
      workspaces: [{ name: "team-box", template: "docker-dev", status: "stopped" }],
      presets: { "docker-dev": ["small"] },
    });
    const sshConfig = coderSshConfig(sshd.configFile, path.join(tmp, "ssh_config"));
    app = await startApp({
      env: () => ({ PATH: coder.path, MUX_SSH_CONFIG: sshConfig, MUX_SSH_REMOTE_ROOT: path.join(tmp, "remote", "mux"), MUX_CODER_POLL_MS: "1" }),
    });
    const repo = makeRepo(path.join(app.dirs.base, "coded-app"));
    await (await app.api()).projects.add({ path: repo });
    page = await app.open();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sshd?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = (name: string) => page.getByTestId(`workspace-row-${name}`).getByTestId("coder-status");

  it("creates a Coder workspace from a template, preset and parameters in the dialog; its row shows the Coder workspace running", {
    timeout: 90_000,
  }, async () => {
    await page.keyboard.press("Control+N");
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    // The suggested name is in first: a suggestion landing mid-fill would join the two.
    await poll(() => page.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await page.getByTestId("new-workspace-name").fill("cdr1");
    await page.getByTestId("runtime-coder").click();
    await page.getByTestId("new-workspace-coder-template").fill("docker-dev");
    await page.getByTestId("new-workspace-coder-preset").fill("small");
    await page.getByTestId("new-workspace-coder-parameters").fill("region=eu-west\nzone");
    await page.getByTestId("new-workspace-submit").click();
    await expect(dialog.textContent()).resolves.toContain('Parameters: a Coder parameter is NAME=VALUE, not "zone".');
    await page.getByTestId("new-workspace-coder-parameters").fill("region=eu-west\nzone=b");
    await screenshot(page, "new-workspace-coder-template");
    await page.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached", timeout: 60_000 });
    expect(coder.actions()).toContain("create --template docker-dev mux-cdr1 --preset small --parameter region=eu-west --parameter zone=b -y");
    await poll(() => status("cdr1").getAttribute("data-status")).toBe("running");
    await expect(page.getByTestId("workspace-row-cdr1").getByTestId("runtime-badge").textContent()).resolves.toBe("coder mux-cdr1");
  });

  it("attaches to an existing Coder workspace picked from coder list, starting it", { timeout: 90_000 }, async () => {
    await page.keyboard.press("Control+N");
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    // The suggested name is in first: a suggestion landing mid-fill would join the two.
    await poll(() => page.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await page.getByTestId("new-workspace-name").fill("att1");
    await page.getByTestId("runtime-coder").click();
    await page.getByTestId("coder-existing").check();
    const select = page.getByTestId("new-workspace-coder-workspace");
    await poll(() => select.locator("option").allTextContents()).toContain("team-box — docker-dev (stopped)");
    await select.selectOption("team-box");
    await screenshot(page, "new-workspace-coder-existing");
    await page.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached", timeout: 60_000 });
    expect(coder.actions()).toContain("start team-box -y");
    await poll(() => status("att1").getAttribute("data-status")).toBe("running");
  });

  it("shows a Coder workspace stopped elsewhere, and the delete dialog deletes it when asked", { timeout: 90_000 }, async () => {
    coder.update((s) => (s.workspaces.find((w) => w.name === "mux-cdr1")!.status = "stopped"));
    // The next `coder list` (the sidebar's periodic pass) brings the news.
    await poll(() => status("cdr1").getAttribute("data-status"), { timeout: 40_000 }).toBe("stopped");
    await screenshot(page, "sidebar-coder-stopped");

    await page.getByTestId("workspace-menu-cdr1").click();
    await page.getByTestId("workspace-menu-delete").click();
    const dialog = page.getByTestId("delete-dialog");
    await dialog.waitFor();
    await page.getByTestId("delete-coder-delete").check();
    await page.getByTestId("delete-confirm").click();
    await dialog.waitFor({ state: "detached", timeout: 60_000 });
    expect(coder.state().workspaces.map((w) => w.name)).toEqual(["team-box"]);
    expect(coder.actions().slice(-2)).toEqual(["start mux-cdr1 -y", "delete mux-cdr1 -y"]);

    // One it did not make offers no delete.
    await page.getByTestId("workspace-menu-att1").click();
    await page.getByTestId("workspace-menu-delete").click();
    await page.getByTestId("delete-coder-choice").waitFor();
    expect(await page.getByTestId("delete-coder-delete").count()).toBe(0);
    await page.keyboard.press("Escape");
  });
});
