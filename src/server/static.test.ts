import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerSecret } from "../common/redact.js";
import { BOOT_ELEMENT_ID, bootScript } from "./http.js";
import { serveStatic } from "./static.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-static-"));
  fs.mkdirSync(path.join(root, "assets"));
  fs.writeFileSync(path.join(root, "index.html"), "<!doctype html><html><head><title>Mux</title></head><body></body></html>");
  fs.writeFileSync(path.join(root, "assets", "app-abc123.js"), "console.log(1)");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** The JSON inside a page's boot element, as the browser would parse it. */
function bootOf(html: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${BOOT_ELEMENT_ID}">(.*?)</script>`).exec(html);
  return m ? JSON.parse(m[1]) : undefined;
}

describe("serveStatic", () => {
  it("serves index.html for app routes, with data injected before </head> and never cached", async () => {
    const res = serveStatic(root, "/workspace/abc", "text/html", { inject: () => bootScript({ list: [1, 2] }) });
    const html = await res.text();
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(html.indexOf(BOOT_ELEMENT_ID)).toBeLessThan(html.indexOf("</head>"));
    expect(bootOf(html)).toEqual({ list: [1, 2] });
  });

  it("serves index.html unchanged (revalidated) when there is nothing to inject", async () => {
    const res = serveStatic(root, "/", "text/html", { inject: () => undefined });
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).not.toContain(BOOT_ELEMENT_ID);
  });

  it("caches hashed assets for good and 404s a missing file", async () => {
    const asset = serveStatic(root, "/assets/app-abc123.js", "*/*");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await asset.text()).toBe("console.log(1)");
    expect(serveStatic(root, "/assets/missing.js", "*/*").status).toBe(404);
  });

  it("refuses paths that climb out of the web root", async () => {
    fs.writeFileSync(path.join(path.dirname(root), "secret.txt"), "nope");
    const res = serveStatic(root, "/../secret.txt", "*/*");
    expect(await res.text()).not.toContain("nope");
    fs.rmSync(path.join(path.dirname(root), "secret.txt"));
  });
});

describe("bootScript", () => {
  it("cannot be closed or commented out by a string inside it", () => {
    const hostile = { name: "</script><script>alert(1)</script><!--", sep: "a\u2028b" };
    const html = bootScript(hostile);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain("<!--");
    expect(bootOf(html)).toEqual(hostile);
  });

  it("redacts known secrets like every API frame", () => {
    registerSecret("sk-boot-secret-123456");
    const html = bootScript({ error: "401 for key sk-boot-secret-123456" });
    expect(html).not.toContain("sk-boot-secret-123456");
    expect(bootOf(html)).toEqual({ error: "401 for key [REDACTED]" });
  });
});
