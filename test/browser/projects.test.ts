import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, DEFAULT_KEY, poll, slowText, startApp } from "./harness.js";

declare const document: any;
declare const window: any;

/**
 * Removing a project from the sidebar and the command palette, and the page's
 * Content-Security-Policy: nothing the app renders (Mermaid, KaTeX, highlighted code, dialogs)
 * may trip it.
 */

const RICH_REPLY = [
  "Here is the flow:",
  "",
  "```mermaid",
  "graph TD",
  "  A[Start] --> B{Ok?}",
  "  B -->|yes| C[Done]",
  "```",
  "",
  "The energy is $E = mc^2$, and",
  "",
  "$$",
  "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}",
  "$$",
  "",
  "```ts",
  "export function add(a: number, b: number): number {",
  "  return a + b;",
  "}",
  "```",
].join("\n");

describe.skipIf(!hasChromium)("browser: projects and CSP", () => {
  let app: App;
  let page: Page;
  let dropPath: string;
  let keepPath: string;
  let workspaceId: string;
  /** CSP violations, from the console and from `securitypolicyviolation` events in the page. */
  const violations: string[] = [];

  /** Console errors of any kind (a blocked image logs one, for instance). */
  const consoleErrors: string[] = [];
  const watchCsp = (p: Page) => {
    p.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`console: ${m.text()}`);
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    // Injected by the DevTools protocol, so the policy does not apply to this script itself.
    // Awaited by open(): registered late, it would miss the first page load (the check would
    // then read `undefined`, as it did under load).
    return p.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e: any) =>
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
      );
    });
  };
  const pageViolations = () => page.evaluate(() => window.__cspViolations as string[]);

  beforeAll(async () => {
    app = await startApp();
    app.fake.setResponder(() => slowText(RICH_REPLY, 5, 40));
    const api = await app.api();
    dropPath = makeRepo(path.join(app.dirs.base, "drop-me"));
    keepPath = makeRepo(path.join(app.dirs.base, "keep-me"));
    await api.projects.add({ path: dropPath });
    await api.projects.add({ path: keepPath });
    workspaceId = (await api.workspaces.create({ projectPath: keepPath, name: "kept" })).id;
    page = await app.open({ onPage: watchCsp });
  });

  afterAll(async () => {
    await app?.close();
  });

  const section = (name: string) => page.getByTestId(`project-${name}`);

  it("removes a project from its sidebar menu after confirming; nothing on disk is deleted", async () => {
    await section("drop-me").waitFor();
    await section("drop-me").hover();
    await page.getByTestId("project-menu-drop-me").click();
    await page.getByTestId("project-menu-remove").click();
    const dialog = page.getByTestId("remove-project-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Nothing on disk is deleted");
    await screenshot(page, "remove-project-dialog");

    // Cancel first: nothing happens.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await section("drop-me").count()).toBe(1);

    await section("drop-me").hover();
    await page.getByTestId("project-menu-drop-me").click();
    await page.getByTestId("project-menu-remove").click();
    await page.getByTestId("remove-project-confirm").click();
    await dialog.waitFor({ state: "detached" });
    await section("drop-me").waitFor({ state: "detached" });
    const api = await app.api();
    expect((await api.projects.list()).map((p) => p.path)).toEqual([keepPath]);
    expect(fs.existsSync(path.join(dropPath, "README.md"))).toBe(true);
  });

  it("from the command palette, shows the server's refusal while the project has a workspace", async () => {
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-palette-input").fill("remove project keep");
    await page.getByTestId("command-item-remove-project-keep-me").click();
    await page.getByTestId("command-palette").waitFor({ state: "detached" });
    const dialog = page.getByTestId("remove-project-dialog");
    await dialog.waitFor();
    await page.getByTestId("remove-project-confirm").click();
    const refusal = page.getByTestId("remove-project-refusal");
    await poll(() => refusal.textContent()).toMatch(/still has workspaces \(kept\)/);
    await screenshot(page, "remove-project-refused");
    // Still there; Escape closes the dialog.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await section("keep-me").count()).toBe(1);
    await page.getByTestId("workspace-row-kept").waitFor();
  });

  it("renders Mermaid, KaTeX and highlighted code with no CSP violation", async () => {
    await page.getByTestId("workspace-row-kept").getByRole("button").first().click();
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
    await page.getByTestId("composer-input").fill("show me everything");
    await page.getByTestId("composer-input").press("Enter");
    await page.getByTestId("message-assistant").and(page.locator("[data-status=complete]")).waitFor();
    await page.getByTestId("mermaid-diagram").locator("svg").waitFor();
    await page.locator(".katex-display .katex").waitFor();
    await page.locator('[data-testid=code-block][data-lang=ts] code span[style*="--shiki-dark"]').first().waitFor();
    // Mermaid's own <style> applied: its nodes are not the default black fill.
    const node = page.locator("[data-testid=mermaid-diagram] .node").first().locator("rect, polygon, path").first();
    const fill = await node.evaluate((el: any) => getComputedStyle(el).fill);
    expect(fill).not.toBe("rgb(0, 0, 0)");
    // KaTeX's fonts and CSS loaded (its stylesheet hides the MathML copy).
    expect(
      await page
        .locator(".katex-mathml")
        .first()
        .evaluate((el: any) => getComputedStyle(el).position),
    ).toBe("absolute");
    await screenshot(page, "csp-rich-chat");

    expect(await pageViolations()).toEqual([]);
    expect(violations).toEqual([]);
    expect(page.url()).toContain(`#/w/${workspaceId}`);
    // The page really is under the policy (and its API socket, ws: on the same origin, is open).
    const policy = await page.evaluate(() => fetch("./").then((r: any) => r.headers.get("content-security-policy")));
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self';");
    expect(await page.getByTestId("connection-status").getAttribute("data-status")).toBe("open");
  });

  it("an off-site image in a reply shows 'image blocked: <host>' and is never requested", async () => {
    consoleErrors.length = 0;
    const requested: string[] = [];
    page.on("request", (r) => r.url().includes("tracker.example.invalid") && requested.push(r.url()));
    app.fake.enqueue(slowText("Here is the chart:\n\n![usage chart](https://tracker.example.invalid/pixel.png?secret=42)\n\nDone.", 5, 40));
    await page.getByTestId("composer-input").fill("show me a remote image");
    await page.getByTestId("composer-input").press("Enter");
    const answer = page.getByTestId("message-assistant").filter({ hasText: "Here is the chart" });
    await answer.and(page.locator("[data-status=complete]")).waitFor();
    const note = answer.getByTestId("image-blocked");
    await expect(note.textContent()).resolves.toBe("image blocked: tracker.example.invalid");
    expect(await answer.locator("img").count()).toBe(0);
    await note.scrollIntoViewIfNeeded();
    await screenshot(page, "chat-image-blocked");
    expect(requested).toEqual([]);
    expect(await pageViolations()).toEqual([]);
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it("the violation check works: an off-site image is blocked and reported", async () => {
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "https://example.invalid/pixel.png";
      document.body.appendChild(img);
    });
    await poll(async () => (await pageViolations()).join("\n")).toContain("img-src");
    violations.length = 0;
  });

  it("a workspace's row shows an agent that `mux run --workspace` runs there, until it is done", async () => {
    // ~5 s of streaming: the server looks at session locks every 2 s.
    app.fake.enqueue(slowText("from the terminal. ".repeat(40), 60, 10));
    const cli = runMux(["run", "--json", "--dir", keepPath, "--workspace", "kept", "-m", "sonnet", "hello from a terminal"], {
      env: { MUX_ROOT: app.dirs.muxRoot, ANTHROPIC_API_KEY: DEFAULT_KEY, ANTHROPIC_BASE_URL: app.fake.url },
    });
    const row = page.getByTestId("workspace-row-kept");
    const label = row.getByTestId("elsewhere");
    await label.waitFor({ timeout: 10_000 });
    expect(await label.textContent()).toBe("mux run");
    expect(await row.getAttribute("data-state")).toBe("streaming");
    // The open chat's composer says so too (a send would be refused until it is done).
    await page.getByTestId(`workspace-row-kept`).getByRole("button").first().click();
    const notice = page.getByTestId("composer-elsewhere");
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/another Mux process \(mux run \(pid \d+\)\)/);
    await screenshot(page, "sidebar-agent-from-cli");
    expect((await cli).code).toBe(0);
    await label.waitFor({ state: "detached", timeout: 10_000 });
    await notice.waitFor({ state: "detached" });
    expect(await row.getAttribute("data-state")).not.toBe("streaming");
  });
});

declare function getComputedStyle(el: any): any;
