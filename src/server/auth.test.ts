import { describe, expect, it } from "vitest";
import { Auth, parseCookies, sameOrigin } from "./auth.js";

describe("Auth", () => {
  const auth = new Auth("s3cret-token", 4000);

  it("accepts the token as Bearer or as its cookie, nothing else", () => {
    expect(auth.check({ authorization: "Bearer s3cret-token" })).toBe(true);
    expect(auth.check({ authorization: "bearer  s3cret-token " })).toBe(true);
    expect(auth.check({ cookie: "a=1; mux_token_4000=s3cret-token" })).toBe(true);
    expect(auth.check({ authorization: "Bearer s3cret-tokenX" })).toBe(false);
    expect(auth.check({ authorization: "s3cret-token" })).toBe(false);
    expect(auth.check({ cookie: "mux_token_3000=s3cret-token" })).toBe(false);
    expect(auth.check({})).toBe(false);
    expect(auth.checkBearer(undefined)).toBe(false);
  });

  it("sets an HttpOnly, SameSite=Strict cookie scoped by the browser (no Path), Secure over https", () => {
    expect(auth.cookie("s3cret-token", false)).toBe("mux_token_4000=s3cret-token; HttpOnly; SameSite=Strict");
    expect(auth.cookie("s3cret-token", true)).toMatch(/; Secure$/);
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
