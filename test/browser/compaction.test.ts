import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { runMux } from "../helpers/mux.js";
import { type App, poll, startApp } from "./harness.js";

/** `/compact` and `/clear` typed in the composer: the chat shows each boundary and keeps what came before it. */
describe.skipIf(!hasChromium)("browser: compacting and clearing the context", () => {
  let app: App;
  let workspaceId = "";

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        const repo = makeRepo(path.join(dirs.base, "ctx-app"));
        const created = await runMux(["workspace", "create", "ctx", "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
        if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
        workspaceId = JSON.parse(created.stdout).id;
      },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("shows a divider for /compact (above the summary), for an auto-compaction and for /clear, with the earlier messages still in the chat", async () => {
    const page = await app.open({ hash: `#/w/${workspaceId}` });
    try {
      const input = page.getByTestId("composer-input");
      const idle = page.getByTestId("chat-view").and(page.locator("[data-state=idle]"));
      const send = async (text: string) => {
        await idle.waitFor();
        await input.fill(text);
        await input.press("Enter");
      };
      app.fake.enqueue({ text: "First answer with OLD-DETAIL." }, { text: "SUMMARY of the work so far." });
      await send("fix the parser");
      await page.getByTestId("message-assistant").filter({ hasText: "OLD-DETAIL" }).waitFor();
      await send("/compact");
      const compaction = page.locator("[data-testid=context-boundary][data-kind=compaction]");
      await compaction.waitFor();
      await page.getByTestId("message-assistant").filter({ hasText: "SUMMARY of the work so far." }).waitFor();
      expect(await page.getByTestId("message-user").filter({ hasText: "/compact" }).count()).toBe(0);

      // A turn that starts with Sonnet's window over 70 % full compacts first: the summary streams in, then the answer.
      app.fake.enqueue({ text: "A big answer.", usage: { input: 150_000, output: 10 } }, { text: "AUTO-SUMMARY." }, { text: "Answer after the summary." });
      await send("big");
      await page.getByTestId("message-assistant").filter({ hasText: "A big answer." }).waitFor();
      await send("next");
      await page.getByTestId("message-assistant").filter({ hasText: "Answer after the summary." }).and(page.locator("[data-status=complete]")).waitFor();
      await poll(() => compaction.count()).toBe(2);
      expect(await page.getByTestId("message-assistant").filter({ hasText: "AUTO-SUMMARY." }).count()).toBe(1);

      const requests = app.fake.requests.length;
      await send("/clear");
      await page.locator("[data-testid=context-boundary][data-kind=reset]").waitFor();
      await idle.waitFor();
      expect(app.fake.requests).toHaveLength(requests);
      await screenshot(page, "context-boundaries");

      // After a reload (read from disk), everything is still there, in order (the message that
      // started the auto-compaction was stored first, before its summary).
      await page.reload();
      await page.locator("[data-testid=context-boundary][data-kind=reset]").waitFor();
      await poll(() => page.getByTestId("message-list").textContent()).toMatch(
        /fix the parser[\s\S]*OLD-DETAIL[\s\S]*compacted[\s\S]*SUMMARY of the work[\s\S]*next[\s\S]*AUTO-SUMMARY[\s\S]*Answer after the summary[\s\S]*Context cleared/,
      );
    } finally {
      await page.close();
    }
  }, 60_000);
});
