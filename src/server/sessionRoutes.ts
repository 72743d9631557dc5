import type { Context } from "hono";
import { type Auth, type Identity, originRefusal } from "./auth.js";

/** `…/api/sessions` and `…/api/sessions/<id>`, relative to any page of the app (like `api/ws`). */
const SESSIONS_PATH = /\/api\/sessions(?:\/([A-Za-z0-9]+))?$/;

/**
 * The browsers signed in to this server, for Settings and for API clients:
 * `GET api/sessions` lists them (which one is the caller's), `DELETE api/sessions` signs every
 * browser out ("Sign out everywhere"), `DELETE api/sessions/<id>` one. Their open connections
 * end too (see app.ts). Only reached signed in; returns undefined for other paths.
 */
export async function sessionRoute(c: Context, auth: Auth, who: Identity, allowHttpOrigin = false): Promise<Response | undefined> {
  const m = SESSIONS_PATH.exec(c.req.path);
  if (!m) return undefined;
  const store = auth.sessions;
  const current = who.kind === "session" ? who.id : null;
  if (c.req.method === "GET" && !m[1]) {
    return c.json({ enabled: store !== undefined, current, sessions: store?.list() ?? [] }, 200, { "cache-control": "no-store" });
  }
  if (c.req.method !== "DELETE") return c.json({ error: "method not allowed" }, 405);
  // The cookie is SameSite=Strict, but another port of the same host is the same site: a change
  // made with the cookie must come from this origin.
  const refusal = originRefusal(
    {
      origin: c.req.header("origin"),
      host: c.req.header("host"),
      forwardedHost: c.req.header("x-forwarded-host"),
      forwardedProto: c.req.header("x-forwarded-proto"),
    },
    allowHttpOrigin,
  );
  if (refusal) return c.json({ error: refusal }, 403);
  if (!store) return c.json({ error: "this server runs without a token (--no-auth): nobody signs in, so there is nothing to sign out" }, 409);
  const revoked = await store.revoke(m[1] ? { id: m[1] } : "all");
  if (m[1] && revoked === 0) return c.json({ error: `no session ${m[1]}` }, 404);
  return c.json({ revoked });
}
