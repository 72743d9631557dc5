import * as fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerSecret } from "../common/redact.js";
import { Auth } from "./auth.js";
import { SessionStore } from "./sessions.js";
import { BOOT_ELEMENT_ID, bootScript, CONTENT_SECURITY_POLICY, createHttpListener } from "./http.js";
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

describe("security headers", () => {
  const csp = (res: Response) => res.headers.get("content-security-policy");

  it("the policy allows scripts from the app only, and no framing", () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)] as const));
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
  });

  /** The HTTP routes of a real listener (web app at `webDir`), on a free port, for `fn`. */
  async function withListener(webDir: string, fn: (get: (p: string, headers?: Record<string, string>) => Promise<Response>) => Promise<void>) {
    const server = createServer(createHttpListener(new Auth("tok-123", 1, new SessionStore({ MUX_ROOT: root }, "tok-123")), { MUX_WEB_DIR: webDir }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fn((p, headers = {}) => fetch(base + p, { headers, redirect: "manual" }));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }
  const bearer = { authorization: "Bearer tok-123" };

  it("the HTTP listener adds nosniff and no-referrer to every response, and the policy to every page", async () => {
    await withListener(root, async (get) => {
      const responses = {
        page: await get("/", { ...bearer, accept: "text/html" }),
        asset: await get("/assets/app-abc123.js", bearer),
        apiMissing: await get("/api/nothing", bearer),
        signInPage: await get("/", { accept: "text/html" }),
        tokenRedirect: await get("/?token=tok-123"),
      };
      for (const [name, res] of Object.entries(responses)) {
        expect([name, res.headers.get("x-content-type-options"), res.headers.get("referrer-policy")]).toEqual([name, "nosniff", "no-referrer"]);
        await res.arrayBuffer();
      }
      expect(responses.page.status).toBe(200);
      expect(responses.signInPage.status).toBe(401);
      expect(csp(responses.page)).toBe(CONTENT_SECURITY_POLICY);
      expect(csp(responses.signInPage)).toBe(CONTENT_SECURITY_POLICY);
      expect(csp(responses.asset)).toBeNull();
      expect(csp(responses.apiMissing)).toBeNull();
    });
  });

  it("the page saying the app is not built gets the policy too", async () => {
    await withListener(path.join(root, "missing"), async (get) => {
      const res = await get("/", bearer);
      expect(await res.text()).toContain("not built");
      expect(csp(res)).toBe(CONTENT_SECURITY_POLICY);
    });
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
