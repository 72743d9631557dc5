// Bundles the CLI into dist/ so `mux` starts fast: one file for the common path, with each
// provider SDK in its own lazily loaded chunk.
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";

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
  logLevel: "warning",
});
chmodSync("dist/mux.js", 0o755);
