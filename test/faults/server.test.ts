import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { frame, rawUpgrade } from "../helpers/rawWebSocket.js";
import { type Connection, connect, isAssistantMessage, rawGet, readUntil, type ServerProcess, startServer, TEST_TOKEN } from "../helpers/server.js";

/** Faults a client can cause in a real `mux server`: each hurts only its own connection. */

const KEY = "sk-ant-faults-server-0123456789abcdef";
const MAX_PAYLOAD = 16 * 1024 * 1024;

/** Frames `ws` must refuse, and the close code it refuses each with. */
const BAD_FRAMES: { name: string; bytes: Buffer; code: number }[] = [
  { name: "a text frame that is not UTF-8", bytes: frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])), code: 1007 },
  { name: "an unmasked frame", bytes: frame(0x1, Buffer.from("hi"), { masked: false }), code: 1002 },
  { name: "a frame with an unknown opcode", bytes: frame(0x3, Buffer.alloc(0)), code: 1002 },
  { name: "a frame over the size limit", bytes: frame(0x2, Buffer.alloc(0), { declaredLength: MAX_PAYLOAD + 1 }), code: 1009 },
];

describe("mux server: a malformed WebSocket frame closes only its own connection", () => {
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let server: ServerProcess;
  let other: Connection;
  beforeAll(async () => {
    fake = await startFakeProvider({ token: KEY });
    dirs = tempDirs();
    server = await startServer({ muxRoot: dirs.muxRoot, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
    other = await connect(server);
  });
  afterAll(async () => {
    other?.close();
    await server?.stop();
    await fake?.close();
    dirs?.cleanup();
  });

  async function sendBadFrame(bytes: Buffer): Promise<number | null> {
    const raw = await rawUpgrade(server.port, { authorization: `Bearer ${TEST_TOKEN}` });
    expect(raw.response).toMatch(/^HTTP\/1\.1 101/);
    raw.write(bytes);
    return raw.closeCode();
  }

  it.each(BAD_FRAMES)("$name: that connection is closed with code $code; the server and other clients go on", async ({ bytes, code }) => {
    expect(await sendBadFrame(bytes)).toBe(code);
    expect((await fetch(new URL("health", server.url))).status).toBe(200);
    expect(await other.api.workspaces.list()).toBeInstanceOf(Array);
    expect(server.child.exitCode).toBeNull();
  });

  it("well-formed frames that are not API messages (not JSON, wrong shape, binary) leave the server and other clients going", async () => {
    const raw = await rawUpgrade(server.port, { authorization: `Bearer ${TEST_TOKEN}` });
    for (const text of ["garbage", "null", "[]", '{"i":1}', '{"i":"1","p":null}']) raw.write(frame(0x1, Buffer.from(text)));
    raw.write(frame(0x2, Buffer.from([0, 1, 2, 255])));
    // A ping round trip: everything written before it has been read by the server.
    raw.write(frame(0x9, Buffer.from("sync")));
    await raw.pong();
    raw.destroy();
    expect(await other.api.workspaces.list()).toBeInstanceOf(Array);
    expect(server.child.exitCode).toBeNull();
  });

  it("an agent streaming in another workspace finishes its turn while bad frames arrive", async () => {
    const repo = makeRepo(path.join(dirs.base, "app"));
    const ws = await other.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "streaming" });
    const stream = await other.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    fake.enqueue({ text: "steady answer ".padEnd(400, "."), chunkSize: 10, chunkDelayMs: 30 });
    await other.api.chat.send({ workspaceId: ws.id, text: "keep going", model: "sonnet" });
    await readUntil(stream, (i) => i.type === "event" && i.event.type === "text-delta");
    for (const { bytes, code } of BAD_FRAMES) expect(await sendBadFrame(bytes)).toBe(code);
    const items = await readUntil(stream, isAssistantMessage);
    const answer = items.at(-1)!;
    expect(answer.type === "message" && answer.message.metadata?.status).toBe("complete");
    expect(JSON.stringify(answer)).toContain("steady answer");
  });

  it("each refused connection is logged in one line, without the token", () => {
    const { stderr } = server.output();
    expect(stderr).toContain("mux: closed a WebSocket connection: Invalid WebSocket frame: MASK must be set");
    expect(stderr).not.toContain(TEST_TOKEN);
  });
});

describe("mux server --no-auth: a page on another name that resolves to 127.0.0.1 (DNS rebinding) is refused", () => {
  let dirs: ReturnType<typeof tempDirs>;
  let open: ServerProcess;
  let guarded: ServerProcess;
  beforeAll(async () => {
    dirs = tempDirs();
    [open, guarded] = await Promise.all([
      startServer({ muxRoot: dirs.muxRoot, token: null, args: ["--allowed-host", "box.lan"], env: { MUX_SERVER_ALLOWED_HOSTS: "mux.example" } }),
      startServer({ muxRoot: dirs.muxRoot }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), guarded?.stop()]);
    dirs?.cleanup();
  });

  it("pages and API answer 403 naming --allowed-host for a foreign Host, and serve localhost names and allowed ones", async () => {
    const refused = await rawGet(open, "/", { host: `rebind.evil.example:${open.port}`, accept: "text/html" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toContain("--allowed-host rebind.evil.example");
    for (const host of [
      `localhost:${open.port}`,
      `127.0.0.1:${open.port}`,
      `[::1]:${open.port}`,
      `app.localhost:${open.port}`,
      "box.lan",
      "mux.example:8080",
    ]) {
      expect((await rawGet(open, "/", { host })).status, host).toBe(200);
    }
    // Health probes come by any name (a container's IP): it tells nothing.
    expect((await rawGet(open, "/health", { host: "rebind.evil.example" })).status).toBe(200);
  });

  it("the WebSocket upgrade is refused for a foreign Host even with a matching Origin", async () => {
    const evil = await rawUpgrade(open.port, { host: `rebind.evil.example:${open.port}`, origin: `http://rebind.evil.example:${open.port}` });
    expect(evil.response).toMatch(/^HTTP\/1\.1 403/);
    evil.destroy();
    const local = await rawUpgrade(open.port, { host: `localhost:${open.port}`, origin: `http://localhost:${open.port}` });
    expect(local.response).toMatch(/^HTTP\/1\.1 101/);
    local.destroy();
  });

  it("with a token, any Host is served to whoever has the token (a rebinding page never has it)", async () => {
    const r = await rawGet(guarded, "/", { host: "my-devbox.example", authorization: `Bearer ${TEST_TOKEN}` });
    expect(r.status).toBe(200);
    expect((await rawGet(guarded, "/", { host: "my-devbox.example" })).status).toBe(401);
  });
});
