import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * A project with agents of its own: the composer's mode switch becomes an agent picker, a pick
 * is what the next request runs as (tools, instructions, model), and it stays picked after a reload.
 */

describe.skipIf(!hasChromium)("browser: custom agents in the composer", () => {
  let app: App;
  let repo: string;
  let workspaceId: string;

  beforeAll(async () => {
    app = await startApp();
    app.fake.setResponder(() => ({ text: "Answered by the fake server.", chunkSize: 8, chunkDelayMs: 5 }));
    repo = makeRepo(path.join(app.dirs.base, "agents-app"));
    fs.mkdirSync(path.join(repo, ".mux", "agents"), { recursive: true });
    fs.writeFileSync(
      path.join(repo, ".mux", "agents", "review.md"),
      "---\nname: Review\ndescription: Reads, never edits\nbase: exec\nai:\n  thinkingLevel: low\ntools:\n  remove: [bash, file_write, file_edit_.*]\n---\nYou are REVIEW-AGENT.\n",
    );
    const api = await app.api();
    workspaceId = (await api.workspaces.create({ projectPath: repo, name: "agents", runtime: { type: "local" } })).id;
  });

  afterAll(async () => {
    await app?.close();
  });

  async function sendAndGetRequest(page: Page, text: string) {
    const input = page.getByTestId("composer-input");
    await input.fill(text);
    await input.press("Enter");
    const carrying = () => app.fake.requests.find((r) => JSON.stringify(r.body).includes(text));
    await poll(() => carrying() !== undefined).toBe(true);
    await poll(() => page.locator("[data-testid=chat-view][data-state=idle]").count()).toBe(1);
    return carrying()!;
  }
  const toolNames = (body: { tools?: { name: string }[] }) => (body.tools ?? []).map((t) => t.name).sort();

  it("offers the project's agent beside Exec and Plan; picking it changes the request and survives a reload", { timeout: 120_000 }, async () => {
    const page = await app.open({ hash: `#/w/${workspaceId}` });
    const picker = page.getByTestId("agent-select");
    await picker.waitFor();
    expect(await picker.locator("option").allTextContents()).toEqual(["Review · project", "Exec", "Plan"]);
    await picker.selectOption("review");
    await poll(() => page.getByTestId("thinking-select").inputValue()).toBe("low");
    await screenshot(page, "desktop-agent-picker");

    const req = await sendAndGetRequest(page, "review the code please");
    expect(toolNames(req.body)).toEqual([
      "ask_user_question",
      "file_read",
      "glob",
      "grep",
      "task",
      "task_apply_git_patch",
      "task_await",
      "todo_write",
      "web_fetch",
    ]);
    expect(JSON.stringify(req.body.system)).toContain("REVIEW-AGENT");

    await page.reload();
    await poll(() => page.getByTestId("agent-select").inputValue()).toBe("review");
    await poll(() => page.getByTestId("agent-select").locator("option").allTextContents()).toEqual(["Review · project", "Exec", "Plan"]);
    // Ctrl+Shift+M steps through the agents: Review → Exec.
    await page.keyboard.press("Control+Shift+M");
    await poll(() => page.getByTestId("agent-select").inputValue()).toBe("exec");
    // On Exec the next request has every tool again.
    const back = await sendAndGetRequest(page, "now change it");
    expect(toolNames(back.body)).toContain("bash");
    expect(JSON.stringify(back.body.system)).not.toContain("REVIEW-AGENT");
    await page.context().close();
  });

  it("on a phone (390 px) the picker fits in the composer and a broken agent file shows a warning naming it", async () => {
    fs.writeFileSync(path.join(repo, ".mux", "agents", "broken.md"), "---\nname: [\n---\n");
    try {
      const phone = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
      const picker = phone.getByTestId("agent-select");
      await picker.waitFor();
      const box = await picker.boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(390);
      const warning = phone.getByTestId("agent-problems");
      await warning.waitFor();
      expect(await warning.getAttribute("title")).toMatch(/broken\.md:2: /);
      await screenshot(phone, "phone-agent-picker");
      await phone.context().close();
    } finally {
      fs.rmSync(path.join(repo, ".mux", "agents", "broken.md"));
    }
  });
});
