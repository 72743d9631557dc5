import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countToolResults } from "../fake-provider/index.js";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastAssistantText, lastUserText, poll, slowText, startApp, UI_TIMEOUT } from "./harness.js";

declare const document: any;

/**
 * The main flow in a real browser: add a project and two worktree workspaces through the dialogs,
 * run an agent in each at the same time (each runs a bash tool), then interrupt a long answer.
 */

const STORY = Array.from({ length: 300 }, (_, i) => `word${String(i).padStart(3, "0")}`).join(" ");

describe.skipIf(!hasChromium)("browser: two agents in parallel", () => {
  let app: App;
  let page: Page;
  let repo: string;
  let sync: string;

  beforeAll(async () => {
    app = await startApp();
    repo = makeRepo(path.join(app.dirs.base, "demo-app"), { "README.md": "# demo app\n", "src/main.txt": "hello\n" });
    sync = path.join(app.dirs.base, "sync");
    fs.mkdirSync(sync);
    // Alpha's tool waits until beta's tool has started, so both are provably running at once.
    const scripts: Record<string, string> = {
      alpha: `echo alpha-output; for i in $(seq 400); do [ -e ${sync}/beta ] && break; sleep 0.05; done; echo alpha-finished`,
      beta: `touch ${sync}/beta; echo beta-output; sleep 1; echo beta-finished`,
    };
    app.fake.setResponder((req) => {
      const said = lastUserText(req);
      if (said.includes("tell me a long story")) return slowText(STORY, 40, 6);
      const label = /task (alpha|beta)/.exec(said)?.[1];
      if (!label) return { text: "Done." };
      if (countToolResults(req) === 0) {
        return { toolCalls: [{ name: "bash", args: { script: scripts[label] } }], chunkSize: 12, chunkDelayMs: 30 };
      }
      return slowText(`The ${label} task is done: the script printed ${label}-output and ${label}-finished.`, 40);
    });
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  const row = (name: string) => page.getByTestId(`workspace-row-${name}`);
  const chat = () => page.getByTestId("chat-view");

  async function send(text: string) {
    const input = page.getByTestId("composer-input");
    await input.fill(text);
    await input.press("Enter");
  }

  async function createWorkspace(name: string) {
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    // The base branch list has loaded (the trunk is preselected).
    await poll(() => dialog.getByTestId("new-workspace-base").inputValue()).toBe("main");
    // The suggested name is in first: a suggestion landing mid-fill would join the two.
    await poll(() => dialog.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await dialog.getByTestId("new-workspace-name").fill(name);
    await dialog.getByTestId("runtime-worktree").click();
    if (name === "alpha") await screenshot(page, "desktop-new-workspace-dialog");
    await dialog.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached" });
    await row(name).and(page.locator("[data-selected=true]")).waitFor();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe(name);
    await chat().and(page.locator(`[data-state=idle]`)).waitFor();
  }

  it("adds a project and creates two worktree workspaces through the dialogs", async () => {
    await page.getByTestId("sidebar-empty").waitFor();
    await page.getByTestId("add-project-button").click();
    const add = page.getByTestId("add-project-dialog");
    await add.getByTestId("add-project-path").fill(repo);
    await add.getByTestId("add-project-submit").click();
    // Adding a project goes straight on to its first workspace.
    await add.waitFor({ state: "detached" });
    await poll(() => page.getByTestId("project-demo-app").getAttribute("data-project-path")).toBe(repo);
    await createWorkspace("alpha");

    await page.getByTestId("new-workspace-button").click();
    await createWorkspace("beta");

    for (const name of ["alpha", "beta"]) {
      await expect(row(name).getByTestId("runtime-badge").textContent()).resolves.toMatch(/worktree/i);
      expect(fs.existsSync(path.join(app.dirs.muxRoot, "src", "demo-app", name, "README.md"))).toBe(true);
    }
  });

  it("both agents stream at once, each chat with its own tool card and output", async () => {
    await row("alpha").getByRole("button").first().click();
    await chat().and(page.locator("[data-state=idle]")).waitFor();
    await send("task alpha: run the script");
    await row("alpha").and(page.locator("[data-state=streaming]")).waitFor();

    await row("beta").getByRole("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("beta");
    await send("task beta: run the script");

    // Both rows show streaming at the same moment.
    await page.waitForFunction(
      () => ["alpha", "beta"].every((n) => document.querySelector(`[data-testid=workspace-row-${n}]`)?.dataset.state === "streaming"),
      undefined,
      { timeout: UI_TIMEOUT },
    );
    // Beta's own card shows its live output while alpha is still running in the background.
    const betaCard = page.getByTestId("tool-card-bash");
    await poll(() => betaCard.getByTestId("bash-output").textContent()).toContain("beta-output");
    await screenshot(page, "desktop-two-agents-streaming");

    // Alpha's chat, while it streams: its own card, its own output.
    await row("alpha").getByRole("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("alpha");
    await poll(() => page.getByTestId("tool-card-bash").getByTestId("bash-output").textContent()).toContain("alpha-output");

    // Both finish.
    for (const name of ["alpha", "beta"]) await row(name).and(page.locator("[data-state=idle]")).waitFor({ timeout: 30_000 });
    await page.getByTestId("message-assistant").and(page.locator("[data-status=complete]")).waitFor();

    for (const [name, other] of [
      ["alpha", "beta"],
      ["beta", "alpha"],
    ]) {
      await row(name).getByRole("button").first().click();
      await poll(() => page.getByTestId("workspace-title").textContent()).toBe(name);
      await chat().and(page.locator("[data-state=idle]")).waitFor();
      const cards = page.getByTestId("tool-card-bash");
      await poll(() => cards.count()).toBe(1);
      await poll(() => cards.getAttribute("data-state")).toBe("done");
      const output = (await cards.getByTestId("bash-output").textContent()) ?? "";
      expect(output).toContain(`${name}-output`);
      expect(output).toContain(`${name}-finished`);
      expect(output).not.toContain(other);
      await expect(cards.getByTestId("bash-exit-code").textContent()).resolves.toBe("exit 0");
      await poll(() => lastAssistantText(page)).toContain(`The ${name} task is done`);
    }
    await screenshot(page, "desktop-chat-tool-cards");
  });

  it("interrupting a long answer stops it, keeps the partial text and marks it interrupted", async () => {
    await row("alpha").getByRole("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("alpha");
    await send("now tell me a long story");
    const streaming = page.getByTestId("message-assistant").and(page.locator("[data-status=streaming]"));
    await streaming.waitFor();
    await poll(async () => ((await streaming.textContent()) ?? "").length).toBeGreaterThan(120);
    await page.getByTestId("interrupt-button").waitFor();
    // Esc in the composer interrupts the running turn.
    await page.getByTestId("composer-input").press("Escape");

    const stopped = page.getByTestId("message-assistant").last();
    await poll(() => stopped.getAttribute("data-status")).toBe("interrupted");
    await expect(stopped.getByTestId("message-interrupted").isVisible()).resolves.toBe(true);
    await row("alpha").and(page.locator("[data-state=idle]")).waitFor();
    await page.getByTestId("interrupt-button").waitFor({ state: "detached" });

    // The partial answer is kept: a prefix of the story, well short of its end.
    const kept = await lastAssistantText(page);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(STORY.length);
    expect(STORY.startsWith(kept)).toBe(true);
    // It is what the server stored too (a reload shows the same), and nothing ran on meanwhile.
    await page.reload();
    await page.getByTestId("message-assistant").last().and(page.locator("[data-status=interrupted]")).waitFor();
    expect(await lastAssistantText(page)).toBe(kept);
  });
});
