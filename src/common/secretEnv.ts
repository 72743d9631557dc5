import { BUILTIN_PROVIDERS } from "../providers/catalog.js";

/**
 * Environment variables that hold Mux's own secrets: the server's auth token and every provider
 * key variable Mux reads (catalog.ts `keyEnv`). The agent's commands and the init hook run
 * without them, so a prompt-injected `env` or `curl -d "$OPENAI_API_KEY"` has nothing to send.
 * Everything else (PATH, HOME, a project's own tokens such as GITHUB_TOKEN) is passed on.
 */
export const MUX_SECRET_ENV: readonly string[] = ["MUX_SERVER_AUTH_TOKEN", ...new Set(BUILTIN_PROVIDERS.flatMap((p) => p.keyEnv))];

/** A copy of `env` without Mux's own secrets. */
export function withoutMuxSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of MUX_SECRET_ENV) delete out[name];
  return out;
}
