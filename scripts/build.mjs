// Bundles the CLI into dist/ so `mux` starts fast: one file for the common path, with each
// provider SDK in its own lazily loaded chunk. Then builds the web app (web/) into dist/web/.
// Each part is built only when its sources changed since the last build (`--force` rebuilds):
// `npm start` then starts at once, and `npm test` still always runs what the sources say.
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cliPlugins } from "./esbuild-plugins.mjs";
import { inputsHash, readStamp, writeStamp } from "./build-stamp.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

const force = process.argv.includes("--force");
const skipWeb = process.env.MUX_SKIP_WEB === "1";
// What each part is built from; dependencies count through the lock files npm writes.
const DEPENDENCIES = ["package.json", "package-lock.json", "node_modules/.package-lock.json", "scripts"];
const cliHash = inputsHash(["src", "tsconfig.json", ...DEPENDENCIES]);
const webHash = skipWeb ? null : inputsHash(["web", "src", ...DEPENDENCIES]);
const stamp = readStamp();
const cliFresh = !force && stamp.cli === cliHash && existsSync("dist/mux.js");
const webFresh = skipWeb || (!force && stamp.web === webHash && existsSync("dist/web/index.html"));
if (cliFresh && webFresh) {
  console.log("build: dist/ is up to date with the sources (node scripts/build.mjs --force rebuilds)");
  process.exit(0);
}

if (!cliFresh) await buildCli();
if (!webFresh) {
  // The browser app (served by `mux server`). Vite needs no network; MUX_SKIP_WEB=1 skips it.
  const vite = await import("vite").catch((err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    console.warn("web: vite is not installed (dev dependencies omitted?): dist/web not built");
    return null;
  });
  if (vite) {
    writeStamp({ ...readStamp(), web: null }); // a build that fails half-way is not up to date
    await buildWeb(vite);
    writeStamp({ ...readStamp(), web: webHash });
  }
}

async function buildCli() {
  writeStamp({ ...readStamp(), cli: null });
  // Only the CLI's own files: dist/web stays unless the web app needs rebuilding too.
  for (const f of ["dist/mux.js", "dist/mux.js.map", "dist/chunks"]) rmSync(f, { recursive: true, force: true });
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
    // A native module: loaded from node_modules at run time (on the first terminal).
    external: ["@lydell/node-pty"],
    logLevel: "warning",
  });
  chmodSync("dist/mux.js", 0o755);
  writeStamp({ ...readStamp(), cli: cliHash });
}

async function buildWeb({ build: viteBuild }) {
  await viteBuild({ configFile: "web/vite.config.ts", logLevel: "warn" });
  // The JS a first visit must load before the sidebar shows (budget: 1.5 MB).
  const html = readFileSync("dist/web/index.html", "utf8");
  const initial = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => statSync(`dist/web/${m[1]}`).size);
  const kb = Math.round(initial.reduce((a, b) => a + b, 0) / 1024);
  console.log(`web: dist/web built, initial JS ${kb} KB in ${initial.length} files${kb > 1536 ? " — OVER the 1.5 MB budget" : ""}`);
}
