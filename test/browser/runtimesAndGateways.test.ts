import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "jsonc-parser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { containersLabelled, containerState, dockerReady, removeContainersLabelled, removeContainersOf, TEST_IMAGE } from "../helpers/docker.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * The web app inside a Coder workspace (its agent's CODER_AGENT_URL set): Settings offers to route
 * OpenAI and Anthropic through the deployment's AI Bridge. And Docker and dev container workspaces
 * made from the new-workspace dialog, which offers a dev container only for a project that has one.
 */
describe.skipIf(!hasChromium)("browser: Coder AI Bridge and Docker workspaces", () => {
  let app: App;
  let page: Page;
  let repo: string;
  /** A project with a dev container configuration. */
  let devRepo: string;
  /** Workspaces whose dev containers the tests made: removed at the end even after a failure. */
  const made: string[] = [];

  beforeAll(async () => {
    app = await startApp({ env: () => ({ CODER_AGENT_URL: "https://coder.example.com/" }) });
    repo = makeRepo(path.join(app.dirs.base, "boxed-app"));
    devRepo = makeRepo(path.join(app.dirs.base, "dev-app"), {
      "README.md": "# dev app\n",
      ".devcontainer/devcontainer.json": JSON.stringify({ image: TEST_IMAGE, runArgs: ["--network", "none"], postCreateCommand: "touch /tmp/post-create" }),
    });
    await (await app.api()).projects.add({ path: repo });
    await (await app.api()).projects.add({ path: devRepo });
    page = await app.open();
  });
  afterAll(async () => {
    if (repo) removeContainersOf(repo);
    for (const id of made) removeContainersLabelled(`mux.workspace=${id}`);
    await app?.close();
  });

  /** Opens the new-workspace dialog on `project`, its suggested name in (a late one would join a typed name). */
  const openDialog = async (p: Page, project: string) => {
    await p.keyboard.press("Control+N");
    await p.getByTestId("new-workspace-dialog").waitFor();
    await p.getByTestId("new-workspace-project").selectOption(project);
    await poll(() => p.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    return p.getByTestId("new-workspace-dialog");
  };

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
    const dialog = await openDialog(page, repo);
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

  it("offers a dev container only for a project that has .devcontainer/devcontainer.json, at 1440 px and on a phone", async () => {
    const dialog = await openDialog(page, devRepo);
    await page.getByTestId("runtime-devcontainer").waitFor();
    await page.getByTestId("runtime-devcontainer").click();
    await poll(() => page.getByTestId("new-workspace-devcontainer").textContent()).toContain(".devcontainer/devcontainer.json");
    await screenshot(page, "new-workspace-devcontainer");
    // Another project without one: the choice goes, and the dialog falls back to a worktree.
    await page.getByTestId("new-workspace-project").selectOption(repo);
    await page.getByTestId("runtime-devcontainer").waitFor({ state: "detached" });
    await poll(() => page.getByTestId("runtime-worktree").locator("input").isChecked()).toBe(true);
    // Neither the project nor Settings names a Docker image: the field says so.
    await page.getByTestId("runtime-docker").click();
    await poll(() => page.getByTestId("new-workspace-docker-image").getAttribute("placeholder")).toContain("no default in .mux/docker.json or Settings");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    const phone = await app.open({ context: await newContext(app.browser, { phone: true }) });
    try {
      await openDialog(phone, devRepo);
      const choice = phone.getByTestId("runtime-devcontainer");
      await choice.waitFor();
      const box = await choice.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      expect(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number)).toBeLessThanOrEqual(390);
      await choice.tap();
      await phone.getByTestId("new-workspace-devcontainer").waitFor();
      await screenshot(phone, "phone-new-workspace-devcontainer");
      await phone.getByTestId("new-workspace-project").selectOption(repo);
      await choice.waitFor({ state: "detached" });
    } finally {
      await phone.context().close();
    }
  });

  it.skipIf(!dockerReady())(
    "Settings → Runtimes sets the default Docker image, which a workspace from the dialog gets when none is typed",
    {
      timeout: 120_000,
    },
    async () => {
      await page.keyboard.press("Control+Comma");
      const settings = page.getByTestId("settings-dialog");
      await settings.waitFor();
      await page.getByTestId("settings-tab-runtimes").click();
      const field = page.getByTestId("default-docker-image");
      await poll(() => field.isEnabled()).toBe(true);
      await field.fill(TEST_IMAGE);
      await page.getByTestId("default-docker-image-save").click();
      await page.getByTestId("runtime-settings-saved").waitFor();
      await screenshot(page, "settings-runtimes");
      expect(JSON.parse(fs.readFileSync(path.join(app.dirs.muxRoot, "config.json"), "utf8")).defaultDockerImage).toBe(TEST_IMAGE);
      await page.keyboard.press("Escape");
      await settings.waitFor({ state: "detached" });

      const dialog = await openDialog(page, repo);
      await page.getByTestId("new-workspace-name").fill("boxed-default");
      await page.getByTestId("runtime-docker").click();
      await poll(() => page.getByTestId("new-workspace-docker-image").getAttribute("placeholder")).toBe(`empty: ${TEST_IMAGE} (the default in Settings)`);
      await page.getByTestId("new-workspace-submit").click();
      await dialog.waitFor({ state: "detached", timeout: 90_000 });
      const ws = (await (await app.api()).workspaces.list()).find((w) => w.name === "boxed-default");
      expect(ws?.runtime).toMatchObject({ type: "docker", image: TEST_IMAGE });
      expect(containerState((ws!.runtime as { container: string }).container)).toBe("running");
    },
  );

  it.skipIf(!dockerReady())("creates a dev container workspace from the dialog: the worktree is its workspace folder", { timeout: 240_000 }, async () => {
    const dialog = await openDialog(page, devRepo);
    await page.getByTestId("new-workspace-name").fill("devbox");
    await page.getByTestId("runtime-devcontainer").click();
    await page.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached", timeout: 200_000 });
    const ws = (await (await app.api()).workspaces.list()).find((w) => w.name === "devbox");
    made.push(ws!.id);
    expect(ws?.runtime).toMatchObject({ type: "devcontainer", configPath: ".devcontainer/devcontainer.json" });
    const worktree = (ws!.runtime as { path: string }).path;
    expect(fs.existsSync(path.join(worktree, ".devcontainer", "devcontainer.json"))).toBe(true);
    const [container] = containersLabelled(`mux.workspace=${ws!.id}`);
    expect(containerState(container)).toBe("running");
    // The worktree is what the container has as its workspace folder.
    const mounts = JSON.parse(execFileSync("docker", ["inspect", "-f", "{{json .Mounts}}", container], { encoding: "utf8" })) as { Source: string }[];
    expect(mounts.map((m) => m.Source)).toContain(worktree);
    await poll(() => page.locator('[data-testid=runtime-badge][title^="Runtime: devcontainer"]').count()).toBeGreaterThan(0);
    await (await app.api()).workspaces.delete({ workspaceId: ws!.id, force: true });
    expect(containersLabelled(`mux.workspace=${ws!.id}`)).toEqual([]);
  });
});
