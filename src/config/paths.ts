import * as os from "node:os";
import * as path from "node:path";

/** The data directory: `~/.mux`, relocated by `MUX_ROOT`. */
export function muxRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MUX_ROOT?.trim();
  return fromEnv ? path.resolve(expandHome(fromEnv)) : path.join(os.homedir(), ".mux");
}

export function providersFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(muxRoot(env), "providers.jsonc");
}

export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(muxRoot(env), "sessions");
}

/** `~` and `~/x` expand to the home directory; other paths are returned unchanged. */
export function expandHome(p: string): string {
  if (p === "~") return os.homedir();
  if (p.startsWith("~/")) return path.join(os.homedir(), p.slice(2));
  return p;
}
