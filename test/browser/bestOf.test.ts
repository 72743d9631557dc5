import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countToolResults, type RecordedRequest } from "../fake-provider/index.js";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { type App, lastUserText, poll, startApp } from "./harness.js";

/**
 * Best-of-N from the composer in a real browser: two new workspaces run one prompt against the
 * fake provider, the compare view shows both with their changed files and cost, and the sidebar
 * marks them as overlapping (both edit README.md, differently).
 */

const PROMPT = "best-of: add a line to the readme";

let runs = 0;
/** Each agent appends its own line to README.md (so the two conflict), writes the same result.txt, and commits. */
function respond(req: RecordedRequest) {
  if (countToolResults(req) > 0) return { text: "Added." };
  const script = [
    `printf 'a line from agent ${++runs}\\n' >> README.md`,
    "echo done > result.txt",
    "git add -A",
    "git -c user.name=agent -c user.email=agent@x commit -qm 'agent work'",
  ].join(" && ");
  return { toolCalls: [{ name: "bash", args: { script } }] };
}

describe.skipIf(!hasChromium)("browser: best-of-N and the overlap badge", () => {
  let app: App;
  let page: Page;
  let origin: string;
  let repo: string;
  /** The two runs' workspaces. */
  let names: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    app.fake.setResponder(respond);
    repo = makeRepo(path.join(app.dirs.base, "bestof-app"), { "README.md": "# app\n" });
    const api = await app.api();
    await api.projects.add({ path: repo });
    origin = (await api.workspaces.create({ projectPath: repo, name: "origin", runtime: { type: "worktree" } })).id;
    page = await app.open({ hash: `#/w/${origin}` });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("launches the prompt in two workspaces from the composer and compares them", async () => {
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
    await page.getByTestId("composer-input").fill(PROMPT);
    await page.getByTestId("best-of-button").click();
    const dialog = page.getByTestId("best-of-dialog");
    await poll(() => dialog.getByTestId("best-of-prompt").inputValue()).toBe(PROMPT);
    await expect(dialog.getByTestId("best-of-count").inputValue()).resolves.toBe("2");
    await dialog.getByTestId("best-of-submit").click();

    const compare = page.getByTestId("compare-dialog");
    await compare.waitFor();
    // The prompt went out: the composer is empty again.
    await poll(() => page.getByTestId("composer-input").inputValue()).toBe("");
    const rows = compare.locator("[data-testid^=compare-row-]");
    await poll(() => rows.count()).toBe(2);
    // Both ran against the fake provider and finished: files changed (README.md, result.txt) and a cost.
    await poll(() => compare.locator("[data-testid^=compare-row-][data-state=idle]").count(), { timeout: 60_000 }).toBe(2);
    await poll(() => rows.getByTestId("compare-files").allTextContents(), { timeout: 30_000 }).toEqual(["2", "2"]);
    for (const cost of await rows.getByTestId("compare-cost").allTextContents()) expect(cost).toMatch(/^\$\d/);
    for (const lines of await rows.getByTestId("compare-lines").allTextContents()) expect(lines).toBe("+2 −0");
    await screenshot(page, "desktop-compare-best-of");
    const firsts = app.fake.requests.filter((r) => countToolResults(r) === 0 && lastUserText(r) === PROMPT);
    expect(firsts).toHaveLength(2);

    // Opening a row goes to that workspace.
    names = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")))).map((t) => (t ?? "").replace("compare-row-", ""));
    const name = names[0];
    await rows.first().getByTestId("compare-open").click();
    await compare.waitFor({ state: "detached" });
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe(name);
    await page.getByTestId("compare-button").waitFor();
  });

  it("marks the two workspaces that edit the same file in the sidebar, and lists the file", async () => {
    const badges = page.locator("[data-testid^=workspace-row-] [data-testid=overlap-badge]");
    await poll(() => badges.count(), { timeout: 30_000 }).toBe(2);
    // Each appended its own line at the same place: README.md conflicts; result.txt is the same in both.
    await expect(badges.first().getAttribute("data-conflict")).resolves.toBe("true");
    await expect(badges.first().getAttribute("title")).resolves.toMatch(/^Would conflict with .*-\d \(2 files\)$/);
    await expect(page.getByTestId("workspace-row-origin").getByTestId("overlap-badge").count()).resolves.toBe(0);
    await page.getByTestId("overlap-button").click();
    const popover = page.getByTestId("overlap-popover");
    await poll(() => popover.locator("li").allTextContents()).toEqual(["README.md(conflict)", "result.txt"]);
    await screenshot(page, "desktop-overlap-popover");
    await page.keyboard.press("Escape");

    // The review names the other workspace beside each file both change, in the tree and the file's header.
    const other = (await page.getByTestId("workspace-title").textContent()) === names[0] ? names[1] : names[0];
    await page.getByTestId("review-button").click();
    const treeMark = page.locator('[data-testid=tree-file][data-path="README.md"] [data-testid=tree-overlap]');
    await poll(() => treeMark.locator("[aria-hidden]").textContent(), { timeout: 30_000 }).toBe(`⇄ ${other}`);
    await expect(treeMark.getAttribute("data-conflict")).resolves.toBe("true");
    await expect(page.locator('[data-testid=tree-file][data-path="result.txt"] [data-testid=tree-overlap]').getAttribute("title")).resolves.toBe(
      `Also changed by ${other}`,
    );
    const header = page.locator('[data-testid=review-file][data-path="README.md"] [data-testid=file-overlap]');
    await expect(header.getAttribute("title")).resolves.toBe(`Would conflict with ${other}`);
    await screenshot(page, "desktop-review-overlap");
    await page.getByTestId("review-close").click();
  });

  it("keeping one merges it into the base and offers to delete the others with the safe delete, which refuses unmerged work until told", async () => {
    await page.keyboard.press("Escape");
    await page.getByTestId("compare-button").click();
    const compare = page.getByTestId("compare-dialog");
    const rows = compare.locator("[data-testid^=compare-row-]");
    await poll(() => rows.count()).toBe(2);
    const kept = ((await rows.first().getAttribute("data-testid")) ?? "").replace("compare-row-", "");
    const other = ((await rows.last().getAttribute("data-testid")) ?? "").replace("compare-row-", "");
    // Landed as Land would, by the way picked (a merge commit here), then the deletion is offered.
    await compare.getByTestId("compare-keep-mode").selectOption("merge");
    await rows.first().getByTestId("compare-keep").click();
    await poll(() => compare.getByTestId("compare-kept").textContent()).toContain("Merged into main (1 commit, merge)");
    expect(gitIn(repo, "show", "main:README.md")).toMatch(/^# app\na line from agent [12]$/);
    expect(gitIn(repo, "rev-list", "--parents", "-n", "1", "main").trim().split(" ")).toHaveLength(3);
    await compare.getByTestId("compare-delete-others").click();
    // The other one has commits merged nowhere: refused, with the reason, until "Delete anyway".
    await poll(() => compare.getByTestId("compare-delete-refusal").textContent()).toContain(other);
    await page.getByTestId(`workspace-row-${other}`).waitFor();
    await compare.getByTestId("compare-delete-force").click();
    await compare.waitFor({ state: "detached" });
    await page.getByTestId(`workspace-row-${other}`).waitFor({ state: "detached" });
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe(kept);
    // Alone now: nothing overlaps any more.
    await poll(() => page.locator("[data-testid=overlap-badge]").count(), { timeout: 30_000 }).toBe(0);
  });
});
