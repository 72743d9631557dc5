import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SESSION_IDLE_MS, SessionStore, sessionsFile } from "./sessions.js";

let root: string;
let env: NodeJS.ProcessEnv;
const stores: SessionStore[] = [];
const store = (token: string | null = "the-token") => {
  const s = new SessionStore(env, token);
  stores.push(s);
  return s;
};
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-sessions-"));
  env = { MUX_ROOT: root };
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("SessionStore", () => {
  it("keeps sign-ins across restarts in a 0600 file that holds no secret, only hashes", async () => {
    const { secret, session } = await store().create("Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0");
    const text = fs.readFileSync(sessionsFile(env), "utf8");
    expect(text).not.toContain(secret);
    expect(text).not.toContain("the-token");
    expect(fs.statSync(sessionsFile(env)).mode & 0o777).toBe(0o600);
    const restarted = store();
    expect(restarted.check(secret)).toMatchObject({ id: session.id, userAgent: expect.stringContaining("Chrome/140") });
    expect(restarted.check("not-a-secret")).toBeUndefined();
    expect(restarted.list().map((s) => s.id)).toEqual([session.id]);
  });

  it("a sign-in made with another token does not count, and is dropped when the server starts with a new token", async () => {
    const { secret } = await store("old-token").create();
    const rotated = store("new-token");
    expect(rotated.check(secret)).toBeUndefined();
    expect(store(null).list()).toHaveLength(1); // the CLI sees it until the server drops it
    await rotated.dropOtherTokens();
    expect(store(null).list()).toHaveLength(0);
  });

  it("revokes one session or all of them, and tells listeners which ended", async () => {
    const s = store();
    const a = await s.create();
    const b = await s.create();
    const c = await s.create();
    const ended: string[][] = [];
    s.onRevoke((ids) => ended.push([...ids]));
    expect(await s.revoke({ id: a.session.id })).toBe(1);
    expect(await s.revoke({ id: "nope" })).toBe(0);
    expect(s.check(a.secret)).toBeUndefined();
    expect(s.check(b.secret)).toBeDefined();
    expect(await s.revoke("all")).toBe(2);
    expect(s.check(c.secret)).toBeUndefined();
    expect(ended).toEqual([[a.session.id], expect.arrayContaining([b.session.id, c.session.id])]);
  });

  it("notices a revocation made by another process (the CLI) at the next check, and through the watch at once", async () => {
    const server = store();
    server.watch();
    const { secret, session } = await server.create();
    const ended: string[] = [];
    server.onRevoke((ids) => ended.push(...ids));
    expect(await store(null).revoke({ id: session.id })).toBe(1);
    await expect.poll(() => ended, { timeout: 15_000 }).toEqual([session.id]);
    expect(server.check(secret)).toBeUndefined();
  });

  it("a session unused for 30 days has ended", async () => {
    const s = store();
    const { secret } = await s.create();
    const file = JSON.parse(fs.readFileSync(sessionsFile(env), "utf8"));
    file.sessions[0].lastUsedAt = Date.now() - SESSION_IDLE_MS - 1000;
    fs.writeFileSync(sessionsFile(env), JSON.stringify(file));
    expect(store().check(secret)).toBeUndefined();
    expect(store(null).list()).toEqual([]);
  });

  it("a missing or corrupt file means nobody is signed in (never a crash)", async () => {
    expect(store().list()).toEqual([]);
    fs.mkdirSync(path.dirname(sessionsFile(env)), { recursive: true });
    fs.writeFileSync(sessionsFile(env), "{ not json");
    expect(store().check("x")).toBeUndefined();
    const { secret } = await store().create();
    expect(store().check(secret)).toBeDefined();
  });
});
