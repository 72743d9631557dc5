import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { type App, poll, startApp } from "./harness.js";

/**
 * Settings → MCP in a real browser: each server's state in the selected workspace (connected with
 * its tool count, or its error), "Test connection", the workspace's own on/off switch, and adding
 * a server to mcp.jsonc with the user's comments kept. Values of env variables never reach the page.
 */

const STDIO_SERVER = path.resolve(import.meta.dirname, "../mcp/stdioServer.mjs");
const ENV_SECRET = "mcp-env-secret-value-31415926535";
const MCP_JSONC = `// My MCP servers: KEEP-THIS-COMMENT
{
  "servers": {
    "local": { "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(STDIO_SERVER)}], "env": { "TEST_MCP_SECRET": "${ENV_SECRET}" } },
    "broken": "${process.execPath} -e \\"console.error('no such thing'); process.exit(2)\\"",
  },
}
`;

describe.skipIf(!hasChromium)("browser: MCP settings", () => {
  let app: App;
  let page: Page;
  let workspaceId: string;
  const file = () => path.join(app.dirs.muxRoot, "mcp.jsonc");

  beforeAll(async () => {
    app = await startApp({ before: (dirs) => fs.writeFileSync(path.join(dirs.muxRoot, "mcp.jsonc"), MCP_JSONC) });
    const api = await app.api();
    const repo = makeRepo(path.join(app.dirs.base, "mcp-app"));
    workspaceId = (await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "tools" })).id;
    page = await app.open({ hash: `#/w/${workspaceId}` });
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
  });

  afterAll(async () => {
    await app?.close();
  });

  it("after a message, shows each server's state: connected with its tools, or the error it failed with", async () => {
    app.fake.enqueue({ toolCalls: [{ name: "local_echo", args: { text: "from the browser" } }] }, { text: "Echoed." });
    const input = page.getByTestId("composer-input");
    await input.fill("use the echo tool");
    await input.press("Enter");
    await poll(() => app.fake.requests.length).toBe(2);
    expect(JSON.stringify(app.fake.requests[1].body.messages)).toContain("stdio echo: from the browser");
    await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();

    await page.keyboard.press("Control+Comma");
    const dialog = page.getByTestId("settings-dialog");
    await dialog.getByTestId("settings-tab-mcp").click();
    await poll(() => dialog.getByTestId("mcp-local-status").textContent()).toBe("connected · 6 tools");
    await poll(() => dialog.getByTestId("mcp-broken-status").textContent()).toBe("error");
    await poll(() => dialog.getByTestId("mcp-broken-error").textContent()).toContain("no such thing");
    expect(await dialog.getByTestId("mcp-local").textContent()).toContain("env: TEST_MCP_SECRET");

    await dialog.getByTestId("mcp-local-test").click();
    await poll(() => dialog.getByTestId("mcp-local-test-result").textContent()).toMatch(/^Connected: 6 tools \(.*echo/);
    await dialog.getByTestId("mcp-broken-test").click();
    await poll(() => dialog.getByTestId("mcp-broken-test-result").textContent()).toContain("no such thing");
    await screenshot(page, "desktop-settings-mcp");
    expect(await page.content()).not.toContain(ENV_SECRET);
  });

  it("turns a server off for the workspace, and adds a server to mcp.jsonc keeping the comments", async () => {
    const dialog = page.getByTestId("settings-dialog");
    await dialog.getByTestId("mcp-local-enabled").uncheck();
    await poll(() => dialog.getByTestId("mcp-local-status").textContent()).toBe("off in this workspace");
    const overrides = JSON.parse(fs.readFileSync(path.join(app.dirs.muxRoot, "sessions", workspaceId, "mcp.local.jsonc"), "utf8"));
    expect(overrides.disabledServers).toEqual(["local"]);

    await dialog.getByTestId("mcp-add").click();
    await dialog.getByTestId("mcp-form-name").fill("added");
    await dialog.getByTestId("mcp-form-command").fill(`${process.execPath} ${STDIO_SERVER} added`);
    await dialog.getByTestId("mcp-form-save").click();
    await dialog.getByTestId("mcp-added").waitFor();
    const text = fs.readFileSync(file(), "utf8");
    expect(text).toContain("KEEP-THIS-COMMENT");
    expect(text).toContain(`"added": "${process.execPath} ${STDIO_SERVER} added"`);
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    await dialog.getByTestId("mcp-added-test").click();
    await poll(() => dialog.getByTestId("mcp-added-test-result").textContent()).toMatch(/^Connected: 6 tools/);
  });

  it("stops the workspace's servers when the workspace is deleted", async () => {
    await page.keyboard.press("Escape");
    app.fake.enqueue({ toolCalls: [{ name: "added_pid", args: {} }] }, { text: "Got it." });
    const before = app.fake.requests.length;
    const input = page.getByTestId("composer-input");
    await input.fill("which process?");
    await input.press("Enter");
    await poll(() => app.fake.requests.length).toBe(before + 2);
    const result = app.fake.requests
      .at(-1)!
      .body.messages.at(-1)
      .content.find((c: { type: string }) => c.type === "tool_result");
    const pid = Number(/(\d+)/.exec(JSON.stringify(result.content))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).not.toThrow();
    await (await app.api()).workspaces.delete({ workspaceId, force: true });
    await poll(() => {
      try {
        process.kill(pid, 0);
        return "running";
      } catch {
        return "stopped";
      }
    }).toBe("stopped");
  });
});
