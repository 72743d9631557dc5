import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "jsonc-parser";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, lastAssistantText, poll, startApp } from "./harness.js";

declare const document: any;

/**
 * Settings → Providers in a real browser: keys typed in the UI land in providers.jsonc (the user's
 * comments kept), are never shown or sent back in full, and apply to the next message at once.
 */

const OPENAI_KEY = "sk-proj-browser-settings-OPENAI-7f3a9c2e41d8";
const COMPAT_KEY = "compat-browser-settings-KEY-5b8e0d6c93fa";
const PROVIDERS_JSONC = `// Mux providers, written by hand: KEEP-HEADER-COMMENT
{
  /* Local models: KEEP-BLOCK-COMMENT */
  "ollama": { "baseUrl": "http://127.0.0.1:11434/api" } // KEEP-TRAILING-COMMENT
}
`;

describe.skipIf(!hasChromium)("browser: provider settings", () => {
  let app: App;
  let page: Page;
  let workspaceId: string;
  /** Every WebSocket frame the page received / sent. */
  const received: string[] = [];
  const sent: string[] = [];
  const file = () => path.join(app.dirs.muxRoot, "providers.jsonc");

  beforeAll(async () => {
    // The fake provider accepts any key; the tests check which one each request carried.
    app = await startApp({
      key: null,
      before: (dirs) => fs.writeFileSync(path.join(dirs.muxRoot, "providers.jsonc"), PROVIDERS_JSONC),
    });
    app.fake.setResponder((req) => ({ text: `Hello from the fake ${req.protocol} server.`, chunkSize: 6, chunkDelayMs: 5 }));
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "keys-app"));
    workspaceId = (await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "keys" })).id;
    page = await app.open({
      hash: `#/w/${workspaceId}`,
      onPage: (p) =>
        p.on("websocket", (ws) => {
          ws.on("framereceived", (f) => received.push(String(f.payload)));
          ws.on("framesent", (f) => sent.push(String(f.payload)));
        }),
    });
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  /** The key is nowhere in the page: not in the markup, not in any field's value. */
  async function expectNotInPage(secret: string) {
    expect(await page.content()).not.toContain(secret);
    const values: string[] = await page.evaluate(() => [...document.querySelectorAll("input, textarea")].map((e: any) => e.value));
    expect(values.join("\n")).not.toContain(secret);
  }

  async function sendWithModel(model: string, text: string) {
    await page.getByTestId("model-picker").click();
    await page.getByTestId("model-picker-input").fill(model);
    await page.getByTestId(`model-option-${model}`).click();
    await poll(() => page.getByTestId("model-picker").textContent()).toContain(model);
    const input = page.getByTestId("composer-input");
    await input.fill(text);
    await input.press("Enter");
  }

  it("sets OpenAI's key and base URL: saved to providers.jsonc with the user's comments, masked in the UI", async () => {
    await page.keyboard.press("Control+Comma");
    const dialog = page.getByTestId("settings-dialog");
    await dialog.waitFor();
    const openai = dialog.getByTestId("provider-openai");
    await poll(() => openai.getByTestId("provider-openai-status").textContent()).toBe("needs a key");
    // Nothing listens at the Ollama URL in providers.jsonc: said so, not "ready".
    await poll(() => dialog.getByTestId("provider-ollama-status").textContent()).toBe("not reachable at http://127.0.0.1:11434/api");

    await openai.getByTestId("provider-openai-api-key").fill(OPENAI_KEY);
    await openai.getByTestId("provider-openai-base-url").fill(`${app.fake.url}/v1`);
    await dialog.getByTestId("providers-save").click();
    await dialog.getByTestId("providers-saved").waitFor();
    await poll(() => openai.getByTestId("provider-openai-status").textContent()).toBe("ready");

    // Masked, and said to come from the file.
    const source = (await openai.getByTestId("provider-openai-api-key-source").textContent()) ?? "";
    expect(source).toContain("providers.jsonc");
    expect(source).not.toContain(OPENAI_KEY);
    expect(source).toMatch(/…|\*{3}|•/);
    await expect(openai.getByTestId("provider-openai-base-url-source").textContent()).resolves.toContain(`${app.fake.url}/v1`);
    await openai.scrollIntoViewIfNeeded();
    await screenshot(page, "desktop-settings-dialog");
    await expectNotInPage(OPENAI_KEY);

    // On disk: the new settings, and every comment the user wrote.
    const text = fs.readFileSync(file(), "utf8");
    for (const c of ["KEEP-HEADER-COMMENT", "KEEP-BLOCK-COMMENT", "KEEP-TRAILING-COMMENT"]) expect(text).toContain(c);
    expect(parse(text)).toMatchObject({ ollama: { baseUrl: "http://127.0.0.1:11434/api" }, openai: { apiKey: OPENAI_KEY, baseUrl: `${app.fake.url}/v1` } });
  });

  it("the next message with an OpenAI model reaches the provider with the new key, without a restart", async () => {
    await page.keyboard.press("Escape");
    await page.getByTestId("settings-dialog").waitFor({ state: "detached" });
    const before = app.fake.requests.length;
    await sendWithModel("openai:gpt-5", "hello openai");
    await poll(() => lastAssistantText(page)).toBe("Hello from the fake openai-responses server.");
    const req = app.fake.requests.slice(before).find((r) => r.protocol === "openai-responses");
    expect(req?.path).toBe("/v1/responses");
    expect(req?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(req?.body.model).toBe("gpt-5");
  });

  it("adds a custom OpenAI-compatible provider that works at once", async () => {
    await page.keyboard.press("Control+Comma");
    const dialog = page.getByTestId("settings-dialog");
    await dialog.getByTestId("add-custom-provider").click();
    const form = dialog.getByTestId("custom-provider-form");
    await form.getByTestId("custom-provider-id").fill("fake-compat");
    await form.getByTestId("custom-provider-displayName").fill("Fake Compat");
    await form.getByTestId("custom-provider-baseUrl").fill(`${app.fake.url}/v1`);
    await form.getByTestId("custom-provider-apiKey").fill(COMPAT_KEY);
    await form.getByTestId("custom-provider-models").fill("fake-coder");
    await form.getByTestId("custom-provider-submit").click();
    const card = dialog.getByTestId("provider-fake-compat");
    await card.waitFor();
    await poll(() => card.getByTestId("provider-fake-compat-status").textContent()).toBe("ready");
    expect(await card.getByTestId("provider-fake-compat-api-key-source").textContent()).not.toContain(COMPAT_KEY);
    await expectNotInPage(COMPAT_KEY);
    const text = fs.readFileSync(file(), "utf8");
    expect(text).toContain("KEEP-HEADER-COMMENT");
    expect(parse(text)["fake-compat"]).toMatchObject({ providerType: "openai-compatible", apiKey: COMPAT_KEY, models: ["fake-coder"] });

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const before = app.fake.requests.length;
    await sendWithModel("fake-compat:fake-coder", "hello compat");
    await poll(() => lastAssistantText(page)).toBe("Hello from the fake openai-chat server.");
    const req = app.fake.requests.slice(before).find((r) => r.protocol === "openai-chat");
    expect(req?.path).toBe("/v1/chat/completions");
    expect(req?.headers.authorization).toBe(`Bearer ${COMPAT_KEY}`);
  });

  it("no key ever came back from the server over the WebSocket", async () => {
    expect(received.length).toBeGreaterThan(10);
    for (const secret of [OPENAI_KEY, COMPAT_KEY]) {
      expect(received.filter((f) => f.includes(secret))).toEqual([]);
      // The browser sent each key once: the save the user made.
      expect(sent.filter((f) => f.includes(secret))).toHaveLength(1);
    }
    await expectNotInPage(OPENAI_KEY);
    await expectNotInPage(COMPAT_KEY);
  });
});
