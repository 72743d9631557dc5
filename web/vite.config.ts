import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const outDir = fileURLToPath(new URL("../dist/web", import.meta.url));
/** `vite dev` forwards the API to a running `mux server` (MUX_DEV_API, default http://127.0.0.1:7890). */
const api = process.env.MUX_DEV_API ?? "http://127.0.0.1:7890";

/** Stamps a hash of the built file names into sw.js, so a new build replaces the cached shell. */
function stampServiceWorker(): Plugin {
  let files: string[] = [];
  let dir = outDir;
  return {
    name: "mux-stamp-sw",
    apply: "build",
    configResolved: (config) => void (dir = resolve(config.root, config.build.outDir)),
    generateBundle: (_options, bundle) => void (files = Object.keys(bundle).sort()),
    writeBundle() {
      const sw = `${dir}/sw.js`;
      const id = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 12);
      writeFileSync(sw, readFileSync(sw, "utf8").replace("__MUX_BUILD__", id));
    },
  };
}

export default defineConfig({
  root,
  // Relative asset URLs: the app works under any path prefix (e.g. Coder's /@user/ws/apps/mux/).
  base: "./",
  plugins: [react(), tailwindcss(), stampServiceWorker()],
  // Workers as ES modules: the review's highlighting worker loads each grammar as its own chunk.
  worker: { format: "es" },
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": {
        target: api,
        ws: true,
        changeOrigin: true,
        // The server only accepts sockets from its own origin.
        configure: (proxy) => proxy.on("proxyReqWs", (req) => req.setHeader("origin", new URL(api).origin)),
      },
    },
  },
});
