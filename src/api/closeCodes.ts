/**
 * WebSocket close codes the server uses besides the standard ones (4000–4999 are the
 * application's). Shared by the server and the web app.
 */

/** The connection's sign-in was revoked ("Sign out everywhere", `mux server revoke`): go to the sign-in page. */
export const SIGNED_OUT_CLOSE_CODE = 4401;
