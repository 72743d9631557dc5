import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { commitScripts, makeRepo } from "../helpers/git.js";
import { startSshd } from "../helpers/sshd.js";
import { type App, poll, startApp } from "./harness.js";

declare const navigator: any;

/** What the shown terminal's screen holds, as text (rows run together). */
const screenOf = (page: Page) =>
  page
    .locator("[data-testid=terminal-view]:not(.hidden) .xterm-rows")
    .textContent()
    .then((t) => t ?? "");

/** The Terminal tab of the workspace's panel: a real shell in a worktree workspace, typed into and read from the screen. */
describe.skipIf(!hasChromium)("browser: terminal", () => {
  let app: App;
  let page: Page;
  let workspaceId: string;

  beforeAll(async () => {
    let home = "";
    app = await startApp({
      before: (dirs) => {
        home = path.join(dirs.base, "home");
        fs.mkdirSync(home);
      },
      // A known shell without the rc files of whoever runs the tests.
      env: () => ({ SHELL: "/bin/bash", HOME: home }),
    });
    const repo = makeRepo(path.join(app.dirs.base, "app"));
    commitScripts(repo);
    const api = await app.api();
    workspaceId = (await api.workspaces.create({ projectPath: repo, name: "term" })).id;
    page = await app.open({ hash: `#/w/${workspaceId}` });
  });

  afterAll(async () => {
    await app?.close();
  });

  const screen = () => screenOf(page);

  /** Typed again until answered: after Ctrl+C the shell may drop what was typed while the program still held the terminal. */
  const typeUntilAnswered = async (line: string, answer: string) => {
    for (let i = 0; ; i++) {
      await page.keyboard.type(line);
      await page.keyboard.press("Enter");
      const answered = await poll(screen, { timeout: 2_000 })
        .toContain(answer)
        .then(
          () => true,
          () => false,
        );
      if (answered || i === 9) break;
    }
    await poll(screen).toContain(answer);
  };

  it("opens as the panel's Terminal tab from the header, runs commands in the workspace, and shows their output", async () => {
    await page.getByTestId("terminal-button").click();
    await page.locator(".xterm-rows").waitFor();
    expect(await page.getByTestId("panel-tab-terminal").getAttribute("aria-selected")).toBe("true");
    await page.locator("[data-mux-terminal]").click();
    await page.keyboard.type("echo hello-$((6*7)) from $(basename $(pwd))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("hello-42 from term");
    // Ctrl+K belongs to the shell here (it kills the line), not to "previous workspace".
    await page.keyboard.type("echo not-run");
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Control+k");
    await page.keyboard.type("echo cleared-$((2+2))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("cleared-4");
    await screenshot(page, "terminal");
  });

  it("after a reload, shows the output from before", async () => {
    await page.reload();
    await page.getByTestId("terminal-button").click();
    await page.locator(".xterm-rows").waitFor();
    await poll(screen).toContain("hello-42 from term");
    await page.locator("[data-mux-terminal]").click();
    await page.keyboard.type("echo again-$((3*3))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("again-9");
  });

  it("a flood stops at Ctrl+C and the prompt comes back", async () => {
    await page.keyboard.type("yes flooding");
    await page.keyboard.press("Enter");
    await poll(async () => (await screen()).split("flooding").length).toBeGreaterThan(10);
    await page.keyboard.press("Control+c");
    await typeUntilAnswered("echo done-$((5*5))", "done-25");
  });

  it("runs a full-screen program: less takes the whole screen, and q gives the shell its screen back", async () => {
    await typeUntilAnswered("echo before-$((4*4))", "before-16");
    await page.keyboard.type("seq -f 'row-%g' 1 500 > rows.txt && less rows.txt");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("row-1row-2");
    // The alternate screen: the shell's lines are out of sight while less runs.
    expect(await screen()).not.toContain("before-16");
    await page.keyboard.press("Shift+G");
    await poll(screen).toContain("row-500");
    expect(await screen()).not.toContain("row-1row-2");
    await page.keyboard.press("q");
    await poll(screen).toContain("before-16");
    expect(await screen()).not.toContain("row-500");
    await typeUntilAnswered("echo after-$((5*5))", "after-25");
  });

  it("draws colours and wide characters, follows the panel's size, and copies with Ctrl+Shift+C", async () => {
    const rows = page.locator("[data-testid=terminal-view]:not(.hidden) .xterm-rows");
    await typeUntilAnswered("printf '\\033[31mred-%s\\033[0m wide:\\xe6\\xbc\\xa2\\xe5\\xad\\x97:end\\n' text", "wide:漢字:end");
    // Red (ANSI colour 1) comes through as xterm's colour class on the text's cells.
    await expect(
      rows
        .locator("span", { hasText: /^red-text$/ })
        .first()
        .getAttribute("class"),
    ).resolves.toMatch(/\bxterm-fg-1\b/);

    // A narrower page: the panel, the terminal and the shell's idea of its width all shrink.
    // ($((1)) keeps the typed command itself from matching what its output is looked for by.)
    await typeUntilAnswered('echo "w$((1))de=$(tput cols)"', "w1de=");
    const before = Number(/w1de=(\d+)/.exec(await screen())?.[1]);
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width - 300, height: viewport.height });
    try {
      await poll(async () => {
        await page.keyboard.type('echo "n$((1))arrow=$(tput cols)"');
        await page.keyboard.press("Enter");
        await poll(screen).toMatch(/n1arrow=\d+/);
        return Number([...(await screen()).matchAll(/n1arrow=(\d+)/g)].at(-1)?.[1]);
      }).toBeLessThan(before);
    } finally {
      await page.setViewportSize(viewport);
    }

    // Double-click selects a word; Ctrl+Shift+C puts it on the clipboard.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await typeUntilAnswered("printf 'copy-%s\\n' me", "copy-me");
    await rows
      .getByText(/^copy-me$/)
      .last()
      .dblclick({ force: true });
    await page.keyboard.press("Control+Shift+C");
    await poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("copy-me");
  });

  it("the command palette hides and shows the panel, and the shell kept running meanwhile", async () => {
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-toggle-terminal").click();
    await page.getByTestId("terminal-panel").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-toggle-terminal").click();
    await poll(screen).toContain("done-25");
  });

  it("holds several terminals: new, rename, close, and each keeps its shell while another panel tab shows", async () => {
    const tabs = page.getByTestId("terminal-tab");
    await page.getByTestId("terminal-new").click();
    await poll(() => tabs.count()).toBe(2);
    await poll(screen).toMatch(/[$#]\s*$/);
    await page.locator("[data-testid=terminal-view]:not(.hidden) [data-mux-terminal]").click();
    await page.keyboard.type("echo second-$((7*6))");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("second-42");
    page.once("dialog", (d) => void d.accept("logs"));
    await page.getByTestId("terminal-rename").click();
    await poll(() => tabs.nth(1).textContent()).toBe("logs");
    // The first terminal still has its output.
    await tabs.nth(0).click();
    await poll(screen).toContain("done-25");
    // Review, then back: the shells were kept; their output is replayed.
    await page.getByTestId("panel-tab-review").click();
    await page.getByTestId("terminal-panel").waitFor({ state: "detached" });
    await page.getByTestId("panel-tab-terminal").click();
    await tabs.nth(1).click();
    await poll(screen).toContain("second-42");
    await page.getByTestId("terminal-close-shown").click();
    await poll(() => tabs.count()).toBe(1);
    // Ctrl+Shift+` opens a new one, from inside a terminal too.
    await page.locator("[data-testid=terminal-view]:not(.hidden) [data-mux-terminal]").click();
    await page.keyboard.press("Control+Shift+Backquote");
    await poll(() => tabs.count()).toBe(2);
    await poll(() => tabs.nth(1).getAttribute("aria-selected")).toBe("true");
    await page.getByTestId("terminal-close-shown").click();
    await poll(() => tabs.count()).toBe(1);
    // Ctrl+` hides the tab and shows it again.
    await page.keyboard.press("Control+Backquote");
    await page.getByTestId("terminal-panel").waitFor({ state: "detached" });
    await page.keyboard.press("Control+Backquote");
    await poll(screen).toContain("done-25");
  });

  it("finds text in the scrollback with Ctrl+Shift+F, and Escape gives the keys back to the shell", async () => {
    await page.locator("[data-testid=terminal-view]:not(.hidden) [data-mux-terminal]").click();
    await page.keyboard.type("for i in 1 2 3; do echo needle-$i; done; seq 1 200");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("200");
    // needle-1 has scrolled out of the screen: only the search brings it back.
    await page.keyboard.press("Control+Shift+F");
    const input = page.getByTestId("terminal-find-input");
    await input.waitFor();
    await input.fill("needle-1");
    await poll(() => page.getByTestId("terminal-find-count").textContent()).toBe("1 of 1");
    await poll(screen).toContain("needle-1");
    await input.fill("needle-");
    await input.press("Enter");
    await poll(() => page.getByTestId("terminal-find-count").textContent()).toMatch(/^\d of 4$/);
    await screenshot(page, "terminal-find");
    await input.press("Escape");
    await page.getByTestId("terminal-find").waitFor({ state: "detached" });
    // Escape in a terminal is the program's (vim needs it), not the panel's: it stays open.
    await page.keyboard.type("cat -v");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    await poll(screen).toContain("^[");
    await page.keyboard.press("Control+c");
    await typeUntilAnswered("echo after-find-$((1+1))", "after-find-2");
  });

  it("runs a project script in a new terminal with one click", async () => {
    const scripts = page.getByTestId("terminal-scripts");
    await poll(() => scripts.textContent()).toBe("Scripts▶ dev▶ hello");
    await page.getByTestId("script-hello").click();
    await poll(() => page.getByTestId("terminal-tab").last().textContent()).toBe("hello (exited)");
    await poll(screen).toMatch(/script-hello in \S+\/term as term: 42/);
    // The palette offers them too.
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-script-dev").click();
    await poll(() => page.getByTestId("terminal-tab").last().textContent()).toBe("dev (exited)");
    await poll(screen).toContain("script-dev in");
  });

  it("links the workspace's folder to VS Code, or to the editor chosen in Settings", async () => {
    const api = await app.api();
    const ws = (await api.workspaces.list()).find((w) => w.id === workspaceId)!;
    const dir = ws.runtime.type === "worktree" ? ws.runtime.path : "";
    const link = page.getByTestId("open-in-editor");
    await poll(() => link.getAttribute("href")).toBe(`vscode://file${dir}`);
    await page.keyboard.press("Control+Shift+P");
    await page.getByTestId("command-item-open-settings").click();
    await page.getByTestId("editor-choice").selectOption("cursor");
    await poll(() => link.getAttribute("href")).toBe(`cursor://file${dir}`);
    await page.getByTestId("editor-choice").selectOption("custom");
    await page.getByTestId("editor-template").fill("zed://ssh/{host}{path}");
    await page.getByTestId("editor-template-save").click();
    await poll(() => link.getAttribute("href")).toBe(`zed://ssh/${dir}`);
    const config = JSON.parse(fs.readFileSync(path.join(app.dirs.muxRoot, "config.json"), "utf8"));
    expect(config.editorLink).toBe("zed://ssh/{host}{path}");
    await page.getByTestId("editor-choice").selectOption("none");
    await link.waitFor({ state: "detached" });
    await page.getByTestId("editor-choice").selectOption("vscode");
    await poll(() => link.getAttribute("href")).toBe(`vscode://file${dir}`);
    await page.keyboard.press("Escape");
    await page.getByTestId("settings-dialog").waitFor({ state: "detached" });
    await page.getByTestId("terminal-panel").waitFor();
    await page.setViewportSize({ width: 1400, height: 900 });
    await screenshot(page, "terminal-tab-1400");
  });

  it("on a phone (390 px), the extra keys give Ctrl, arrows and |", async () => {
    const phone = await app.open({ context: await newContext(app.browser, { phone: true }), hash: `#/w/${workspaceId}` });
    await phone.getByTestId("terminal-button").click();
    await phone.getByTestId("terminal-extra-keys").waitFor();
    // The panel is the whole screen; the terminal and its keys fit in it.
    expect(await phone.getByTestId("right-panel").boundingBox()).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    const keys = (await phone.getByTestId("terminal-extra-keys").boundingBox())!;
    expect(keys.y + keys.height).toBeLessThanOrEqual(844);
    const xterm = (await phone.locator("[data-testid=terminal-view]:not(.hidden) .xterm-screen").boundingBox())!;
    expect(xterm.x + xterm.width).toBeLessThanOrEqual(390);
    expect(xterm.y + xterm.height).toBeLessThanOrEqual(keys.y);
    const phoneScreen = () => screenOf(phone);
    await phone.locator("[data-testid=terminal-view]:not(.hidden) [data-mux-terminal]").click();
    await phone.keyboard.type("sleep 300");
    await phone.keyboard.press("Enter");
    // Ctrl, then c: an interrupt.
    await phone.getByTestId("terminal-key-Ctrl").click();
    await phone.keyboard.type("c");
    await phone.keyboard.type("echo piped ");
    await phone.getByTestId("terminal-key-Pipe").click();
    await phone.keyboard.type(" tr a-z A-Z");
    await phone.keyboard.press("Enter");
    await poll(phoneScreen).toContain("PIPED");
    // Up recalls the command: it runs again.
    await phone.getByTestId("terminal-key-Up").click();
    await phone.keyboard.press("Enter");
    await poll(async () => (await phoneScreen()).split("PIPED").length - 1).toBe(2);
    await screenshot(phone, "terminal-phone");
    await phone.context().close();
  });
});

/** An SSH workspace's terminal in the page: the shell runs on the host (a real sshd on loopback), in the remote worktree. */
describe.skipIf(!hasChromium || !fs.existsSync("/usr/sbin/sshd"))("browser: terminal of an SSH workspace", () => {
  let app: App;
  let sshd: Awaited<ReturnType<typeof startSshd>>;
  let remoteRoot = "";

  beforeAll(async () => {
    sshd = await startSshd();
    app = await startApp({
      before: (dirs) => {
        remoteRoot = path.join(dirs.base, "remote-home", "mux");
      },
      env: () => ({ SHELL: "/bin/bash", MUX_SSH_CONFIG: sshd.configFile, MUX_SSH_REMOTE_ROOT: remoteRoot }),
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await sshd?.stop();
  });

  it("types into the host's shell in the remote worktree and reads the answer from the screen", async () => {
    const repo = makeRepo(path.join(app.dirs.base, "repo"));
    const api = await app.api();
    const ws = await api.workspaces.create({ projectPath: repo, name: "remote", runtime: { type: "ssh", host: sshd.host } });
    const page = await app.open({ hash: `#/w/${ws.id}` });
    await page.getByTestId("terminal-button").click();
    await page.locator(".xterm-rows").waitFor();
    await page.locator("[data-mux-terminal]").click();
    await page.keyboard.type('echo "at=$(pwd) rt=$MUX_RUNTIME n=$((6*7))"');
    await page.keyboard.press("Enter");
    await poll(() => screenOf(page)).toContain(`at=${path.join(remoteRoot, "repo", "remote")} rt=ssh n=42`);
  });
});
