import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, lastAssistantText, lastUserText, poll, slowText, startApp } from "./harness.js";

declare const document: any;
declare const window: any;
declare const requestAnimationFrame: any;

/**
 * A reply's Markdown looks the same while it streams in small deltas and once finished (what a
 * reload shows), and a tab that shows another workspace's chat is not sent the streaming one's
 * text at all (so it cannot spend anything rendering it).
 */

const REPLY = [
  "## The plan",
  "I read the code first. Then, **in order**:",
  "1. First step, with `code`\n2. Second step:\n   - read the log\n   - fold the events\n     1. deeper\n     2. deeper still\n3. Third step\n\n   continued after a blank line",
  "```ts\nexport function double(a: number): number {\n  // twice `a`\n\n  return a * 2;\n}\n```",
  "| file | lines | note |\n| :--- | ---: | :---: |\n| `a.ts` | 12 | **new** |\n| b.ts | 3 | ~~gone~~ |",
  "- [x] tests\n- [ ] docs",
  "```\nunfenced language\n```",
  "Done: see [the docs](https://example.com/docs). END-OF-REPLY",
].join("\n\n");

/** A TypeScript fence long enough to stream for a few seconds. */
const CODE_REPLY = `Here it is:\n\n\`\`\`ts\n${Array.from({ length: 30 }, (_, i) => `export const value${i} = compute("${i}", ${i} * 2); // line ${i}`).join("\n")}\n\`\`\`\n\nEND-OF-REPLY`;

/** Plain words (the page shows them as they are), each a different one, streamed fast. */
const WORDS_REPLY = `${Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ")} END-OF-WORDS`;

/**
 * Prose, lists, a heading and code, with trailing spaces inside deltas and inline syntax mid-line:
 * held at many points, the streaming page must show what a fresh page renders for the same text.
 */
const HELD_REPLY = [
  "I looked at how the store writes partial messages and found that every delta rewrites the file. ",
  "### The plan for it",
  "1. Keep the message in memory\n2. Recover from the log:\n   - read it from the last checkpoint\n   - drop a torn last line",
  "The `writer` keeps a timer, and **flushes** it when the turn ends; after that the words are plain again.",
  "```ts\nexport function flush(): void {\n  if (!this.pending) return;\n  fs.writeFileSync(this.file, JSON.stringify(this.pending));\n}\n```",
  "> A quoted line that goes on for a while with plain words\n\nDone with it all. END-OF-REPLY",
].join("\n\n");

/** Release functions of the held reply's stops, in order (the fake provider waits on each). */
const held: (() => void)[] = [];

/** A word only the streaming workspace's reply contains. */
const SECRET = "zebracorn";
/** Long enough (about 13 s) to open its workspace while it streams. */
const LONG_SECRET_REPLY = `${SECRET} ${"streaming along. ".repeat(150)}END-OF-REPLY`;

/** The last reply's Markdown as HTML, code blocks as plain text (their highlighting lands later). */
const replyHtml = (page: Page) =>
  page.evaluate(() => {
    const replies = document.querySelectorAll("[data-testid=message-assistant]");
    const md = replies[replies.length - 1].querySelector(".mux-md")?.cloneNode(true);
    if (!md) return "";
    for (const code of md.querySelectorAll("pre code")) code.replaceChildren(code.textContent);
    // The streaming caret and its beat are decorations of a reply still coming in.
    md.classList.remove("mux-live");
    md.removeAttribute("data-mux-beat");
    return md.outerHTML as string;
  });

describe.skipIf(!hasChromium)("browser: streamed Markdown", () => {
  let app: App;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "md-app"));
        for (const name of ["md", "quiet"]) {
          const created = await runMux(["workspace", "create", name, "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
          if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
          ids[name] = JSON.parse(created.stdout).id;
        }
      },
    });
    app.fake.setResponder((req) => {
      const said = lastUserText(req);
      if (said.includes("code")) return slowText(CODE_REPLY, 25, 4);
      if (said.includes("words")) return slowText(WORDS_REPLY, 2, 3);
      if (said.includes("hold"))
        return { ...slowText(HELD_REPLY, 2, 4), beforeFrame: (i) => (i % 7 === 3 ? new Promise<void>((r) => held.push(r)) : undefined) };
      if (said.includes("long secret")) return slowText(LONG_SECRET_REPLY, 20, 4);
      if (said.includes("secret")) return slowText(`${SECRET} ${"streaming along. ".repeat(40)}END-OF-REPLY`, 20, 4);
      return slowText(REPLY, 15, 4);
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("tables, lists and code fences streamed in 4-character deltas look as the finished reply does after a reload", async () => {
    const page = await app.open({ hash: `#/w/${ids.md}` });
    try {
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      const input = page.getByTestId("composer-input");
      await input.fill("explain the plan");
      await input.press("Enter");
      const reply = page.getByTestId("message-assistant").last();
      await reply.and(page.locator("[data-status=complete]")).waitFor();
      await poll(() => reply.textContent()).toContain("END-OF-REPLY");
      const streamed = await replyHtml(page);
      expect(streamed).toContain("<table>");
      expect(streamed).toContain('data-lang="ts"');

      await page.reload();
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      await poll(() => page.getByTestId("message-assistant").last().textContent()).toContain("END-OF-REPLY");
      expect(await replyHtml(page)).toBe(streamed);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("deltas arriving faster than frames are drawn are shown in order with none lost", async () => {
    const page = await app.open({
      hash: `#/w/${ids.md}`,
      // Every text the streaming reply shows, as the page draws it.
      onPage: (p) =>
        p.addInitScript(() => {
          const seen: string[] = [];
          (window as any).__seen = seen;
          const watch = () => {
            const live = document.querySelector(".mux-live");
            if (live && seen.at(-1) !== live.textContent) seen.push(live.textContent);
            requestAnimationFrame(watch);
          };
          requestAnimationFrame(watch);
        }),
    });
    try {
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      const input = page.getByTestId("composer-input");
      await input.fill("stream the words");
      await input.press("Enter");
      const reply = page.getByTestId("message-assistant").last();
      await poll(() => reply.textContent()).toContain("END-OF-WORDS");
      expect(await reply.locator(".mux-md").textContent()).toBe(WORDS_REPLY);
      const seen: string[] = await page.evaluate(() => (window as any).__seen);
      // Many frames, each showing more of the reply than the one before, never a gap.
      expect(seen.length).toBeGreaterThan(5);
      for (const [i, text] of seen.entries()) {
        expect(WORDS_REPLY.startsWith(text)).toBe(true);
        if (i > 0) expect(text.length).toBeGreaterThan(seen[i - 1].length);
      }
    } finally {
      await page.close();
    }
  }, 60_000);

  it("a code fence is highlighted while it streams in, and ends up highlighted as after a reload", async () => {
    const page = await app.open({ hash: `#/w/${ids.md}` });
    try {
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      const input = page.getByTestId("composer-input");
      await input.fill("show me the code");
      await input.press("Enter");
      // Colored tokens in the reply's code block while the reply is still streaming.
      await page.locator(".mux-live [data-testid=code-block] code span[style]").first().waitFor();
      const reply = page.getByTestId("message-assistant").last();
      await reply.and(page.locator("[data-status=complete]")).waitFor();
      const code = () => reply.locator("[data-testid=code-block] code").innerHTML();
      await poll(code).toContain("line 29</span>");
      const streamed = await code();

      await page.reload();
      await page.getByTestId("chat-view").and(page.locator("[data-state=idle]")).waitFor();
      const reloaded = page.getByTestId("message-assistant").last().locator("[data-testid=code-block] code");
      await poll(() => reloaded.innerHTML()).toContain("line 29</span>");
      expect(await reloaded.innerHTML()).toBe(streamed);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("a tab showing another workspace's chat gets the streaming workspace's state, not its text", async () => {
    const received: string[] = [];
    const page = await app.open({
      hash: `#/w/${ids.quiet}`,
      onPage: (p) => p.on("websocket", (ws) => ws.on("framereceived", (f) => received.push(String(f.payload)))),
    });
    try {
      await page
        .getByTestId("chat-view")
        .and(page.locator(`[data-workspace-id="${ids.quiet}"]`))
        .waitFor();
      const api = await app.api();
      await api.chat.send({ workspaceId: ids.md, text: "tell me the secret" });
      const row = page.getByTestId("workspace-row-md");
      await poll(() => row.getAttribute("data-state")).toBe("streaming");
      await poll(() => row.getAttribute("data-state"), { timeout: 30_000 }).toBe("idle");
      expect(received.length).toBeGreaterThan(0);
      expect(received.filter((p) => p.includes(SECRET))).toEqual([]);

      // Opening it shows the whole reply (and the check above would have seen its text).
      await row.getByRole("button").first().click();
      await poll(() => page.getByTestId("message-assistant").last().textContent()).toContain(SECRET);
      expect(received.some((p) => p.includes(SECRET))).toBe(true);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("a workspace opened while it streams in the background shows its reply so far, then follows it to the end, once", async () => {
    const page = await app.open({ hash: `#/w/${ids.quiet}` });
    try {
      await page
        .getByTestId("chat-view")
        .and(page.locator(`[data-workspace-id="${ids.quiet}"]`))
        .waitFor();
      const api = await app.api();
      await api.chat.send({ workspaceId: ids.md, text: "tell me the long secret" });
      const row = page.getByTestId("workspace-row-md");
      await poll(() => row.getAttribute("data-state")).toBe("streaming");

      await row.getByRole("button").first().click();
      const streaming = page.getByTestId("message-assistant").and(page.locator("[data-status=streaming]"));
      await poll(() => streaming.textContent()).toContain(SECRET);
      const first = await lastAssistantText(page);
      expect(first.startsWith(SECRET)).toBe(true);
      expect(first).not.toContain("END-OF-REPLY");
      // It grows while it still streams (not only when it finishes).
      await poll(async () => ((await streaming.textContent({ timeout: 1_000 })) ?? "").length).toBeGreaterThan(first.length + 40);

      await poll(() => page.getByTestId("message-assistant").last().getAttribute("data-status"), { timeout: 30_000 }).toBe("complete");
      const final = await lastAssistantText(page);
      expect(final).toBe(LONG_SECRET_REPLY);
      expect(await row.getAttribute("data-state")).toBe("idle");
    } finally {
      await page.close();
    }
  }, 60_000);

  it("a reply held anywhere mid-stream shows what a fresh page renders for the same text", async () => {
    const watching = await app.open({ hash: `#/w/${ids.md}` });
    const fresh = await app.open({ hash: `#/w/${ids.md}` });
    const text = (page: Page) => page.evaluate(() => document.querySelector(".mux-live")?.textContent ?? null);
    try {
      await watching.getByTestId("chat-view").and(watching.locator("[data-state=idle]")).waitFor();
      const api = await app.api();
      await api.chat.send({ workspaceId: ids.md, text: "hold the reply" });
      const reply = watching.getByTestId("message-assistant").last();
      const finished = async () => (await reply.getAttribute("data-status")) === "complete" && (await lastAssistantText(watching)).includes("END-OF-REPLY");
      // The reply has started (a stop comes before its first text).
      await poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);
      let stops = 0;
      for (;;) {
        await poll(async () => held.length > 0 || (await finished()), { timeout: 30_000 }).toBe(true);
        if (!held.length) break;
        // Everything sent before the stop is on the page once its text stops changing.
        let shown = await text(watching);
        for (;;) {
          await watching.waitForTimeout(300);
          const now = await text(watching);
          if (now === shown) break;
          shown = now;
        }
        if (shown) {
          await fresh.reload();
          // The server's snapshot may lack the last deltas before a stop (they show once the
          // stream goes on): such a stop is not compared.
          const same = await fresh
            .waitForFunction((t) => document.querySelector(".mux-live")?.textContent === t, shown, { timeout: 5_000 })
            .then(
              () => true,
              () => false,
            );
          if (same) {
            expect(await replyHtml(watching), `held at ${JSON.stringify(shown.slice(-40))}`).toBe(await replyHtml(fresh));
            stops++;
          }
        }
        held.shift()!();
      }
      expect(stops).toBeGreaterThan(5);
      await poll(() => lastAssistantText(watching)).toContain("Done with it all. END-OF-REPLY");
    } finally {
      for (const release of held.splice(0)) release();
      await watching.close();
      await fresh.close();
    }
  }, 180_000);
});
