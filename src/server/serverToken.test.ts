import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseToken, TokenOptionError, tokenFile } from "./serverToken.js";

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-token-"));
  env = { MUX_ROOT: root };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("chooseToken", () => {
  it("prefers --no-auth, then --auth-token, then MUX_SERVER_AUTH_TOKEN, and never stores those", async () => {
    const withEnv = { ...env, MUX_SERVER_AUTH_TOKEN: "from-env" };
    expect(await chooseToken({ auth: false, authToken: "flag" }, withEnv)).toEqual({ token: null, source: "none" });
    expect(await chooseToken({ authToken: "flag" }, withEnv)).toEqual({ token: "flag", source: "flag" });
    expect(await chooseToken({}, withEnv)).toEqual({ token: "from-env", source: "env" });
    expect(fs.existsSync(tokenFile(env))).toBe(false);
  });

  it("otherwise creates a random token once, keeps it in MUX_ROOT/server/token (0600) and reuses it on every start", async () => {
    const first = await chooseToken({}, env);
    expect(first).toMatchObject({ source: "file", created: true });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mode(tokenFile(env))).toBe(0o600);
    expect(mode(path.dirname(tokenFile(env)))).toBe(0o700);
    expect(await chooseToken({}, env)).toEqual({ token: first.token, source: "file", created: false });
  });

  it("--new-token replaces the stored token; it refuses to when the token comes from elsewhere", async () => {
    const first = await chooseToken({}, env);
    const rotated = await chooseToken({ newToken: true }, env);
    expect(rotated).toMatchObject({ source: "file", created: true });
    expect(rotated.token).not.toBe(first.token);
    expect(fs.readFileSync(tokenFile(env), "utf8").trim()).toBe(rotated.token);
    expect(mode(tokenFile(env))).toBe(0o600);
    await expect(chooseToken({ newToken: true, authToken: "x" }, env)).rejects.toThrow(TokenOptionError);
    await expect(chooseToken({ newToken: true }, { ...env, MUX_SERVER_AUTH_TOKEN: "y" })).rejects.toThrow(/MUX_SERVER_AUTH_TOKEN/);
  });

  it("makes a stored token file others could read private again, and replaces an empty one", async () => {
    const first = await chooseToken({}, env);
    fs.chmodSync(tokenFile(env), 0o644);
    expect((await chooseToken({}, env)).token).toBe(first.token);
    expect(mode(tokenFile(env))).toBe(0o600);
    fs.writeFileSync(tokenFile(env), "");
    const fresh = await chooseToken({}, env);
    expect(fresh.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fs.readFileSync(tokenFile(env), "utf8").trim()).toBe(fresh.token);
  });
});
