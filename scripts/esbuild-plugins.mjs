// esbuild plugins for the CLI bundle (scripts/build.mjs): leave out code `mux` never runs, so
// there is less JavaScript to load at start-up.
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * zod ships every locale and bundles all of them (~360 KB) because `z.locales` re-exports them;
 * mux only uses the English messages (the default, set by zod itself). The other locales become
 * stubs that fail loudly if anything ever asked for one.
 */
function zodEnglishOnly() {
  return {
    name: "zod-english-only",
    setup(build) {
      build.onLoad({ filter: /[\\/]zod[\\/](v4[\\/])?locales[\\/][^\\/]+\.js$/ }, (args) => {
        const name = path.basename(args.path, ".js");
        if (name === "en" || name === "index") return undefined;
        return {
          contents: `export default function () { throw new Error("zod locale ${name} is not bundled with mux"); }\n`,
          loader: "js",
        };
      });
    },
  };
}

/**
 * `ai` imports the Vercel AI Gateway (and its OIDC auth, ~125 KB) for models named by a plain
 * string id. mux always passes provider model objects, so the gateway never runs: a stub keeps
 * what `ai` imports from it (error classes are only ever checked with `isInstance`).
 */
function noAiGateway() {
  return {
    name: "no-ai-gateway",
    setup(build) {
      build.onResolve({ filter: /^@ai-sdk\/gateway$/ }, () => ({ path: "@ai-sdk/gateway", namespace: "mux-stub" }));
      build.onLoad({ filter: /.*/, namespace: "mux-stub" }, () => ({
        contents: `
const unavailable = () => {
  throw new Error("the Vercel AI Gateway is not bundled with mux: name models as provider:model-id");
};
class NotAGatewayError extends Error {
  static isInstance() {
    return false;
  }
}
export const GatewayError = NotAGatewayError;
export const GatewayAuthenticationError = NotAGatewayError;
export const createGateway = unavailable;
export const gateway = new Proxy(unavailable, { get: (target, key) => (key === "then" ? undefined : unavailable) });
`,
        loader: "js",
      }));
    },
  };
}

/**
 * @ai-sdk/provider-utils imports zod v3 (~115 KB) for one string enum, `ZodFirstPartyTypeKind`,
 * used when converting zod v3 schemas (mux's are zod v4). Its copy of the enum is made from zod
 * itself at build time; a provider that really uses zod v3 (OpenRouter) still imports it.
 */
function zodV3EnumForProviderUtils() {
  return {
    name: "zod-v3-enum-for-provider-utils",
    setup(build) {
      build.onResolve({ filter: /^zod\/v3$/ }, (args) =>
        /[\\/]@ai-sdk[\\/]provider-utils[\\/]/.test(args.importer) ? { path: "zod-v3-enum", namespace: "mux-zod-v3-enum" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "mux-zod-v3-enum" }, async () => {
        const { ZodFirstPartyTypeKind } = await import("zod/v3");
        return { contents: `export const ZodFirstPartyTypeKind = ${JSON.stringify(ZodFirstPartyTypeKind)};\n`, loader: "js" };
      });
    },
  };
}

/**
 * `ai` imports the OpenTelemetry API (~40 KB) for its telemetry, which mux never enables: then
 * `ai` uses its own no-op tracer, and only wraps calls in `context.with(context.active(), fn)`,
 * which without a registered context manager (mux registers none) just calls `fn`. The stub does
 * exactly that, and fails loudly if a real tracer were ever asked for.
 */
function noOpenTelemetry() {
  return {
    name: "no-opentelemetry",
    setup(build) {
      build.onResolve({ filter: /^@opentelemetry\/api$/ }, () => ({ path: "@opentelemetry/api", namespace: "mux-otel-stub" }));
      build.onLoad({ filter: /.*/, namespace: "mux-otel-stub" }, () => ({
        contents: `
const ROOT_CONTEXT = Object.freeze({ getValue: () => undefined, setValue() { return this; }, deleteValue() { return this; } });
export const context = {
  active: () => ROOT_CONTEXT,
  with: (_context, fn, thisArg, ...args) => fn.apply(thisArg, args),
};
export const SpanStatusCode = { UNSET: 0, OK: 1, ERROR: 2 };
export const trace = {
  getTracer() {
    throw new Error("OpenTelemetry is not bundled with mux: telemetry cannot be enabled");
  },
};
`,
        loader: "js",
      }));
    },
  };
}

/**
 * `ai` and each provider package pin their own patch release of @ai-sdk/provider-utils, so npm
 * installs several copies (e.g. 4.0.65 for `ai`, 4.0.66 inside @ai-sdk/openai) and a run would
 * load and compile two (~100 KB each). Patch releases of one major only add: every import of it
 * is given the newest copy installed.
 */
function oneProviderUtils() {
  const name = "@ai-sdk/provider-utils";
  /** Each node_modules folder holding a copy, with the copy's version. */
  const copies = [];
  const visit = (nodeModules) => {
    try {
      const { version } = JSON.parse(fs.readFileSync(path.join(nodeModules, name, "package.json"), "utf8"));
      copies.push({ nodeModules, version: version.split(".").map(Number) });
    } catch {
      // no copy here
    }
    for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const packages = entry.name.startsWith("@") ? fs.readdirSync(path.join(nodeModules, entry.name)).map((n) => path.join(entry.name, n)) : [entry.name];
      for (const pkg of packages) {
        const nested = path.join(nodeModules, pkg, "node_modules");
        if (fs.existsSync(nested)) visit(nested);
      }
    }
  };
  const newer = (a, b) => {
    const i = a.version.findIndex((n, k) => n !== b.version[k]);
    return i !== -1 && a.version[i] > b.version[i];
  };
  return {
    name: "one-provider-utils",
    setup(build) {
      visit(path.resolve("node_modules"));
      const newest = copies.reduce((best, c) => (!best || newer(c, best) ? c : best), undefined);
      // Copies of another major version may differ in what they export: then each keeps its own.
      if (!newest || copies.some((c) => c.version[0] !== newest.version[0])) return;
      build.onResolve({ filter: /^@ai-sdk\/provider-utils$/ }, (args) =>
        args.pluginData === "newest" ? undefined : build.resolve(name, { resolveDir: newest.nodeModules, kind: args.kind, pluginData: "newest" }),
      );
    },
  };
}

export const cliPlugins = [zodEnglishOnly(), noAiGateway(), zodV3EnumForProviderUtils(), noOpenTelemetry(), oneProviderUtils()];
