import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBase64 } from "../../src/api/images.js";
import { imageInfo } from "../../src/common/imageInfo.js";
import { hasChromium, newContext, screenshot } from "../helpers/browser.js";
import { makeRepo } from "../helpers/git.js";
import { makePng } from "../helpers/images.js";
import { runMux, writeProviders } from "../helpers/mux.js";
import { type App, lastUserText, poll, startApp } from "./harness.js";

declare const document: any;
declare const window: any;

/**
 * Images in the web app: pasted or dropped into the composer (a large one scaled down in the
 * browser), sent to the model as images, shown in the chat as thumbnails that enlarge, and still
 * there after a reload; refused before sending when the workspace's model takes none.
 */

/** Puts files (name, type, base64) on the page as a paste into the composer, or a drop on it. */
async function give(page: Page, how: "paste" | "drop", files: { name: string; type: string; data: string }[]) {
  await page.getByTestId("composer-input").waitFor();
  await page.evaluate(
    ({ how, files }) => {
      const dt = new window.DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(window.atob(f.data), (c: string) => c.charCodeAt(0));
        dt.items.add(new window.File([bytes], f.name, { type: f.type }));
      }
      if (how === "paste") {
        document
          .querySelector("[data-testid=composer-input]")
          .dispatchEvent(new window.ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
      } else {
        const target = document.querySelector("[data-testid=composer]");
        target.dispatchEvent(new window.DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        target.dispatchEvent(new window.DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { how, files },
  );
}

const SMALL = makePng(120, 80).toString("base64");
/** Wider than any provider needs: the browser scales it to 2048 px. */
const WIDE = makePng(3000, 1000).toString("base64");

describe.skipIf(!hasChromium)("browser: images", () => {
  let app: App;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp({
      before: async (dirs) => {
        writeProviders(dirs.muxRoot, `{ "local": { "providerType": "openai-compatible", "baseUrl": "http://127.0.0.1:9/v1", "models": ["coder"] } }`);
        const repo = makeRepo(path.join(dirs.base, "img-app"));
        for (const name of ["wide", "phone", "blind"]) {
          const created = await runMux(["workspace", "create", name, "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
          if (created.code !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
          ids[name] = JSON.parse(created.stdout).id;
        }
      },
    });
    const api = await app.api();
    await api.workspaces.updateSettings({ workspaceId: ids.blind, settings: { model: "local:coder" } });
    app.fake.setResponder(() => ({ text: "I see a gradient." }));
  }, 120_000);
  afterAll(() => app?.close());

  for (const [label, phone] of [
    ["1400 px", false],
    ["390 px", true],
  ] as const) {
    it(`at ${label}: a pasted and a dropped image go to the model, and show as thumbnails after a reload`, async () => {
      const workspace = phone ? ids.phone : ids.wide;
      const context = await newContext(app.browser, { phone });
      const page = await app.open({ context, hash: `#/w/${workspace}` });
      try {
        if (!phone) await page.setViewportSize({ width: 1400, height: 900 });
        await give(page, "paste", [{ name: "small.png", type: "image/png", data: SMALL }]);
        await give(page, "drop", [{ name: "wide.png", type: "image/png", data: WIDE }]);
        await poll(() => page.getByTestId("composer-image").count()).toBe(2);
        await screenshot(page, `images-composer-${phone ? "phone" : "wide"}`);

        // A file that is no image is refused where it was dropped.
        await give(page, "drop", [{ name: "notes.txt", type: "text/plain", data: "aGVsbG8=" }]);
        await poll(() => page.getByTestId("attach-error").textContent()).toContain("only PNG, JPEG, WebP and GIF images can be attached");

        const before = app.fake.requests.length;
        await page.getByTestId("composer-input").fill(`what do you see (${label})?`);
        await page.getByTestId("send-button").click();
        await poll(() => app.fake.requests.length).toBe(before + 1);
        const req = app.fake.requests[before];
        expect(lastUserText(req)).toBe(`what do you see (${label})?`);
        expect(req.images.map((i) => i.mediaType)).toEqual(["image/png", "image/png"]);
        expect(req.images[0].data).toBe(SMALL);
        // Scaled down in the browser to 2048 px on its longer side.
        expect(imageInfo(decodeBase64(req.images[1].data))).toMatchObject({ width: 2048, height: 683 });
        await poll(() => page.getByTestId("composer-image").count()).toBe(0);

        await page.reload();
        const thumbs = page.getByTestId("message-user").last().getByTestId("file-image");
        await poll(() => thumbs.count()).toBe(2);
        expect(await thumbs.first().isVisible()).toBe(true);
        const box = await thumbs.last().boundingBox();
        expect(box?.height).toBeLessThanOrEqual(128);
        expect(box?.width).toBeLessThanOrEqual(phone ? 390 : 256);
        await screenshot(page, `images-chat-${phone ? "phone" : "wide"}`);

        // The chat reaches the page with links to its images, not the images: the page fetches
        // each (signed in) when it shows it.
        const src = (await thumbs.first().getAttribute("src")) as string;
        expect(src).toMatch(/^api\/images\/[^/]+\/[^/]+\/1$/);
        const fetched = await page.evaluate(async (url: string) => {
          const r = await window.fetch(url);
          const bytes = new Uint8Array(await r.arrayBuffer());
          return { type: r.headers.get("content-type"), data: window.btoa(String.fromCharCode(...bytes)) };
        }, src);
        expect(fetched).toEqual({ type: "image/png", data: SMALL });
        expect((await fetch(`${app.server.url}/${src}`)).status).toBe(401);
        expect((await fetch(`${app.server.url}/${src.replace(/1$/, "0")}`, { headers: { authorization: `Bearer ${app.server.token}` } })).status).toBe(404);

        await thumbs.last().click();
        const lightbox = page.getByTestId("image-lightbox");
        await lightbox.waitFor();
        const big = await lightbox.locator("img").boundingBox();
        expect(big?.width).toBeGreaterThan(box?.width ?? 0);
        await page.keyboard.press("Escape");
        await lightbox.waitFor({ state: "detached" });
      } finally {
        await context.close();
      }
    });
  }

  it("the API checks images where they come in: type by their bytes, size, count", async () => {
    const api = await app.api();
    const send = (images: { mediaType: string; data: string }[]) =>
      api.chat.send({ workspaceId: ids.wide, text: "x", images: images as never }).then(
        () => "sent",
        (e: Error & { data?: { issues?: { message: string }[] } }) => e.data?.issues?.[0]?.message ?? e.message,
      );
    const before = app.fake.requests.length;
    expect(await send([{ mediaType: "image/svg+xml", data: SMALL }])).toBe("images must be PNG, JPEG, WebP or GIF");
    expect(await send([{ mediaType: "image/jpeg", data: SMALL }])).toBe("the image is image/png, not image/jpeg");
    expect(await send(Array(11).fill({ mediaType: "image/png", data: SMALL }))).toBe("a message may carry at most 10 images");
    expect(app.fake.requests.length).toBe(before);
  });

  it("refuses images for a model that takes none, before anything is sent", async () => {
    const page = await app.open({ hash: `#/w/${ids.blind}` });
    try {
      await give(page, "paste", [{ name: "small.png", type: "image/png", data: SMALL }]);
      await poll(() => page.getByTestId("attach-error").textContent()).toBe("local:coder does not take images: pick a model that does, or remove them");
      const before = app.fake.requests.length;
      await page.getByTestId("composer-input").fill("look");
      await page.getByTestId("send-button").click();
      await poll(() => page.getByTestId("send-error").textContent()).toContain("local:coder does not take images");
      expect(await page.getByTestId("message-user").count()).toBe(0);
      expect(app.fake.requests.length).toBe(before);
      // Removing the image lets the message go.
      await page.getByTestId("remove-image").click();
      await poll(() => page.getByTestId("attach-error").count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });
});
