/**
 * The most workspaces one best-of-N run may start. Its own module so the web app can import it
 * without zod (whose eval probe would trip the page's Content-Security-Policy).
 */
export const MAX_RUNS = 8;
