import { createHash, timingSafeEqual } from "node:crypto";
import type { SessionStore } from "./sessions.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Parses a Cookie header into name → value (first one wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || out.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

/** Who a request comes from: an API client with the token, a signed-in browser, or anyone (--no-auth). */
export type Identity = { kind: "bearer" } | { kind: "session"; id: string } | { kind: "open" };

/** How long the browser keeps the cookie (Chrome's cap); the server ends unused sessions sooner. */
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

/**
 * The server's one secret, and the browsers signed in with it. The token is compared in constant
 * time (on hashes, so lengths never leak) and accepted as `Authorization: Bearer`; a browser
 * exchanges it once (the `?token=` visit) for a session, whose random secret is its cookie.
 */
export class Auth {
  private readonly expected: Buffer | null;
  /** Named per port: two servers on localhost must not overwrite each other's cookie. */
  readonly cookieName: string;

  constructor(
    token: string | null,
    port: number,
    readonly sessions?: SessionStore,
  ) {
    this.expected = token === null ? null : digest(token);
    this.cookieName = `mux_session_${port}`;
  }

  get enabled(): boolean {
    return this.expected !== null;
  }

  /** True when `candidate` is the server's token. */
  matches(candidate: string | undefined | null): boolean {
    if (this.expected === null) return true;
    if (!candidate) return false;
    return timingSafeEqual(digest(candidate), this.expected);
  }

  /** True when `Authorization: Bearer <token>` carries the token. */
  checkBearer(authorization: string | undefined | null): boolean {
    if (this.expected === null) return true;
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1];
    return bearer !== undefined && this.matches(bearer.trim());
  }

  /** Who sent these headers (the token as Bearer, or a live session's cookie); undefined: nobody signed in. */
  identify(headers: { authorization?: string | null; cookie?: string | null }): Identity | undefined {
    if (this.expected === null) return { kind: "open" };
    if (this.checkBearer(headers.authorization)) return { kind: "bearer" };
    const session = this.sessions?.check(parseCookies(headers.cookie).get(this.cookieName));
    return session ? { kind: "session", id: session.id } : undefined;
  }

  /** True when the request carries the token or a live session's cookie. */
  check(headers: { authorization?: string | null; cookie?: string | null }): boolean {
    return this.identify(headers) !== undefined;
  }

  /**
   * The cookie for a new session. No Path attribute: the browser then scopes it to the directory
   * of the URL it visited — behind a path-based proxy (Coder's `/@user/ws/apps/mux/`) that is the
   * proxy's prefix, which this server never sees. Long-lived, so an installed app stays signed in.
   */
  cookie(secret: string, secure: boolean): string {
    return `${this.cookieName}=${encodeURIComponent(secret)}; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
  }
}

export interface OriginHeaders {
  origin?: string | null;
  host?: string | null;
  /** X-Forwarded-Host: the name a proxy in front was addressed by (comma-separated by hop). */
  forwardedHost?: string | null;
  /** X-Forwarded-Proto: the scheme the browser used with that proxy (the first hop's counts). */
  forwardedProto?: string | null;
}

/**
 * Why a browser request (a WebSocket upgrade, a sign-out) is refused as coming from another
 * origin; undefined when it comes from this server's own pages. A page elsewhere must not ride
 * on the cookie. The Origin must name this host — as the client addressed it, or as a proxy in
 * front reports it — and, when that proxy says which scheme the browser used, that scheme: an
 * http page cannot speak for an https one. Some TLS-terminating proxies report `http` although
 * the browser used https; `allowHttpOrigin` (the original Mux's --allow-http-origin) then
 * accepts an https page on this host. A request without an Origin is not a browser's (it must
 * carry the Bearer token).
 */
export function originRefusal(headers: OriginHeaders, allowHttpOrigin = false): string | undefined {
  if (!headers.origin) return undefined;
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    return "cross-origin request refused";
  }
  const scheme = origin.protocol.slice(0, -1);
  const host = origin.host.toLowerCase();
  const allowed = [headers.host, ...(headers.forwardedHost ?? "").split(",")].map((h) => h?.trim().toLowerCase()).filter(Boolean);
  const sameHost = allowed.includes(host) || allowed.map(stripDefaultPort).includes(stripDefaultPort(host));
  if ((scheme !== "http" && scheme !== "https") || !sameHost) return "cross-origin request refused";
  const told = headers.forwardedProto?.split(",")[0].trim().toLowerCase();
  if (told !== "http" && told !== "https") return undefined; // no proxy, or one that does not say
  if (told === scheme) return undefined;
  if (told === "http" && scheme === "https") {
    if (allowHttpOrigin) return undefined;
    return (
      `cross-origin request refused: the page is ${origin.origin}, but the proxy in front says the browser used http ` +
      "(X-Forwarded-Proto: http). If TLS ends at that proxy, start mux server with --allow-http-origin."
    );
  }
  return `cross-origin request refused: the page is ${origin.origin}, but the browser reached this server over https`;
}

/** True when the request comes from this server's own pages (see originRefusal). */
export function sameOrigin(headers: OriginHeaders, allowHttpOrigin = false): boolean {
  return originRefusal(headers, allowHttpOrigin) === undefined;
}

function stripDefaultPort(host: string | undefined): string | undefined {
  return host?.replace(/:(80|443)$/, "");
}
