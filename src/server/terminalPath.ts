// No imports: app.ts reads it on every upgrade, before anything of the API is loaded.

/** `api/terminal/<id>` (under any prefix) → the id and `from` offset; undefined for other paths. */
export function terminalSocketPath(url: string): { terminalId: string; from: number | undefined } | undefined {
  const [pathname, query = ""] = url.split("?");
  const m = /\/api\/terminal\/([A-Za-z0-9_-]+)$/.exec(pathname);
  if (!m) return undefined;
  const from = new URLSearchParams(query).get("from");
  const n = from === null ? Number.NaN : Number(from);
  return { terminalId: m[1], from: Number.isSafeInteger(n) && n >= 0 ? n : undefined };
}
