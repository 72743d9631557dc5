import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Auth, originRefusal, parseCookies, sameOrigin } from "./auth.js";
import { SessionStore } from "./sessions.js";

describe("Auth", () => {
  let root: string;
  let sessions: SessionStore;
  let auth: Auth;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-auth-"));
    sessions = new SessionStore({ MUX_ROOT: root }, "s3cret-token");
    auth = new Auth("s3cret-token", 4000, sessions);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("accepts the token as Bearer, and a live session's secret as the cookie; never the token as a cookie", async () => {
    expect(auth.identify({ authorization: "Bearer s3cret-token" })).toEqual({ kind: "bearer" });
    expect(auth.check({ authorization: "bearer  s3cret-token " })).toBe(true);
    const { secret, session } = await sessions.create("test-agent");
    expect(auth.identify({ cookie: `a=1; mux_session_4000=${secret}` })).toEqual({ kind: "session", id: session.id });
    expect(auth.check({ authorization: "Bearer s3cret-tokenX" })).toBe(false);
    expect(auth.check({ authorization: "s3cret-token" })).toBe(false);
    expect(auth.check({ cookie: "mux_session_4000=s3cret-token" })).toBe(false);
    expect(auth.check({ cookie: `mux_session_3000=${secret}` })).toBe(false);
    expect(auth.check({})).toBe(false);
    expect(auth.checkBearer(undefined)).toBe(false);
    await sessions.revoke({ id: session.id });
    expect(auth.check({ cookie: `mux_session_4000=${secret}` })).toBe(false);
  });

  it("sets a long-lived HttpOnly, SameSite=Strict cookie scoped by the browser (no Path), Secure over https", () => {
    expect(auth.cookie("abc", false)).toBe("mux_session_4000=abc; Max-Age=34560000; HttpOnly; SameSite=Strict");
    expect(auth.cookie("abc", true)).toMatch(/; Secure$/);
  });

  it("lets everything through without a token (--no-auth)", () => {
    const open = new Auth(null, 1);
    expect(open.enabled).toBe(false);
    expect(open.check({})).toBe(true);
  });

  it("parses cookies, the first of a name winning", () => {
    expect(parseCookies('a=1; b="two"; a=3; c=%20x')).toEqual(
      new Map([
        ["a", "1"],
        ["b", "two"],
        ["c", " x"],
      ]),
    );
  });
});

describe("sameOrigin", () => {
  it("accepts no Origin, or one naming the host (directly or as a proxy forwards it)", () => {
    expect(sameOrigin({ host: "localhost:3000" })).toBe(true);
    expect(sameOrigin({ origin: "http://localhost:3000", host: "localhost:3000" })).toBe(true);
    expect(sameOrigin({ origin: "https://coder.example.com", host: "localhost:4000", forwardedHost: "coder.example.com" })).toBe(true);
    expect(sameOrigin({ origin: "https://coder.example.com:443", host: "coder.example.com" })).toBe(true);
  });

  it("refuses any other origin", () => {
    expect(sameOrigin({ origin: "http://evil.example", host: "localhost:3000" })).toBe(false);
    expect(sameOrigin({ origin: "http://localhost:3001", host: "localhost:3000" })).toBe(false);
    expect(sameOrigin({ origin: "null", host: "localhost:3000" })).toBe(false);
  });
});

describe("the scheme a proxy in front reports (X-Forwarded-Proto)", () => {
  const behindProxy = { host: "localhost:4000", forwardedHost: "coder.example.com" };

  it("must match the page's scheme when the proxy states it", () => {
    expect(sameOrigin({ ...behindProxy, origin: "https://coder.example.com", forwardedProto: "https" })).toBe(true);
    expect(sameOrigin({ ...behindProxy, origin: "http://coder.example.com", forwardedProto: "http" })).toBe(true);
    // An http page cannot speak for a browser that reached the proxy over https.
    expect(sameOrigin({ ...behindProxy, origin: "http://coder.example.com", forwardedProto: "https" })).toBe(false);
    // Several hops: the first (the browser's) counts.
    expect(sameOrigin({ ...behindProxy, origin: "https://coder.example.com", forwardedProto: "https, http" })).toBe(true);
  });

  it("refuses an https page when the proxy says http, naming --allow-http-origin, which accepts it", () => {
    const headers = { ...behindProxy, origin: "https://coder.example.com", forwardedProto: "http" };
    expect(originRefusal(headers)).toMatch(/X-Forwarded-Proto: http.*--allow-http-origin/);
    expect(originRefusal(headers, true)).toBeUndefined();
    // The flag relaxes only the scheme: another host stays refused.
    expect(sameOrigin({ ...headers, origin: "https://evil.example" }, true)).toBe(false);
  });

  it("leaves the scheme alone when no proxy states it", () => {
    expect(sameOrigin({ ...behindProxy, origin: "https://coder.example.com" })).toBe(true);
    expect(sameOrigin({ ...behindProxy, origin: "https://coder.example.com", forwardedProto: "wss" })).toBe(true);
  });
});
