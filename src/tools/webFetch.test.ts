import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";
import { createWebFetchTool, webFetchTool } from "./webFetch.js";

const ARTICLE = `<!doctype html><html><head><title>Release notes</title><script>alert("no")</script></head><body>
<nav><a href="/">Home</a> | <a href="/blog">Blog</a> | <a href="/about">About us</a></nav>
<article><h1>Version 2 is out</h1>
<p>Version 2 brings <strong>faster builds</strong> and a new plugin API that many of you asked for over the last year.</p>
<p>Upgrading takes one command. Read the <a href="https://example.com/guide">migration guide</a> before you start, because two options changed their names.</p>
<pre><code>npm install tool@2</code></pre>
<ul><li>Builds are twice as fast</li><li>Plugins can add commands</li></ul>
</article>
<footer>Copyright and cookie banner text</footer></body></html>`;

let server: http.Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    switch (req.url) {
      case "/article":
        return send(200, "text/html; charset=utf-8", ARTICLE);
      case "/moved":
        res.writeHead(302, { location: "/article" });
        return res.end();
      case "/plain":
        return send(200, "text/plain", "just text\n  kept as it is");
      case "/json":
        return send(200, "application/json", '{"a":1}');
      case "/missing":
        return send(404, "text/html", "<h1>Not here</h1>");
      case "/image":
        return send(200, "image/png", Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      case "/big":
        return send(200, "text/plain", "x".repeat(300_000));
      case "/slow":
        return; // never answers
      default:
        return send(500, "text/plain", "?");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

describe("web_fetch", () => {
  it("returns a page's article as Markdown, without menus, footers or scripts", async () => {
    const r = await ws.run(webFetchTool, { url: `${base}/moved` });
    expect(r.url).toBe(`${base}/article`);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe("text/html");
    expect(r.title).toBe("Release notes");
    expect(r.content).toContain("**faster builds**");
    expect(r.content).toContain("[migration guide](https://example.com/guide)");
    expect(r.content).toContain("```\nnpm install tool@2\n```");
    expect(r.content).toMatch(/^-\s+Builds are twice as fast$/m);
    expect(r.content).not.toMatch(/About us|cookie banner|alert/);
    expect(r.truncated).toBeUndefined();
  });

  it("returns plain text and JSON as they are", async () => {
    expect((await ws.run(webFetchTool, { url: `${base}/plain` })).content).toBe("just text\n  kept as it is");
    expect(await ws.run(webFetchTool, { url: `${base}/json` })).toMatchObject({ content: '{"a":1}', contentType: "application/json" });
  });

  it("caps what it downloads and what it returns, and says so", async () => {
    const tool = createWebFetchTool({ maxBytes: 100_000, maxChars: 1_000, timeoutMs: 10_000 });
    const r = await ws.run(tool, { url: `${base}/big` });
    expect(r.content).toHaveLength(1_000);
    expect(r.truncated).toBe("only the first 100000 bytes of the page were downloaded; content cut to 1000 of 100000 characters.");
  });

  it("fails clearly on a non-2xx answer, a binary body, a bad scheme, a refused connection and a timeout", async () => {
    await expect(ws.run(webFetchTool, { url: `${base}/missing` })).rejects.toThrow(`${base}/missing answered HTTP 404 Not Found`);
    await expect(ws.run(webFetchTool, { url: `${base}/image` })).rejects.toThrow(/is image\/png, not a web page or text/);
    await expect(ws.run(webFetchTool, { url: "file:///etc/passwd" })).rejects.toThrow("only http and https URLs can be fetched, not file:");
    await expect(ws.run(webFetchTool, { url: "not a url" })).rejects.toThrow(/is not a URL/);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(ws.run(webFetchTool, { url: `http://127.0.0.1:${port}/` })).rejects.toThrow(`127.0.0.1:${port} refused the connection`);
    const quick = createWebFetchTool({ maxBytes: 1_000, maxChars: 1_000, timeoutMs: 300 });
    await expect(ws.run(quick, { url: `${base}/slow` })).rejects.toThrow(/did not answer in time/);
  });

  it("says when a host cannot be resolved (offline, or no such name)", async () => {
    await expect(ws.run(webFetchTool, { url: "http://no-such-host.invalid/" })).rejects.toThrow(
      "cannot resolve no-such-host.invalid: no such host, or this machine is offline (DNS lookup failed)",
    );
  });

  it("stops when the turn is interrupted", async () => {
    const abort = new AbortController();
    const pending = ws.run(webFetchTool, { url: `${base}/slow` }, { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow("interrupted by the user");
  });
});
