import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { SUMMARY, writeOriginalChat } from "../helpers/originalChat.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * A workspace whose chat the original Mux wrote (its chat.jsonl and partial.json placed in the
 * workspace's session directory before the server starts) opens showing that history.
 */
describe.skipIf(!hasChromium)("browser: a chat the original Mux wrote", () => {
  let app: App;
  let page: Page;
  let sessionDir: string;
  let chatBefore: string;

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "original-app"));
        const created = await runMux(["workspace", "create", "carried", "--project", repo, "--runtime", "local", "--json"], {
          env: { MUX_ROOT: dirs.muxRoot },
        });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        sessionDir = path.join(dirs.muxRoot, "sessions", JSON.parse(created.stdout).id);
        chatBefore = writeOriginalChat(sessionDir);
      },
    });
    page = await app.open();
    await page.getByTestId("workspace-row-carried").getByRole("button").first().click();
  });

  afterAll(async () => {
    await app?.close();
  });

  const message = (id: string) => page.locator(`[data-message-id="${id}"]`);

  it("shows its text and its tool calls in Mux's tool cards, with their output", async () => {
    const answer = message("a-test");
    await poll(() => answer.isVisible()).toBe(true);
    await expect(answer.textContent()).resolves.toContain("The test fails for now.");
    const bash = answer.getByTestId("tool-card-bash");
    await expect(bash.getAttribute("data-state")).resolves.toBe("error");
    await expect(bash.getByTestId("bash-command").textContent()).resolves.toContain("npm test");
    await expect(bash.getByTestId("bash-output").textContent()).resolves.toContain("FAIL demo.test.ts");
    await expect(bash.getByTestId("bash-exit-code").textContent()).resolves.toBe("exit 1");
    // A tool Mux does not have gets the generic card, input and output shown.
    await expect(answer.getByTestId("tool-card-memory_read").count()).resolves.toBe(1);
    // The image the user attached.
    await expect(message("u-test").getByTestId("file-image").count()).resolves.toBe(1);
  });

  it("shows the compaction as a divider above the summary", async () => {
    const divider = message("a-summary").locator("xpath=..").getByTestId("context-boundary");
    await poll(() => divider.isVisible()).toBe(true);
    await expect(divider.getAttribute("data-kind")).resolves.toBe("compaction");
    await expect(message("a-summary").textContent()).resolves.toContain(SUMMARY);
  });

  it("shows a part it does not know collapsed, its raw JSON on demand", async () => {
    const raw = message("a-test").getByTestId("raw-part");
    await expect(raw.textContent()).resolves.toContain('unknown part "source-url"');
    await expect(raw.getByTestId("raw-part-json").count()).resolves.toBe(0);
    await raw.getByRole("button").click();
    await expect(raw.getByTestId("raw-part-json").textContent()).resolves.toContain('"sourceId": "src-1"');
    await screenshot(page, "desktop-original-chat");
  });

  it("shows the answer its partial.json held as interrupted, without continuing it or touching the files", async () => {
    const partial = message("a-partial");
    await poll(() => partial.isVisible()).toBe(true);
    await expect(partial.getAttribute("data-status")).resolves.toBe("interrupted");
    await expect(partial.getByTestId("message-interrupted").count()).resolves.toBe(1);
    await expect(page.getByTestId("chat-view").getAttribute("data-state")).resolves.toBe("idle");
    expect(app.fake.requests).toHaveLength(0);
    expect(fs.readFileSync(path.join(sessionDir, "chat.jsonl"), "utf8")).toBe(chatBefore);
    expect(fs.existsSync(path.join(sessionDir, "partial.json"))).toBe(true);
  });
});
