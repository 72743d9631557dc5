import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { isAssistantMessage, readUntil } from "../helpers/server.js";
import { type App, DEFAULT_KEY, poll, startApp } from "./harness.js";

/**
 * A workspace that used a priced and an unpriced model: the sidebar, the project's total and
 * the Costs panel show what is known, marked "+", and say why the rest is missing.
 */
describe.skipIf(!hasChromium)("browser: costs with an unknown part", () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await startApp({
      before: (dirs) =>
        fs.writeFileSync(
          path.join(dirs.muxRoot, "providers.jsonc"),
          JSON.stringify({ local: { providerType: "openai-compatible", baseUrl: "http://127.0.0.1:9/v1", apiKey: DEFAULT_KEY, models: ["m1"] } }),
        ),
    });
    const api = await app.api();
    // The unpriced model talks to the fake provider too.
    await api.providers.update({ id: "local", baseUrl: `${app.fake.url}/v1` });
    const repo = makeRepo(path.join(app.dirs.base, "costs-app"));
    await api.projects.add({ path: repo });
    const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "mixed" });
    for (const [model, usage] of [
      ["sonnet", { input: 100_000, output: 10_000 }],
      ["local:m1", { input: 5_000, output: 500 }],
    ] as const) {
      const stream = await api.chat.subscribe({ workspaceId: ws.id });
      await readUntil(stream, (i) => i.type === "caught-up");
      app.fake.enqueue({ text: "Done.", usage });
      await api.chat.send({ workspaceId: ws.id, text: "go", model });
      await readUntil(stream, isAssistantMessage);
      await stream.return?.();
    }
    page = await app.open({ hash: `#/w/${ws.id}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("the sidebar and the project's total show the known part with a +, and the tooltip says why", async () => {
    const cost = page.getByTestId("workspace-row-mixed").getByTestId("workspace-cost");
    await poll(() => cost.textContent()).toBe("$0.45+");
    expect(await cost.getAttribute("title")).toMatch(/^At least \$0\.45: .*without a price/);
    await poll(() => page.getByTestId("project-cost").textContent()).toBe("$0.45+");
  });

  it("the Costs panel shows the known total, marked incomplete, and which model has no price", async () => {
    await page.getByTestId("costs-button").click();
    const panel = page.getByTestId("costs-panel");
    await poll(() => panel.getByTestId("costs-total").textContent()).toBe("$0.45+");
    expect(await panel.getByTestId("costs-incomplete").textContent()).toMatch(/^At least this much: /);
    expect(await panel.getByTestId("costs-model-local:m1").textContent()).toContain("?");
    expect(await panel.getByTestId("costs-model-anthropic:claude-sonnet-4-5").textContent()).toContain("$0.45");
  });
});

/** A long agent session on Anthropic: most of its input came from the prompt cache. */
describe.skipIf(!hasChromium)("browser: what the prompt cache saved", () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "cache-app"));
    await api.projects.add({ path: repo });
    const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "cached" });
    const stream = await api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per million.
    app.fake.enqueue({ text: "Done.", usage: { input: 100_000, cached: 80_000, cacheWrite: 10_000, output: 1_000 } });
    await api.chat.send({ workspaceId: ws.id, text: "go", model: "sonnet" });
    await readUntil(stream, isAssistantMessage);
    await stream.return?.();
    page = await app.open({ hash: `#/w/${ws.id}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("the Costs panel shows the share of input read from the cache and the dollars that saved", async () => {
    await page.getByTestId("costs-button").click();
    const panel = page.getByTestId("costs-panel");
    // $0.1065 paid instead of $0.315 with every input token at full price.
    await poll(() => panel.getByTestId("costs-total").textContent()).toBe("$0.11");
    expect(await panel.getByTestId("costs-cache-ratio").textContent()).toBe("80%");
    expect(await panel.getByTestId("costs-cache-saved").textContent()).toBe("$0.21");
    expect(await panel.getByTestId("costs-cache").textContent()).toContain("10k written");
  });
});
