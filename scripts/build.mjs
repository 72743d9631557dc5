// Bundles the CLI into dist/ so `mux` starts fast: one file for the common path, with each
// provider SDK in its own lazily loaded chunk. Then builds the web app (web/) into dist/web/.
import { chmodSync, readFileSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cliPlugins } from "./esbuild-plugins.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: { mux: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Prefer ESM builds: some packages (jsonc-parser) ship a UMD "main" that bundles badly.
  mainFields: ["module", "main"],
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __muxCreateRequire } from 'node:module'; const require = __muxCreateRequire(import.meta.url);" },
  // Leaves out code mux never runs (other zod locales, the AI Gateway): less to load at start.
  plugins: cliPlugins,
  logLevel: "warning",
});
chmodSync("dist/mux.js", 0o755);

// The browser app (served by `mux server`). Vite needs no network; MUX_SKIP_WEB=1 skips it.
if (process.env.MUX_SKIP_WEB !== "1") {
  const vite = await import("vite").catch((err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    console.warn("web: vite is not installed (dev dependencies omitted?): dist/web not built");
    return null;
  });
  if (vite) await buildWeb(vite);
}

async function buildWeb({ build: viteBuild }) {
  await viteBuild({ configFile: "web/vite.config.ts", logLevel: "warn" });
  // The JS a first visit must load before the sidebar shows (budget: 1.5 MB).
  const html = readFileSync("dist/web/index.html", "utf8");
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => statSync(`dist/web/${m[1]}`).size);
  const kb = Math.round(initial.reduce((a, b) => a + b, 0) / 1024);
  console.log(`web: dist/web built, initial JS ${kb} KB in ${initial.length} files${kb > 1536 ? " — OVER the 1.5 MB budget" : ""}`);
}
