import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tempDirs } from "../helpers/mux.js";
import { type ServerProcess, startServer } from "../helpers/server.js";

/** The token a `mux server` generates is kept in MUX_ROOT and survives restarts. */

let dirs: ReturnType<typeof tempDirs>;
const servers: ServerProcess[] = [];
beforeAll(() => {
  dirs = tempDirs();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  dirs?.cleanup();
});

async function start(args: string[] = [], env: Record<string, string> = {}) {
  const s = await startServer({ muxRoot: dirs.muxRoot, token: "stored", args, env });
  servers.push(s);
  return s;
}
const status = (s: ServerProcess, bearer: string) => fetch(s.url, { headers: { authorization: `Bearer ${bearer}` } }).then((r) => r.status);

it("a restarted server keeps its token: the URL printed on the first start still signs in, and the file is private", async () => {
  const first = await start();
  expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const file = path.join(dirs.muxRoot, "server", "token");
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  await first.stop();

  const second = await start();
  expect(second.token).toBe(first.token);
  expect(await status(second, first.token!)).toBe(200);
  await second.stop();
});

it("--new-token rotates it: the old token stops working; MUX_SERVER_AUTH_TOKEN still wins and is not stored", async () => {
  const before = fs.readFileSync(path.join(dirs.muxRoot, "server", "token"), "utf8").trim();
  const rotated = await start(["--new-token"]);
  expect(rotated.token).not.toBe(before);
  expect(await status(rotated, before)).toBe(401);
  expect(await status(rotated, rotated.token!)).toBe(200);
  await rotated.stop();

  const fromEnv = await start([], { MUX_SERVER_AUTH_TOKEN: "env-token-0123456789abcdef" });
  expect(fromEnv.token).toBeNull(); // the ready line does not repeat a token the user gave
  expect(fromEnv.output().stdout).toContain("(token from MUX_SERVER_AUTH_TOKEN)");
  expect(await status(fromEnv, "env-token-0123456789abcdef")).toBe(200);
  expect(await status(fromEnv, rotated.token!)).toBe(401);
  await fromEnv.stop();
  expect(fs.readFileSync(path.join(dirs.muxRoot, "server", "token"), "utf8").trim()).toBe(rotated.token);
});
