import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Headers of every HTML page (its Content-Security-Policy is added by http.ts, for all pages). */
const HTML_HEADERS = { "content-type": "text/html; charset=utf-8" };

/**
 * Where the built web app is: MUX_WEB_DIR, else dist/web beside the bundle (this module may sit
 * in dist/ or dist/chunks/, or in src/server/ when run from source).
 */
export function findWebRoot(env: NodeJS.ProcessEnv = process.env): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = env.MUX_WEB_DIR
    ? [path.resolve(env.MUX_WEB_DIR)]
    : [path.join(here, "web"), path.join(here, "..", "web"), path.join(here, "..", "..", "dist", "web")];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, "index.html"))) return dir;
  }
  return null;
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Mux</title>
<body style="font:16px system-ui;margin:3em">
<h1>Mux is running</h1><p>The web app is not built. Run <code>npm run build</code> (or <code>npm start</code>) and reload.</p>`;

function fileResponse(file: string, size: number, cache: string): Response {
  const type = TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
  const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream;
  return new Response(body, { headers: { "content-type": type, "content-length": String(size), "cache-control": cache } });
}

/** index.html as last read, so a page with data injected does not read the file every time. */
let indexCache: { file: string; mtimeMs: number; size: number; html: string } | undefined;

function readIndex(file: string, stat: fs.Stats): string {
  const c = indexCache;
  if (c && c.file === file && c.mtimeMs === stat.mtimeMs && c.size === stat.size) return c.html;
  const html = fs.readFileSync(file, "utf8");
  indexCache = { file, mtimeMs: stat.mtimeMs, size: stat.size, html };
  return html;
}

export interface StaticOptions {
  /**
   * HTML to put into the page (index.html) just before `</head>`, or undefined for none. A page
   * that carries it is never stored by any cache (it is this request's data).
   */
  inject?: () => string | undefined;
}

function indexResponse(file: string, opts: StaticOptions): Response {
  const stat = fs.statSync(file);
  const extra = opts.inject?.();
  if (!extra) return fileResponse(file, stat.size, "no-cache");
  const html = readIndex(file, stat);
  const at = html.search(/<\/head>/i);
  const body = at < 0 ? extra + html : html.slice(0, at) + extra + html.slice(at);
  return new Response(body, { headers: { ...HTML_HEADERS, "cache-control": "no-store" } });
}

/**
 * Serves the single-page app: real files as they are (hashed assets cached for good), and
 * index.html for any other page path, so the app's own routes survive a reload. Everything
 * the app references is relative, so it works under any path prefix.
 */
export function serveStatic(root: string | null, pathname: string, accept: string | undefined, opts: StaticOptions = {}): Response {
  if (!root) return new Response(NOT_BUILT, { headers: HTML_HEADERS });
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return new Response("bad path", { status: 400 });
  }
  const file = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return new Response("not found", { status: 404 });
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  const index = path.join(root, "index.html");
  if (stat?.isFile() && file === index) return indexResponse(index, opts);
  if (stat?.isFile()) {
    const immutable = rel.includes("/assets/");
    return fileResponse(file, stat.size, immutable ? "public, max-age=31536000, immutable" : "no-cache");
  }
  // A file-looking path that does not exist is a real 404; page paths get the app.
  const looksLikeFile = /\.[A-Za-z0-9]{1,8}$/.test(rel) && !accept?.includes("text/html");
  if (looksLikeFile || !fs.existsSync(index)) return new Response("not found", { status: 404 });
  return indexResponse(index, opts);
}
