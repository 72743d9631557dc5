import * as fs from "node:fs";
import * as path from "node:path";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { REPO_ROOT } from "./mux.js";

/** Debian's Chromium, installed by .ci/run (Playwright's own download cannot work here). */
export const CHROMIUM = process.env.MUX_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = fs.existsSync(CHROMIUM);

/** Screenshots of the main views are kept as test artifacts. */
export const ARTIFACTS = path.join(REPO_ROOT, "test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export async function newContext(browser: Browser, opts: { phone?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext(
    opts.phone ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } : { viewport: { width: 1440, height: 900 } },
  );
}

export async function screenshot(page: import("playwright-core").Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}
