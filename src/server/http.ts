import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { type Context, Hono, type Next } from "hono";
import { redact } from "../common/redact.js";
import type { Auth, Identity } from "./auth.js";
import { sessionRoute } from "./sessionRoutes.js";
import { findWebRoot, serveStatic } from "./static.js";

const UNAUTHORIZED_HTML = `<!doctype html><meta charset="utf-8"><title>Mux: sign in</title>
<body style="font:16px system-ui;margin:3em">
<h1>This Mux server needs its access token</h1>
<p>Open the URL <code>mux server</code> printed when it started (it ends with <code>?token=…</code>),
or the one your administrator gave you.</p>`;

export const UNAUTHORIZED_JSON = { error: "unauthorized: send the server's token as `Authorization: Bearer <token>`" };

function unauthorized(c: Context): Response {
  if (c.req.header("accept")?.includes("text/html")) return c.html(UNAUTHORIZED_HTML, 401);
  return c.json(UNAUTHORIZED_JSON, 401);
}

/** `?next=` may only name a path below the app's root (never another site). */
const SAFE_NEXT = /^(?!.*\.\.)[A-Za-z0-9._~\-/]*$/;

/**
 * A first visit with `?token=`: the token is exchanged for a new session, whose secret (not the
 * token) becomes the cookie; then a redirect to the same page without the token. Redirects are
 * relative, so they hold under any proxy prefix. A deep page first goes through the app's root,
 * so the cookie (scoped to the visited directory) covers the whole app.
 */
async function tokenVisit(c: Context, auth: Auth, token: string): Promise<Response> {
  if (!auth.matches(token)) return unauthorized(c);
  const url = new URL(c.req.url);
  url.searchParams.delete("token");
  const segments = url.pathname.split("/").slice(1);
  const depth = segments.length - 1;
  if (depth > 0) {
    url.searchParams.set("next", url.pathname.slice(1));
    return c.redirect(`${"../".repeat(depth)}?token=${encodeURIComponent(token)}&${url.searchParams}`, 302);
  }
  const next = url.searchParams.get("next");
  url.searchParams.delete("next");
  const query = url.searchParams.size ? `?${url.searchParams}` : "";
  const target = next && SAFE_NEXT.test(next) && !next.startsWith("/") ? next : segments[0];
  const secure = url.protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
  if (!auth.sessions) throw new Error("a server with a token keeps sessions");
  const { secret } = await auth.sessions.create(c.req.header("user-agent"));
  c.header("set-cookie", auth.cookie(secret, secure));
  return c.redirect(`./${target}${query}`, 302);
}

/**
 * The page's Content-Security-Policy. Scripts only from the app's own files (index.html has no
 * inline script; the boot data is a JSON <script> element, which is never executed). Styles
 * allow 'unsafe-inline' because Mermaid's SVG carries a <style> element and style attributes.
 * Images only local: a reply cannot make the browser fetch (and leak data to) another site.
 * 'self' in connect-src covers the same-origin ws:/wss: API socket (CSP level 3).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The id of the element that carries the page's boot data (see web/src/main.tsx). */
export const BOOT_ELEMENT_ID = "mux-boot";

/**
 * `value` as a `<script type="application/json">` element. Redacted like every frame the API
 * sends, and with `<`, `>`, `&` and the line separators escaped, so no string in it can end the
 * element (`</script>`) or open a comment.
 */
export function bootScript(value: unknown): string {
  const json = redact(JSON.stringify(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `<script type="application/json" id="${BOOT_ELEMENT_ID}">${json}</script>`;
}

export interface HttpOptions {
  /** Accept https pages though the proxy in front says http (--allow-http-origin; see auth.ts). */
  allowHttpOrigin?: boolean;
  /**
   * What the page should start with (the workspace list), when it is at hand without waiting:
   * put into index.html for signed-in requests only, so the sidebar shows before the socket opens.
   */
  bootData?: () => unknown;
  /** An image of a workspace's chat (see session/imageLinks.ts); undefined when there is none such. */
  image?: (workspaceId: string, messageId: string, index: number) => Promise<{ mediaType: string; bytes: Uint8Array } | undefined>;
}

/** `…/api/images/<workspace>/<message>/<part>`, relative to any page of the app (like `api/ws`). */
const IMAGE_PATH = /\/api\/images\/([^/]+)\/([^/]+)\/(\d+)$/;

/**
 * Every HTTP route but /health: the token gate (Bearer, session cookie, or a first `?token=`
 * visit), the sign-in sessions (sessionRoutes.ts) and the web app's files. (The API itself is
 * the WebSocket, upgraded before this is reached.)
 */
export function createHttpListener(auth: Auth, env: NodeJS.ProcessEnv, opts: HttpOptions = {}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const webRoot = findWebRoot(env);
  const boot = () => {
    try {
      const data = opts.bootData?.();
      return data === undefined ? undefined : bootScript(data);
    } catch {
      return undefined; // e.g. a corrupt registry: the page loads without, the socket reports it
    }
  };
  const app = new Hono<{ Variables: { who: Identity } }>();
  app.use("*", async (c: Context, next: Next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
    // Every page gets the app's policy: the app, the sign-in notice, the "not built" page.
    if (c.res.headers.get("content-type")?.startsWith("text/html")) c.header("content-security-policy", CONTENT_SECURITY_POLICY);
  });
  app.use("*", async (c, next) => {
    const who = auth.identify({ authorization: c.req.header("authorization"), cookie: c.req.header("cookie") });
    const authorized = who !== undefined;
    const token = c.req.query("token");
    const page = c.req.method === "GET" || c.req.method === "HEAD";
    // Already signed in with the token in the URL again: serve the page. A proxy that keeps
    // adding it (Coder redirects its app root to the app URL's query) must not cause a loop.
    if (token !== undefined && auth.enabled && page && !(authorized && auth.matches(token))) return tokenVisit(c, auth, token);
    if (!who) return unauthorized(c);
    c.set("who", who);
    return next();
  });
  app.use("*", async (c, next) => {
    const answered = await sessionRoute(c, auth, c.get("who"), opts.allowHttpOrigin);
    if (answered) return answered;
    await next();
  });
  app.get("*", async (c, next) => {
    const m = IMAGE_PATH.exec(c.req.path);
    if (!m || !opts.image) return next();
    const image = await opts.image(decodeURIComponent(m[1]), decodeURIComponent(m[2]), Number(m[3]));
    if (!image) return c.json({ error: "no such image" }, 404);
    // A message never changes once stored: the browser may keep the image as long as it likes.
    return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": image.mediaType,
      "cache-control": "private, max-age=31536000, immutable",
    });
  });
  app.get("*", (c) => {
    const path = c.req.path;
    if (path.endsWith("/api/ws")) return c.json({ error: "this endpoint is a WebSocket" }, 426);
    if (path.startsWith("/api/")) return c.json({ error: "not found" }, 404);
    // Only reached signed in (the gate above): the data is what the WebSocket would send.
    return serveStatic(webRoot, path, c.req.header("accept"), { inject: boot });
  });
  app.all("*", (c) => c.json({ error: "method not allowed" }, 405));
  return getRequestListener(app.fetch, { overrideGlobalObjects: false });
}
