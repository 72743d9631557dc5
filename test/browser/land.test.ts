import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { installFakeGh } from "../helpers/fakeGh.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { type App, lastUserText, poll, slowText, startApp } from "./harness.js";

/** The Land dialog: commit, merge into the trunk, the safe delete it offers, and conflicts. */
describe.skipIf(!hasChromium)("browser: land", () => {
  let app: App;
  let page: Page;
  let repo: string;
  let gh: ReturnType<typeof installFakeGh>;
  const wsDir = (name: string) => path.join(app.dirs.muxRoot, "src", "app", name);

  beforeAll(async () => {
    app = await startApp({
      before: (dirs) => {
        gh = installFakeGh(path.join(dirs.base, "gh"));
      },
      env: () => ({ PATH: gh.path, GIT_AUTHOR_NAME: "U", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "U", GIT_COMMITTER_EMAIL: "u@x" }),
    });
    app.fake.setResponder(() => slowText("On it.", 5, 40));
    repo = makeRepo(path.join(app.dirs.base, "app"), { "README.md": "# app\n", "a.txt": "one\n" });
    await (await app.api()).projects.add({ path: repo });
    page = await app.open();
  });

  afterAll(async () => {
    await app?.close();
  });

  const openLand = async (name: string) => {
    await page.getByTestId(`workspace-row-${name}`).getByRole("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe(name);
    await page.getByTestId("land-button").click();
    await page.getByTestId("land-dialog").waitFor();
  };

  it("commit → merge (squash) → the trunk has the commit → the offered delete removes the workspace", async () => {
    const api = await app.api();
    await api.workspaces.create({ projectPath: repo, name: "feat" });
    fs.writeFileSync(path.join(wsDir("feat"), "feature.txt"), "new feature\n");
    await openLand("feat");

    await page.getByTestId("land-commit-message").fill("Add the feature");
    await page.getByTestId("land-commit").click();
    await poll(() => page.getByTestId("land-note").textContent()).toMatch(/^Committed [0-9a-f]{10} \(1 file\)\.$/);
    expect(gitIn(wsDir("feat"), "log", "-1", "--format=%s")).toBe("Add the feature");

    const before = gitIn(repo, "rev-parse", "main");
    expect(await page.getByTestId("land-mode-squash").isChecked()).toBe(true);
    await page.getByTestId("land-merge").click();
    const result = page.getByTestId("land-merge-result");
    await poll(() => result.getAttribute("data-status")).toBe("merged");
    expect(await result.textContent()).toContain("Merged into main (squash, 1 commit)");
    await screenshot(page, "land-merged");
    expect(gitIn(repo, "log", "-1", "--format=%s|%P", "main")).toBe(`Add the feature|${before}`);
    expect(fs.readFileSync(path.join(repo, "feature.txt"), "utf8")).toBe("new feature\n");

    await page.getByTestId("land-delete").click();
    await page.getByTestId("delete-dialog").waitFor();
    await page.getByTestId("delete-confirm").click();
    await page.getByTestId("workspace-row-feat").waitFor({ state: "detached" });
    expect(fs.existsSync(wsDir("feat"))).toBe(false);
    expect(gitIn(repo, "branch", "--list", "feat")).toBe("");
  }, 90_000);

  it("a conflict lists the files and asks the agent to rebase with a normal chat message", async () => {
    const api = await app.api();
    await api.workspaces.create({ projectPath: repo, name: "clash" });
    commitFile(wsDir("clash"), "a.txt", "theirs\n", "edit a");
    commitFile(repo, "a.txt", "ours\n", "trunk edits a");
    const before = gitIn(repo, "rev-parse", "main");
    // From the command palette this time.
    await page.getByTestId("workspace-row-clash").getByRole("button").first().click();
    await poll(() => page.getByTestId("workspace-title").textContent()).toBe("clash");
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-palette-input").fill("land clash");
    await page.getByTestId("command-item-land").click();
    await page.getByTestId("land-dialog").waitFor();
    await page.getByTestId("land-mode-rebase").check();
    await page.getByTestId("land-merge").click();
    const result = page.getByTestId("land-merge-result");
    await poll(() => result.getAttribute("data-status")).toBe("conflict");
    expect(await result.textContent()).toContain("conflicts in a.txt. Nothing was changed.");
    expect(gitIn(repo, "rev-parse", "main")).toBe(before);

    const requests = app.fake.requests.length;
    await page.getByTestId("land-ask-rebase").click();
    await page.getByTestId("land-dialog").waitFor({ state: "detached" });
    await poll(() => app.fake.requests.length).toBeGreaterThan(requests);
    expect(lastUserText(app.fake.requests.at(-1)!)).toMatch(/^Please rebase this branch onto main and resolve the conflicts \(in a\.txt\)/);
    await page.getByTestId("message-user").last().waitFor();
  }, 90_000);

  it("the sidebar shows a workspace's pull request and its checks; pushing opens one with gh", async () => {
    const origin = path.join(app.dirs.base, "origin.git");
    gitIn(app.dirs.base, "init", "-q", "--bare", origin);
    gitIn(repo, "remote", "add", "origin", origin);
    const api = await app.api();
    await api.workspaces.create({ projectPath: repo, name: "pr" });
    commitFile(wsDir("pr"), "p.txt", "p\n", "add p");
    gh.update((s) => {
      s.checksOnCreate = [{ __typename: "CheckRun", name: "test", status: "IN_PROGRESS", conclusion: "" }];
    });
    await openLand("pr");
    await page.getByTestId("land-open-pr").click();
    await poll(() => page.getByTestId("land-pr-link").getAttribute("href")).toBe("https://github.com/acme/app/pull/1");
    expect(gitIn(origin, "rev-parse", "refs/heads/pr")).toBe(gitIn(repo, "rev-parse", "pr"));
    await page.keyboard.press("Escape");
    const badge = page.getByTestId("workspace-row-pr").getByTestId("pr-badge");
    await poll(() => badge.textContent()).toBe("#1 open…");
    expect(await badge.getAttribute("title")).toBe("Pull request #1 is open, checks pending");
    await screenshot(page, "land-pr-badge");
    expect(await page.getByTestId("workspace-row-clash").getByTestId("pr-badge").count()).toBe(0);
  }, 90_000);
});
