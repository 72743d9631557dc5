import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatItem } from "../../src/api/schemas.js";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { connect, readUntil, type ServerProcess, signIn, startServer, TEST_TOKEN, upgradeStatus } from "../helpers/server.js";

/** Auth, the HTTP routes and the providers API of the real `mux server` process. */

describe("mux server: access control", () => {
  let dirs: ReturnType<typeof tempDirs>;
  let server: ServerProcess;
  beforeAll(async () => {
    dirs = tempDirs();
    const web = path.join(dirs.base, "web");
    fs.mkdirSync(path.join(web, "assets"), { recursive: true });
    fs.writeFileSync(path.join(web, "index.html"), '<!doctype html><script type="module" src="./assets/app.js"></script>APP-INDEX');
    fs.writeFileSync(path.join(web, "assets", "app.js"), "console.log('app')");
    server = await startServer({ muxRoot: dirs.muxRoot, env: { MUX_WEB_DIR: web } });
  });
  afterAll(async () => {
    await server?.stop();
    dirs.cleanup();
  });

  const get = (p: string, headers: Record<string, string> = {}) => fetch(new URL(p, server.url), { headers, redirect: "manual" });

  it("GET /health is open and says ok", async () => {
    const r = await get("health");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it("every other route answers 401 without the token or with a wrong one", async () => {
    for (const p of ["", "index.html", "assets/app.js", "workspace/abc", "api/ws", "api/nothing", "health/x"]) {
      const variants: Record<string, string>[] = [
        {},
        { authorization: "Bearer wrong" },
        { cookie: `mux_session_${server.port}=wrong` },
        // The token itself is no cookie: a browser holds only a session's secret.
        { cookie: `mux_session_${server.port}=${TEST_TOKEN}` },
        { cookie: `mux_token_${server.port}=${TEST_TOKEN}` },
      ];
      for (const headers of variants) {
        const r = await get(p, headers);
        expect(r.status, `${p} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    const html = await get("", { accept: "text/html" });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).not.toContain(TEST_TOKEN);
    expect(await upgradeStatus(server, {})).toBe(401);
    expect(await upgradeStatus(server, { authorization: "Bearer wrong" })).toBe(401);
    expect(await upgradeStatus(server, { authorization: `Bearer ${TEST_TOKEN}` })).toBe(101);
  });

  it("serves the app with the token: files as they are, index.html for app routes", async () => {
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const index = await get("", auth);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("APP-INDEX");
    const js = await get("assets/app.js", auth);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(await (await get("workspace/abc", { ...auth, accept: "text/html" })).text()).toContain("APP-INDEX");
    expect((await get("assets/missing.js", auth)).status).toBe(404);
    expect(await (await get("assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", auth)).text()).not.toContain("root:");
  });

  it("?token= exchanges the token for a session cookie (HttpOnly, SameSite=Strict, not the token) and redirects to the page without the token", async () => {
    const r = await get(`?token=${TEST_TOKEN}&x=1`);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("./?x=1");
    const setCookie = r.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=\d+/); // an installed app keeps it when closed
    expect(setCookie).not.toMatch(/Path=/i); // the browser scopes it to the directory it visited
    expect(setCookie).not.toContain(TEST_TOKEN);
    expect(setCookie).toMatch(new RegExp(`^mux_session_${server.port}=[A-Za-z0-9_-]{43};`));
    const cookie = setCookie.split(";")[0];
    expect((await get("", { cookie })).status).toBe(200);
    // Signed in, the token in the URL again (Coder adds an app URL's query at the app root): no loop.
    expect((await get(`?token=${TEST_TOKEN}`, { cookie })).status).toBe(200);
    expect(await upgradeStatus(server, { cookie, origin: server.url.replace(/\/$/, "") })).toBe(101);

    // A deep first page goes through the app's root, so the cookie covers the whole app.
    const deep = await get(`workspace/abc?token=${TEST_TOKEN}`);
    expect(deep.status).toBe(302);
    expect(deep.headers.get("location")).toBe(`../?token=${TEST_TOKEN}&next=workspace%2Fabc`);
    const root = await get(`?token=${TEST_TOKEN}&next=workspace%2Fabc`);
    expect(root.headers.get("location")).toBe("./workspace/abc");
    expect((await get(`?token=${TEST_TOKEN}&next=%2F%2Fevil.example`)).headers.get("location")).toBe("./");

    expect((await get("?token=wrong")).status).toBe(401);
  });

  it("refuses cross-origin WebSocket upgrades, even with a valid cookie", async () => {
    const cookie = await signIn(server, TEST_TOKEN);
    expect(await upgradeStatus(server, { cookie, origin: "http://evil.example" })).toBe(403);
    expect(await upgradeStatus(server, { authorization: `Bearer ${TEST_TOKEN}`, origin: "http://evil.example" })).toBe(403);
    expect(await upgradeStatus(server, { cookie, origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    // Without an Origin (not a browser) only the Bearer header counts.
    expect(await upgradeStatus(server, { cookie })).toBe(401);
    // Relative to a deep page the socket is at <dir>/api/ws.
    expect(await upgradeStatus(server, { cookie, origin: `http://127.0.0.1:${server.port}` }, "workspace/api/ws")).toBe(101);
  });

  it.runIf(process.platform === "linux")("other local users cannot read the --auth-token value from the command line (/proc/<pid>/cmdline, ps)", () => {
    const cmdline = fs.readFileSync(`/proc/${server.child.pid}/cmdline`, "utf8");
    expect(cmdline).not.toContain(TEST_TOKEN);
    expect(cmdline.replace(/\0+/g, " ").trim()).toMatch(/^mux server .*--auth-token \*\*\*/);
  });

  it("never logs the token", () => {
    const { stdout, stderr } = server.output();
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(stdout + stderr).not.toContain(TEST_TOKEN);
  });
});

describe("mux server: providers", () => {
  const RAW_KEY = "sk-ant-raw-secret-key-0123456789abcdef";
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let server: ServerProcess;
  let repo: string;
  beforeAll(async () => {
    fake = await startFakeProvider({ token: RAW_KEY });
    dirs = tempDirs();
    repo = makeRepo(path.join(dirs.base, "app"));
    server = await startServer({ muxRoot: dirs.muxRoot });
  });
  afterAll(async () => {
    await server?.stop();
    await fake.close();
    dirs.cleanup();
  });

  it("serves a plain page when the web app is not built", async () => {
    const r = await fetch(server.url, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("not built");
  });

  it("a malformed providers.jsonc does not stop the server: reported with file:line:col, and in the chat", async () => {
    const file = path.join(dirs.muxRoot, "providers.jsonc");
    fs.writeFileSync(file, '{\n  "anthropic": { "apiKey": }\n}\n');
    const c = await connect(server);
    try {
      const view = await c.api.providers.get();
      expect(view.error).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:\\d+`));
      expect((await c.api.providers.models()).models.length).toBeGreaterThan(0);

      const ws = await c.api.workspaces.create({ projectPath: repo, runtime: { type: "local" } });
      const stream = await c.api.chat.subscribe({ workspaceId: ws.id });
      await readUntil(stream, (i) => i.type === "caught-up");
      expect(await c.api.chat.send({ workspaceId: ws.id, text: "hello", model: "sonnet" })).toEqual({ queued: false });
      const items = await readUntil(stream, (i) => i.type === "message" && i.message.role === "assistant");
      const error = items.find((i): i is Extract<ChatItem, { type: "event" }> => i.type === "event" && i.event.type === "error");
      expect(error?.event).toMatchObject({ kind: "config", message: expect.stringContaining(`${file}:2:`) });
      const answer = items.at(-1) as Extract<ChatItem, { type: "message" }>;
      expect(answer.message.metadata).toMatchObject({ status: "error" });
      const list = await c.api.workspaces.list();
      expect(list.find((w) => w.id === ws.id)?.activity).toMatchObject({ state: "error" });
      expect(server.child.exitCode).toBeNull();
    } finally {
      c.close();
      fs.rmSync(file, { force: true });
    }
  });

  it("Settings → Providers shows Ollama as not reachable when no server answers at its base URL, without any LLM request", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const c = await connect(server);
    const requestsBefore = fake.requests.length;
    try {
      const down = await c.api.providers.update({ id: "ollama", baseUrl: `http://127.0.0.1:${port}/api` });
      const ollamaDown = down.providers.find((p) => p.id === "ollama")!;
      expect(ollamaDown).toMatchObject({ ready: false, reachable: { ok: false, url: `http://127.0.0.1:${port}/api` } });
      expect((await c.api.providers.get()).providers.find((p) => p.id === "ollama")!.ready).toBe(false);

      const up = await c.api.providers.update({ id: "ollama", baseUrl: `${fake.url}/api` });
      expect(up.providers.find((p) => p.id === "ollama")).toMatchObject({ ready: true, reachable: { ok: true } });
      // The check is a plain GET of the base URL: it never reached an LLM endpoint.
      expect(fake.requests.length).toBe(requestsBefore);
    } finally {
      await c.api.providers.remove({ id: "ollama" });
      c.close();
    }
  });

  it("API keys never leave the server: views are masked and no frame carries the raw key", async () => {
    const c = await connect(server);
    try {
      const updated = await c.api.providers.update({ id: "anthropic", apiKey: RAW_KEY, baseUrl: fake.url });
      const anthropic = updated.providers.find((p) => p.id === "anthropic")!;
      expect(anthropic.apiKey.masked).toBeTruthy();
      expect(anthropic.apiKey.masked).not.toContain(RAW_KEY);
      expect(anthropic.ready).toBe(true);
      expect((await c.api.providers.get()).providers.find((p) => p.id === "anthropic")!.apiKey.masked).toBe(anthropic.apiKey.masked);

      // The key works for a turn; and a provider echoing the key in an error gets it scrubbed.
      const ws = await c.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "keys" });
      const stream = await c.api.chat.subscribe({ workspaceId: ws.id });
      await readUntil(stream, (i) => i.type === "caught-up");
      fake.enqueue({ text: "key works" });
      await c.api.chat.send({ workspaceId: ws.id, text: "hi", model: "sonnet" });
      const first = await readUntil(stream, (i) => i.type === "message" && i.message.role === "assistant");
      expect(JSON.stringify(first.at(-1))).toContain("key works");
      fake.enqueue({
        fault: { kind: "status", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: `bad request for key ${RAW_KEY}` } } },
      });
      await c.api.chat.send({ workspaceId: ws.id, text: "again" });
      const second = await readUntil(stream, (i) => i.type === "message" && i.message.role === "assistant");
      expect(JSON.stringify(second)).toContain("[REDACTED]");
      expect(c.frames.length).toBeGreaterThan(10);
      expect(c.frames.join("\n")).not.toContain(RAW_KEY);
    } finally {
      c.close();
    }
  });
});

describe("mux server --no-auth", () => {
  it("listening on every interface, it prints a loud warning that anyone reaching the port can run commands", async () => {
    const dirs = tempDirs();
    const open = await startServer({ muxRoot: dirs.muxRoot, token: null, args: ["--host", "0.0.0.0"] });
    const local = await startServer({ muxRoot: dirs.muxRoot, token: null });
    try {
      await expect.poll(() => open.output().stderr).toMatch(/WARNING: mux server listens on 0\.0\.0\.0 WITHOUT AUTHENTICATION/);
      expect(open.output().stderr).toContain("can run any command as you");
      await local.stop();
      expect(local.output().stderr).not.toContain("WARNING");
    } finally {
      await Promise.all([open.stop(), local.stop()]);
      dirs.cleanup();
    }
  });
});
