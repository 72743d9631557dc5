import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { muxRoot } from "../config/paths.js";

/** The server's private files (token, sign-in sessions): a directory only its user can enter. */
export function serverDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(muxRoot(env), "server");
}

export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(serverDir(env), "token");
}

export function ensureServerDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = serverDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const newToken = () => randomBytes(24).toString("base64url");

/**
 * The token kept in MUX_ROOT/server/token (mode 0600), created on first use and reused on every
 * start, so open tabs and installed apps stay signed in across restarts. `rotate` replaces it.
 * A file others could read is made private again (the token in it may already be known: rotate).
 */
export async function storedToken(env: NodeJS.ProcessEnv, opts: { rotate?: boolean } = {}): Promise<{ token: string; file: string; created: boolean }> {
  ensureServerDir(env);
  const file = tokenFile(env);
  if (!opts.rotate) {
    const existing = readToken(file);
    if (existing) return { token: existing, file, created: false };
    // First start: "wx" so two servers starting at once agree on one token (the loser reads it).
    const token = newToken();
    try {
      fs.writeFileSync(file, `${token}\n`, { flag: "wx", mode: 0o600 });
      return { token, file, created: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const theirs = readToken(file);
      if (theirs) return { token: theirs, file, created: false };
      // An empty or broken file (a crash while writing it): replaced below.
    }
  }
  const token = newToken();
  await writeFileAtomic(file, `${token}\n`, { mode: 0o600 });
  return { token, file, created: true };
}

function readToken(file: string): string | undefined {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.mode & 0o077) fs.chmodSync(file, 0o600);
    text = fs.readFileSync(file, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return text.length >= 16 ? text : undefined;
}

export interface TokenChoice {
  /** null: no authentication (--no-auth). */
  token: string | null;
  /** Where it came from: the stored token (and a new one) is shown in the ready URL. */
  source: "none" | "flag" | "env" | "file";
  /** The stored token was created (first start, or --new-token) rather than reused. */
  created?: boolean;
}

export class TokenOptionError extends Error {}

/** --no-auth, then --auth-token, then MUX_SERVER_AUTH_TOKEN, else the stored token (--new-token: a new one). */
export async function chooseToken(opts: { auth?: boolean; authToken?: string; newToken?: boolean }, env: NodeJS.ProcessEnv): Promise<TokenChoice> {
  const given = opts.auth === false ? "--no-auth" : opts.authToken ? "--auth-token" : env.MUX_SERVER_AUTH_TOKEN?.trim() ? "MUX_SERVER_AUTH_TOKEN" : undefined;
  if (opts.newToken && given) {
    throw new TokenOptionError(`--new-token replaces the token stored in ${tokenFile(env)}, but this server's token comes from ${given}`);
  }
  if (opts.auth === false) return { token: null, source: "none" };
  if (opts.authToken) return { token: opts.authToken, source: "flag" };
  const fromEnv = env.MUX_SERVER_AUTH_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: "env" };
  const { token, created } = await storedToken(env, { rotate: opts.newToken });
  return { token, source: "file", created };
}
