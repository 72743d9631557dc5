import * as net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDirs } from "../helpers/mux.js";
import { connect, type ServerProcess, signIn, startServer, TEST_TOKEN, upgradeStatus } from "../helpers/server.js";

/**
 * `mux server` started the way the original Mux's users start it: their scripts, CI jobs and
 * Coder's mux module (which passes `--open-mode pinned` in its example). Each server listens on
 * 127.0.0.1 and a free port (`--host`/`--port` come first), then the line under test.
 */

let dirs: ReturnType<typeof tempDirs>;
let server: ServerProcess | undefined;
beforeEach(() => {
  dirs = tempDirs();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  dirs.cleanup();
});

describe("mux server command lines from the original Mux", () => {
  it("mux server --print-auth-token prints the stored token, as a URL and as a shell line", async () => {
    server = await startServer({ muxRoot: dirs.muxRoot, token: "stored", args: ["--print-auth-token"] });
    const { stdout, stderr } = server.output();
    const token = server.token as string;
    expect(token.length).toBeGreaterThan(16);
    expect(stdout).toContain(`?token=${encodeURIComponent(token)}`);
    expect(stdout).toContain(`export MUX_SERVER_AUTH_TOKEN='${token}'\n`);
    expect(stderr).not.toContain(token);
  });

  it("mux server --print-auth-token prints a token from the environment too, which it otherwise keeps to itself", async () => {
    const envToken = "env-token-0123456789abcdef";
    server = await startServer({ muxRoot: dirs.muxRoot, token: "stored", env: { MUX_SERVER_AUTH_TOKEN: envToken }, args: ["--print-auth-token"] });
    expect(server.output().stdout).toContain(`export MUX_SERVER_AUTH_TOKEN='${envToken}'`);
    expect(server.token).toBe(envToken);
    await server.stop();
    server = await startServer({ muxRoot: dirs.muxRoot, token: "stored", env: { MUX_SERVER_AUTH_TOKEN: envToken } });
    expect(server.output().stdout).not.toContain(envToken);
  });

  it("mux server --allow-http-origin accepts the WebSocket of an https page whose TLS proxy forwards X-Forwarded-Proto: http", async () => {
    const throughProxy = { origin: "https://mux.example.com", "x-forwarded-host": "mux.example.com", "x-forwarded-proto": "http" };
    // Without the flag, such a page is refused, and told which flag accepts it.
    server = await startServer({ muxRoot: dirs.muxRoot });
    const cookie = await signIn(server, TEST_TOKEN);
    expect(await upgradeStatus(server, { cookie, ...throughProxy })).toBe(403);
    const refused = await fetch(new URL("api/sessions", server.url), { method: "DELETE", headers: { cookie, ...throughProxy } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain("--allow-http-origin");
    await server.stop();

    server = await startServer({ muxRoot: dirs.muxRoot, args: ["--allow-http-origin"] });
    const signedIn = await signIn(server, TEST_TOKEN);
    expect(await upgradeStatus(server, { cookie: signedIn, ...throughProxy })).toBe(101);
    // Only the scheme is relaxed: a page on another host is still refused.
    expect(await upgradeStatus(server, { cookie: signedIn, ...throughProxy, origin: "https://evil.example" })).toBe(403);
    expect(server.output().stderr).toContain("--allow-http-origin");
  });

  it("mux server --ssh-host devbox tells the web app the SSH name of its machine, and the Coder deployment it runs in", async () => {
    server = await startServer({ muxRoot: dirs.muxRoot, args: ["--ssh-host", "devbox"], env: { CODER_AGENT_URL: "https://coder.example.com/" } });
    const c = await connect(server);
    try {
      expect(await c.api.server.info()).toEqual({ sshHost: "devbox", coderUrl: "https://coder.example.com" });
    } finally {
      c.close();
    }
  });

  it("mux server --open-mode pinned (Coder's module example) starts, with a note that it changes nothing", async () => {
    server = await startServer({ muxRoot: dirs.muxRoot, args: ["--open-mode", "pinned"] });
    expect((await fetch(new URL("health", server.url))).status).toBe(200);
    expect(server.output().stderr).toMatch(/note: --open-mode pinned has no effect/);
  });

  it("MUX_SERVER_PORT picks the port when --port is not given, as in the original Mux", async () => {
    const free = await freePort();
    server = await startServer({ muxRoot: dirs.muxRoot, port: null, env: { MUX_SERVER_PORT: String(free) } });
    expect(server.port).toBe(free);
    expect((await fetch(new URL("health", server.url))).status).toBe(200);
  });

  it("mux server --some-unknown-flag warns, naming it, and runs with the flags after it", async () => {
    server = await startServer({ muxRoot: dirs.muxRoot, args: ["--some-unknown-flag", "--ssh-host", "devbox", "-p", "0", "-h", "127.0.0.1"] });
    expect(server.output().stderr).toContain("mux: warning: mux server ignores the unknown option --some-unknown-flag");
    const c = await connect(server);
    try {
      expect((await c.api.server.info()).sshHost).toBe("devbox");
    } finally {
      c.close();
    }
  });
});

/** A port nobody listens on right now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
