import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../fake-provider/index.js";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { recordsOf } from "../helpers/originalRegistry.js";
import { type App, DEFAULT_KEY, lastAssistantText, poll, startApp } from "./harness.js";

/**
 * Each workspace keeps its own model, thinking level and mode: a pick in one never shows up in
 * another, it is what the provider receives, and the server keeps it (another browser sees it).
 * A new workspace starts from the last pick.
 */

const DEFAULT_MODEL = "anthropic:claude-sonnet-4-5";

describe.skipIf(!hasChromium)("browser: per-workspace model settings", () => {
  let app: App;
  let page: Page;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Anthropic (the default model's provider) and OpenAI both point at the fake provider.
    app = await startApp({ env: (url) => ({ OPENAI_API_KEY: DEFAULT_KEY, OPENAI_BASE_URL: `${url}/v1` }) });
    app.fake.setResponder((req) => ({ text: `Answered by the fake ${req.protocol} server.`, chunkSize: 8, chunkDelayMs: 5 }));
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "models-app"));
    for (const name of ["alpha", "beta"]) ids[name] = (await api.workspaces.create({ projectPath: repo, name, runtime: { type: "local" } })).id;
    page = await app.open({ hash: `#/w/${ids.beta}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  const chatOf = (p: Page, name: string) => p.locator(`[data-testid=chat-view][data-workspace-id="${ids[name]}"][data-state=idle]`);
  async function open(p: Page, name: string) {
    await p.getByTestId(`workspace-row-${name}`).getByRole("button").first().click();
    await chatOf(p, name).waitFor();
  }
  /** What the composer shows: model, thinking level, mode. */
  async function shown(p: Page) {
    return {
      model: (await p.getByTestId("model-picker").textContent())?.trim(),
      thinking: await p.getByTestId("thinking-select").inputValue(),
      mode: await p.getByTestId("mode-toggle").getAttribute("data-mode"),
    };
  }
  /** Sends `text` and returns the request the fake provider received for it. */
  async function send(p: Page, text: string): Promise<RecordedRequest> {
    const input = p.getByTestId("composer-input");
    await input.fill(text);
    await input.press("Enter");
    await poll(() => lastAssistantText(p)).toMatch(/^Answered by the fake/);
    const req = app.fake.requests.find((r) => JSON.stringify(r.body).includes(text));
    expect(req, `no request carried "${text}"`).toBeDefined();
    return req!;
  }

  it("names the model that will answer, not 'default model'", async () => {
    await chatOf(page, "beta").waitFor();
    await poll(() => shown(page)).toEqual({ model: DEFAULT_MODEL, thinking: "medium", mode: "exec" });
    expect(await page.getByTestId("model-picker").getAttribute("aria-label")).toBe(`Model: ${DEFAULT_MODEL}`);
  });

  it("a model, thinking level and mode picked in one workspace do not change another", async () => {
    await page.getByTestId("model-picker").click();
    await page.getByTestId("model-picker-input").fill("gpt-5-mini");
    await page.getByTestId("model-option-openai:gpt-5-mini").click();
    await page.getByTestId("thinking-select").selectOption("high");
    await page.getByTestId("mode-toggle").click();
    await poll(() => shown(page)).toEqual({ model: "openai:gpt-5-mini", thinking: "high", mode: "plan" });
    await screenshot(page, "desktop-workspace-model-picked");

    // Alpha was on the default all along, and still is: shown and sent.
    await open(page, "alpha");
    await poll(() => shown(page)).toEqual({ model: DEFAULT_MODEL, thinking: "medium", mode: "exec" });
    const alpha = await send(page, "hello from alpha");
    expect(alpha.protocol).toBe("anthropic");
    expect(alpha.body.model).toBe("claude-sonnet-4-5");
    await expect(lastAssistantText(page)).resolves.toBe("Answered by the fake anthropic server.");

    // Beta kept its picks, and sends with them.
    await open(page, "beta");
    await poll(() => shown(page)).toEqual({ model: "openai:gpt-5-mini", thinking: "high", mode: "plan" });
    const beta = await send(page, "hello from beta");
    expect(beta.protocol).toBe("openai-responses");
    expect(beta.body.model).toBe("gpt-5-mini");

    // And alpha is still untouched after beta's send.
    await open(page, "alpha");
    await poll(() => shown(page)).toEqual({ model: DEFAULT_MODEL, thinking: "medium", mode: "exec" });
  });

  it("the server keeps each workspace's picks: another browser (nothing in its storage) shows them", async () => {
    const other = await app.open({ context: await newContext(app.browser), hash: `#/w/${ids.beta}` });
    try {
      await chatOf(other, "beta").waitFor();
      await poll(() => shown(other)).toEqual({ model: "openai:gpt-5-mini", thinking: "high", mode: "plan" });
      await open(other, "alpha");
      await poll(() => shown(other)).toEqual({ model: DEFAULT_MODEL, thinking: "medium", mode: "exec" });
    } finally {
      await other.context().close();
    }
    // Saved where the original Mux reads them too (the shared registry format).
    const records = recordsOf(JSON.parse(fs.readFileSync(path.join(app.dirs.muxRoot, "config.json"), "utf8")));
    const record = (name: string) => records.get(ids[name]);
    expect(record("beta")).toMatchObject({ aiSettings: { model: "openai:gpt-5-mini", thinkingLevel: "high" }, mode: "plan" });
    expect(record("alpha")).not.toHaveProperty("aiSettings");
  });

  it("a new workspace starts from the last model and thinking level picked (in exec mode)", async () => {
    await page.getByTestId("new-workspace-button").click();
    const dialog = page.getByTestId("new-workspace-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("runtime-local").click();
    // The suggested name is in first: a suggestion landing mid-fill would join the two.
    await poll(() => page.getByTestId("new-workspace-name").inputValue()).not.toBe("");
    await page.getByTestId("new-workspace-name").fill("gamma");
    await page.getByTestId("new-workspace-submit").click();
    await dialog.waitFor({ state: "detached" });
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("gamma");
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
    await poll(() => shown(page)).toEqual({ model: "openai:gpt-5-mini", thinking: "high", mode: "exec" });
    const gamma = await send(page, "hello from gamma");
    expect(gamma.body.model).toBe("gpt-5-mini");
  });
});
