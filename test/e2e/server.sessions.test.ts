import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMux, tempDirs } from "../helpers/mux.js";
import { connect, type ServerProcess, signIn, startServer } from "../helpers/server.js";

/** Browsers' sign-ins to a real `mux server`: kept across restarts, listed and revoked. */

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:141.0) Gecko/20100101 Firefox/141.0";

let dirs: ReturnType<typeof tempDirs>;
const servers: ServerProcess[] = [];
beforeAll(() => {
  dirs = tempDirs();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  dirs?.cleanup();
});

async function start(args: string[] = []) {
  const s = await startServer({ muxRoot: dirs.muxRoot, token: "stored", args });
  servers.push(s);
  return s;
}
const pageStatus = (s: ServerProcess, headers: Record<string, string>) => fetch(s.url, { headers, redirect: "manual" }).then((r) => r.status);
const origin = (s: ServerProcess) => s.url.replace(/\/$/, "");
const sessionsCli = async (...args: string[]) => runMux(["server", ...args], { env: { MUX_ROOT: dirs.muxRoot } });

describe("mux server sessions", () => {
  it("a signed-in browser stays signed in when the server restarts; the sessions file is 0600 and holds no secret", async () => {
    const first = await start();
    const cookie = await signIn(first, first.token!, { "user-agent": CHROME });
    expect(await pageStatus(first, { cookie })).toBe(200);
    await first.stop();

    const second = await start();
    // Same port in real use; here the port changes, so the cookie is sent under the new name.
    const moved = cookie.replace(`mux_session_${first.port}`, `mux_session_${second.port}`);
    expect(await pageStatus(second, { cookie: moved })).toBe(200);
    const ws = await connect(second, { bearer: null, cookie: moved, origin: origin(second) });
    expect(await ws.api.workspaces.list()).toEqual([]);
    ws.close();
    const file = path.join(dirs.muxRoot, "server", "sessions.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).not.toContain(cookie.split("=")[1]);
    await second.stop();
  });

  it("`mux server sessions` lists the browsers; `mux server revoke <id>` signs one out at once, closing its open connection", async () => {
    const s = await start();
    const chrome = await signIn(s, s.token!, { "user-agent": CHROME });
    const firefox = await signIn(s, s.token!, { "user-agent": FIREFOX });
    const chromeWs = await connect(s, { bearer: null, cookie: chrome, origin: origin(s) });
    const firefoxWs = await connect(s, { bearer: null, cookie: firefox, origin: origin(s) });
    const chromeClosed = new Promise<number>((resolve) => chromeWs.socket.once("close", (code) => resolve(code)));

    const listed = await sessionsCli("sessions");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/Chrome 140 on Linux/);
    expect(listed.stdout).toMatch(/Firefox 141 on Windows/);
    const json = JSON.parse((await sessionsCli("sessions", "--json")).stdout) as { id: string; userAgent?: string }[];
    const chromeId = json.find((x) => x.userAgent === CHROME)!.id;
    expect(JSON.stringify(json)).not.toMatch(/secretHash|tokenHash/);

    const revoked = await sessionsCli("revoke", chromeId);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain("Signed out 1 browser.");
    expect(await chromeClosed).toBe(4401);
    expect(await pageStatus(s, { cookie: chrome })).toBe(401);
    // The other browser goes on.
    expect(await pageStatus(s, { cookie: firefox })).toBe(200);
    expect(await firefoxWs.api.workspaces.list()).toEqual([]);
    firefoxWs.close();
    await s.stop();
  });

  it("Sign out everywhere (DELETE api/sessions) ends every browser's session; the token as Bearer keeps working", async () => {
    const s = await start();
    await sessionsCli("revoke", "--all"); // the earlier tests' browsers
    const a = await signIn(s, s.token!);
    const b = await signIn(s, s.token!);
    const listed = (await (await fetch(new URL("api/sessions", s.url), { headers: { cookie: a } })).json()) as { sessions: unknown[] };
    expect(listed).toMatchObject({ enabled: true, current: expect.any(String) });
    expect(listed.sessions).toHaveLength(2);
    const bWs = await connect(s, { bearer: null, cookie: b, origin: origin(s) });
    const bClosed = new Promise<number>((resolve) => bWs.socket.once("close", (code) => resolve(code)));

    // Another origin on the same host (same site, so the cookie goes along) may not.
    const foreign = await fetch(new URL("api/sessions", s.url), { method: "DELETE", headers: { cookie: a, origin: "http://127.0.0.1:1" } });
    expect(foreign.status).toBe(403);
    const out = await fetch(new URL("api/sessions", s.url), { method: "DELETE", headers: { cookie: a, origin: origin(s) } });
    expect(await out.json()).toEqual({ revoked: 2 });
    expect(await bClosed).toBe(4401);
    expect(await pageStatus(s, { cookie: a })).toBe(401);
    expect(await pageStatus(s, { cookie: b })).toBe(401);
    expect(await pageStatus(s, { authorization: `Bearer ${s.token}` })).toBe(200);
    expect((await sessionsCli("sessions")).stdout).toContain("No browser is signed in.");
    await s.stop();
  });

  it("--new-token signs every browser out", async () => {
    const s = await start();
    const cookie = await signIn(s, s.token!);
    await s.stop();
    const rotated = await start(["--new-token"]);
    expect(await pageStatus(rotated, { cookie: cookie.replace(/^mux_session_\d+/, `mux_session_${rotated.port}`) })).toBe(401);
    await expect.poll(async () => (await sessionsCli("sessions")).stdout).toContain("No browser is signed in.");
    await rotated.stop();
  });
});
