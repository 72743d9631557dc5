import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "jsonc-parser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { containerState, dockerReady, removeContainersOf, TEST_IMAGE } from "../helpers/docker.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * The web app inside a Coder workspace (its agent's CODER_AGENT_URL set): Settings offers to route
 * OpenAI and Anthropic through the deployment's AI Bridge. And a Docker workspace made from the
 * new-workspace dialog.
 */
describe.skipIf(!hasChromium)("browser: Coder AI Bridge and Docker workspaces", () => {
  let app: App;
  let page: Page;
  let repo: string;

  beforeAll(async () => {
    app = await startApp({ env: () => ({ CODER_AGENT_URL: "https://coder.example.com/" }) });
    repo = makeRepo(path.join(app.dirs.base, "boxed-app"));
    await (await app.api()).projects.add({ path: repo });
    page = await app.open();
  });
  afterAll(async () => {
    if (repo) removeContainersOf(repo);
    await app?.close();
  });

  it("Use AI Bridge fills both providers' base URLs with the deployment's, saved to providers.jsonc", async () => {
    await page.keyboard.press("Control+Comma");
    const dialog = page.getByTestId("settings-dialog");
    await dialog.waitFor();
    await page.getByTestId("use-ai-bridge").click();
    await screenshot(page, "settings-use-ai-bridge");
    await page.getByTestId("providers-save").click();
    await page.getByTestId("providers-saved").waitFor();
    const file = parse(fs.readFileSync(path.join(app.dirs.muxRoot, "providers.jsonc"), "utf8"));
    expect(file.openai.baseUrl).toBe("https://coder.example.com/api/v2/aibridge/openai/v1");
    expect(file.anthropic.baseUrl).toBe("https://coder.example.com/api/v2/aibridge/anthropic");
    // Keys are not touched: still the environment's.
    expect(file.anthropic.apiKey).toBeUndefined();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
  });

  it.skipIf(!dockerReady())("creates a Docker workspace from the dialog: its container runs, the sidebar says docker", { timeout: 120_000 }, async () => {
    await page.keyboard.press("Control+N");
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    // The suggested name is in first: a suggestion landing mid-fill would join the two.
    await poll(() => page.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await page.getByTestId("new-workspace-name").fill("boxed");
    await page.getByTestId("runtime-docker").click();
    await page.getByTestId("new-workspace-docker-image").fill(TEST_IMAGE);
    await screenshot(page, "new-workspace-docker");
    await page.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached", timeout: 90_000 });
    const ws = (await (await app.api()).workspaces.list()).find((w) => w.name === "boxed");
    expect(ws?.runtime).toMatchObject({ type: "docker", image: TEST_IMAGE, path: "/src" });
    expect(containerState((ws!.runtime as { container: string }).container)).toBe("running");
    // Selected after creation: the sidebar row and the header name its runtime.
    await poll(() => page.locator(`[data-testid=runtime-badge][title="Runtime: docker ${TEST_IMAGE}"]`).count()).toBeGreaterThan(0);
  });
});
