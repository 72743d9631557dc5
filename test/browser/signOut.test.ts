import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium } from "../helpers/browser.js";
import { type App, poll, startApp } from "./harness.js";

/** Settings → "Sign out everywhere" in a real browser: every browser lands on the sign-in page. */

describe.skipIf(!hasChromium)("browser: sign out everywhere", () => {
  let app: App;
  let here: Page;
  let elsewhere: Page;
  beforeAll(async () => {
    app = await startApp();
    here = await app.open();
    elsewhere = await app.open(); // another browser (its own cookie jar)
  }, 60_000); // a server and two browsers
  afterAll(async () => {
    await app?.close();
  });

  const signInNotice = (page: Page) => page.locator("h1", { hasText: "needs its access token" });

  it("signs this tab and every other browser out; the token as Bearer still works", async () => {
    await here.keyboard.press("Control+Comma");
    const section = here.getByTestId("sign-out-everywhere");
    await poll(() => section.textContent()).toContain("Signed in on 2 browsers");
    await section.getByTestId("sign-out-everywhere-button").click();
    await section.getByTestId("sign-out-everywhere-confirm").click();

    await signInNotice(here).waitFor();
    await signInNotice(elsewhere).waitFor();
    // A reload does not sign back in: the cookie's session is gone.
    await elsewhere.reload();
    await signInNotice(elsewhere).waitFor();
    expect(await (await app.api()).workspaces.list()).toBeInstanceOf(Array);
  });
});
