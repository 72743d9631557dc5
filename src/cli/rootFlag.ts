import * as path from "node:path";
import { expandHome } from "../config/paths.js";

/**
 * The original Mux's global `--mux-root <path>` (or `--root`), anywhere on the command line:
 * taken out of argv and made MUX_ROOT, so `mux --mux-root /tmp/m server` works as it did there.
 * Returns what is wrong when the flag has no value.
 */
export function consumeRootFlag(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === "--") return undefined;
    const m = /^--(mux-root|root)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const value = m[2] ?? argv[i + 1];
    if (!value || (m[2] === undefined && value.startsWith("-"))) return `--${m[1]} needs a directory`;
    env.MUX_ROOT = path.resolve(expandHome(value));
    argv.splice(i, m[2] === undefined ? 2 : 1);
    i--;
  }
  return undefined;
}
