import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskReport } from "../../src/tools/types.js";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { commitScript, scripted } from "../helpers/subagentScript.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * Sub-agents in the web app: a workspace's agent starts two helpers; they appear nested under it
 * in the sidebar while they work, and a helper's chat opens like any workspace's.
 */
describe.skipIf(!hasChromium)("browser: helpers nested under their parent", () => {
  let app: App;
  let page: Page;
  let gate: string;

  beforeAll(async () => {
    app = await startApp();
    gate = path.join(app.dirs.base, "gate");
    // The helpers wait for the gate file, so the test sees them working before they report.
    const helper = (file: string) => (c: { results: unknown[] }) =>
      c.results.length === 0
        ? { toolCalls: [{ name: "bash", args: { script: `timeout 60 sh -c 'until [ -f ${gate} ]; do sleep 0.05; done' && ${commitScript(file, file)}` } }] }
        : { text: `wrote ${file}` };
    app.fake.setResponder(
      scripted({
        "PARENT-UI": (c) =>
          c.results.length === 0
            ? {
                toolCalls: [
                  { name: "task", args: { title: "Docs helper", prompt: "CHILD-DOCS: write docs.txt" } },
                  { name: "task", args: { title: "Tests helper", prompt: "CHILD-TESTS: write tests.txt" } },
                ],
              }
            : { text: `Both helpers reported: ${(c.results as TaskReport[]).map((r) => r.reportMarkdown).join(", ")}` },
        "CHILD-DOCS": helper("docs.txt"),
        "CHILD-TESTS": helper("tests.txt"),
        "PARENT-BG": (c) => {
          if (c.results.length === 0)
            return { toolCalls: [{ name: "task", args: { title: "Notes helper", prompt: "CHILD-BG: write notes.txt", run_in_background: true } }] };
          if (c.results.length === 1) return { toolCalls: [{ name: "task_await", args: {} }] };
          return { text: "The notes helper reported." };
        },
        "CHILD-BG": helper("notes.txt"),
      }),
    );
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("shows the helpers under their parent with live status, and opens a helper's chat", async () => {
    const repo = makeRepo(path.join(app.dirs.base, "sub-app"));
    const api = await app.api();
    const parent = await api.workspaces.create({ projectPath: repo, runtime: { type: "worktree" }, name: "lead" });
    await api.chat.send({ workspaceId: parent.id, text: "PARENT-UI: split it", model: "sonnet" });

    const nested = page.locator(`[data-parent-id="${parent.id}"]`);
    await poll(() => nested.count()).toBe(2);
    const rows = await page
      .locator("li[data-workspace-id]")
      .evaluateAll((els: any[]) => els.map((el) => [el.dataset.testid, el.dataset.depth, el.dataset.state]));
    // Right under the parent, one level in, both working at once.
    const at = rows.findIndex((r) => r[0] === "workspace-row-lead");
    expect(rows[at][1]).toBe("0");
    // (Made in whichever order their creation finished.)
    expect(
      rows
        .slice(at + 1, at + 3)
        .map((r) => [r[0], r[1]])
        .sort(),
    ).toEqual([
      ["workspace-row-docs-helper", "1"],
      ["workspace-row-tests-helper", "1"],
    ]);
    await poll(() => nested.evaluateAll((els: any[]) => els.map((el) => el.dataset.state))).toEqual(["streaming", "streaming"]);
    await screenshot(page, "desktop-subagents-nested");

    // A helper's chat opens like any workspace's, its bash call shown while it waits.
    await page.getByTestId("workspace-row-docs-helper").locator("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("docs-helper");
    await page.getByTestId("chat-view").getByText("CHILD-DOCS: write docs.txt").waitFor();

    fs.writeFileSync(gate, "go\n");
    await poll(() => nested.evaluateAll((els: any[]) => els.map((el) => el.dataset.state))).toEqual(["idle", "idle"]);
    await page.getByTestId("message-assistant").getByText("wrote docs.txt").waitFor();
    await poll(async () => (await api.workspaces.list()).find((w) => w.id === parent.id)?.activity.state).toBe("idle");
    const children = (await api.workspaces.list()).filter((w) => w.parentWorkspaceId === parent.id);
    expect(children.map((w) => w.taskStatus)).toEqual(["reported", "reported"]);

    // The parent's chat shows each helper's report as a card that opens the helper's workspace.
    await page.getByTestId("workspace-row-lead").locator("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("lead");
    const cards = page.getByTestId("tool-card-task");
    await poll(() => cards.count()).toBe(2);
    const docs = cards.filter({ hasText: "Docs helper" });
    await docs.locator("button").first().click();
    await docs.getByTestId("task-report").getByText("wrote docs.txt").waitFor();
    await docs.getByTestId("task-open-workspace").click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("docs-helper");
  });

  it("a background helper: its card says where it works, the await card waits, then shows its report", async () => {
    fs.rmSync(gate, { force: true });
    const repo = makeRepo(path.join(app.dirs.base, "bg-app"));
    const api = await app.api();
    const parent = await api.workspaces.create({ projectPath: repo, runtime: { type: "worktree" }, name: "bg-lead" });
    await page.getByTestId("workspace-row-bg-lead").locator("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("bg-lead");
    await api.chat.send({ workspaceId: parent.id, text: "PARENT-BG: take notes", model: "sonnet" });

    const started = page.getByTestId("tool-card-task").filter({ hasText: "Notes helper" });
    await started.waitFor();
    await started.locator("button").first().click();
    await started.getByTestId("task-background").waitFor();
    const awaiting = page.getByTestId("tool-card-task_await");
    await poll(() => awaiting.textContent()).toContain("waiting…");
    await poll(() => page.locator(`[data-parent-id="${parent.id}"]`).evaluateAll((els: any[]) => els.map((el) => el.dataset.state))).toEqual(["streaming"]);

    fs.writeFileSync(gate, "go\n");
    await poll(() => awaiting.textContent()).toContain("1 report");
    await awaiting.locator("button").first().click();
    await awaiting.getByTestId("task-await-report").getByText("wrote notes.txt").waitFor();
    await page.getByTestId("message-assistant").getByText("The notes helper reported.").waitFor();
    // The cards the user opened stay open once the turn ends and its message is saved.
    await started.getByTestId("task-background").waitFor();
    await screenshot(page, "desktop-subagents-background");
    await awaiting.getByTestId("task-open-workspace").click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("notes-helper");
  });
});
