import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { type App, lastUserText, poll, startApp } from "./harness.js";

declare const getComputedStyle: (el: unknown) => { color: string };

const APP_TS = ["export function greet(name: string) {", "  return `hello ${name}`;", "}", ""].join("\n");
const LONG_TS = `${Array.from({ length: 40 }, (_, i) => `export const line${i + 1} = ${i + 1};`).join("\n")}\n`;

/**
 * The review pane on a real worktree: the file and its hunk show, a new edit appears by itself,
 * a hunk is marked reviewed, and a comment on a selected line reaches the model with the next
 * message as `path:line`, the quoted line and the note.
 */
describe.skipIf(!hasChromium)("browser: review pane", () => {
  let app: App;
  let page: Page;
  let worktree: string;
  let workspaceId: string;
  let repo: string;

  beforeAll(async () => {
    app = await startApp();
    const api = await app.api();
    repo = makeRepo(path.join(app.dirs.base, "review-app"), { "src/app.ts": APP_TS, "src/long.ts": LONG_TS, "README.md": "# app\n" });
    await api.projects.add({ path: repo });
    const ws = await api.workspaces.create({ projectPath: repo, name: "reviewed" });
    workspaceId = ws.id;
    worktree = (ws.runtime as { path: string }).path;
    fs.writeFileSync(
      path.join(worktree, "src/app.ts"),
      APP_TS.replace("  return `hello ${name}`;", "  const answer = 42;\n  return `hello ${name} ${answer}`;"),
    );
    fs.writeFileSync(path.join(worktree, "NOTES.md"), "untracked notes\n");
    page = await app.open({ context: await newContext(app.browser), hash: `#/w/${ws.id}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  const file = (p: string) => page.locator(`[data-testid=review-file][data-path="${p}"]`);

  it("shows the changed files in a tree and the hunk of each, untracked ones included", async () => {
    await page.getByTestId("review-button").click();
    await file("src/app.ts").waitFor();
    await poll(() => page.getByTestId("tree-file").evaluateAll((els) => els.map((e) => e.getAttribute("data-path")))).toEqual(["NOTES.md", "src/app.ts"]);
    await page.getByTestId("diff-line").filter({ hasText: "const answer = 42;" }).waitFor();
    expect(await page.getByTestId("review-counter").textContent()).toBe("0 of 2 hunks reviewed");
    // Coloured by the highlighting worker: the keyword is a token of its own, with a theme colour.
    const keyword = page
      .getByTestId("diff-line")
      .filter({ hasText: "const answer = 42;" })
      .locator(".tok", { hasText: /^const$/ });
    await keyword.waitFor();
    expect(await keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(
      await page.getByTestId("review-diff").evaluate((el) => getComputedStyle(el).color),
    );
    await screenshot(page, "review-pane");
  });

  it("refreshes by itself when the file changes, and a hunk can be marked reviewed", async () => {
    fs.appendFileSync(path.join(worktree, "src/app.ts"), "export const added = true;\n");
    await page.getByTestId("diff-line").filter({ hasText: "export const added = true;" }).waitFor();
    await page.getByTestId("review-untracked").uncheck();
    await poll(() => page.getByTestId("tree-file").count()).toBe(1);
    await page.getByTestId("hunk-mark").first().click();
    await poll(() => page.getByTestId("review-counter").textContent()).toBe("1 of 1 hunks reviewed");
    await page.getByTestId("review-untracked").check();
    await poll(() => page.getByTestId("review-counter").textContent()).toBe("1 of 2 hunks reviewed");
  });

  it("a comment on a selected line goes to the model with the next message", async () => {
    await page.getByTestId("diff-line").filter({ hasText: "const answer = 42;" }).click();
    await page.keyboard.press("c");
    await page.getByTestId("comment-input").fill("Name this constant after what it means.");
    await page.getByTestId("comment-input").press("Enter");
    await poll(() => page.getByTestId("comment-chip").textContent()).toContain("src/app.ts:2");

    app.fake.enqueue({ text: "Renamed it." });
    await page.getByTestId("composer-input").fill("Please address my review.");
    await page.getByTestId("composer-input").press("Enter");
    await poll(() => app.fake.requests.length).toBeGreaterThan(0);
    const said = lastUserText(app.fake.requests[app.fake.requests.length - 1]);
    expect(said).toContain("Please address my review.");
    expect(said).toContain("src/app.ts:2\n> +  const answer = 42;\nName this constant after what it means.");
    await poll(() => page.getByTestId("comment-chip").count()).toBe(0);
    // Kept in the chat like any message.
    await poll(() => page.getByTestId("message-user").last().textContent()).toContain("src/app.ts:2");
  });

  it("keys move between hunks and files and mark them; the palette lists the review's commands", async () => {
    fs.writeFileSync(path.join(worktree, "src/long.ts"), LONG_TS.replace("line5 = 5", "line5 = 500").replace("line30 = 30", "line30 = 3000"));
    await file("src/long.ts").waitFor();
    await page.getByTestId("diff-line").filter({ hasText: "untracked notes" }).click();
    const cursor = () => page.locator("[data-testid=diff-line][data-selected]").first().textContent();
    await page.keyboard.press("n");
    await poll(cursor).toContain("export function greet");
    await page.keyboard.press("n");
    await poll(cursor).toContain("export const line2 = 2;");
    await page.keyboard.press("n");
    await poll(cursor).toContain("export const line27 = 27;");
    await page.keyboard.press("p");
    await poll(cursor).toContain("export const line2 = 2;");
    await page.keyboard.press("r");
    await poll(() => page.getByTestId("review-counter").textContent()).toBe("2 of 4 hunks reviewed");
    await page.keyboard.press("Shift+P");
    await poll(cursor).toContain("export function greet");
    await page.keyboard.press("Shift+N");
    await poll(cursor).toContain("export const line2 = 2;");
    await page.keyboard.press("Shift+R");
    await poll(() => page.getByTestId("review-counter").textContent()).toBe("3 of 4 hunks reviewed");

    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-palette-input").fill("Review: next");
    await page.getByTestId("command-item-review-next-file").waitFor();
    await page.getByTestId("command-item-review-next-hunk").waitFor();
    await page.keyboard.press("Escape");
  });

  it("shows the whole file and side by side; reverts a hunk after a second click", async () => {
    const long = file("src/long.ts");
    await long.getByTestId("whole-file").click();
    // Context lines revealed around the hunks are coloured like the hunks' own.
    await page
      .getByTestId("diff-line")
      .filter({ hasText: "export const line17 = 17;" })
      .locator(".tok", { hasText: /^export$/ })
      .waitFor();
    await page.getByTestId("review-split").click();
    // Side by side: the old and the new line on one row.
    await poll(() => page.getByTestId("diff-line").filter({ hasText: "line5 = 500" }).textContent()).toMatch(/line5 = 5;.*line5 = 500;/);
    await page.getByTestId("review-split").click();

    const hunk = page.getByTestId("review-hunk").filter({ hasText: "@@ -27,7 +27,7 @@" });
    await hunk.getByTestId("hunk-revert").click();
    expect(fs.readFileSync(path.join(worktree, "src/long.ts"), "utf8")).toContain("line30 = 3000");
    await poll(() => hunk.getByTestId("hunk-revert").textContent()).toBe("Confirm revert");
    await hunk.getByTestId("hunk-revert").click();
    await poll(() => fs.readFileSync(path.join(worktree, "src/long.ts"), "utf8")).toBe(LONG_TS.replace("line5 = 5", "line5 = 500"));
    await poll(() => page.getByTestId("review-hunk").filter({ hasText: "@@ -27,7 +27,7 @@" }).count()).toBe(0);
  });

  it("on a phone the review is a full-screen view", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
    await phone.getByTestId("review-button").click();
    await phone.locator('[data-testid=review-file][data-path="src/app.ts"]').waitFor();
    const box = await phone.getByTestId("right-panel").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390 });
    await screenshot(phone, "review-phone");
    await phone.close();
  });

  it("opening the tab asks for the changes at once, while the pane's code still loads; a failed load offers a retry", async () => {
    const context = await newContext(app.browser);
    // The pane's code: refused at first, then held until the test lets it through.
    let refuse = true;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await context.route(/\/assets\/ReviewPane-[^/]*\.js$/, async (route) => {
      if (refuse) return route.abort();
      await held;
      await route.continue();
    });
    const summaries: string[] = [];
    const onFrame = (f: { payload: string | Buffer }) => typeof f.payload === "string" && f.payload.includes("review/summary") && summaries.push(f.payload);
    const fresh = await app.open({ context, hash: `#/w/${workspaceId}`, onPage: (p) => p.on("websocket", (ws) => ws.on("framesent", onFrame)) });
    await fresh.getByTestId("chat-view").waitFor();
    await fresh.getByTestId("review-button").click();
    await fresh.getByText("The review could not be loaded.").waitFor();
    refuse = false;
    await fresh.getByRole("button", { name: "Retry" }).click();
    await fresh.getByTestId("right-panel").getByText("Loading…").waitFor();
    // Closed and opened again while the code is held: the request goes out with the click.
    await fresh.getByTestId("review-close").click();
    const before = summaries.length;
    await fresh.getByTestId("review-button").click();
    await poll(() => summaries.length).toBeGreaterThan(before);
    expect(await fresh.getByTestId("review-pane").count()).toBe(0);
    release();
    await fresh.locator('[data-testid=review-file][data-path="src/app.ts"]').waitFor();
    await fresh.getByTestId("diff-line").filter({ hasText: "const answer = 42;" }).waitFor();
    await context.close();
  });

  it("mid-merge, a file left in conflict is flagged and its conflict markers stand out", async () => {
    commitFile(worktree, "README.md", "# app, as the agent has it\n", "agent edits the readme");
    commitFile(repo, "README.md", "# app, as trunk has it\n", "trunk edits the readme");
    expect(() => gitIn(worktree, "merge", "-q", "main")).toThrow();
    await page.locator('[data-testid=tree-file][data-path="README.md"] [data-testid=tree-conflicted]').waitFor({ timeout: 30_000 });
    await file("README.md").getByTestId("file-conflicted").waitFor();
    const markers = page.locator("[data-testid=diff-line][data-conflict-marker]");
    await poll(() => markers.allTextContents()).toEqual([
      expect.stringContaining("<<<<<<< HEAD"),
      expect.stringContaining("======="),
      expect.stringContaining(">>>>>>> main"),
    ]);
    // The lines between the markers are plain added lines.
    expect(await page.getByTestId("diff-line").filter({ hasText: "# app, as trunk has it" }).getAttribute("data-conflict-marker")).toBeNull();
    await page.locator('[data-testid=tree-file][data-path="README.md"]').click();
    await screenshot(page, "review-conflict");
  });
});
