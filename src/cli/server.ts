import { registerConfiguredKey } from "../common/redact.js";
import { allowedHostsFrom, isLoopbackName } from "../server/hostCheck.js";
import { chooseToken, type TokenChoice, TokenOptionError } from "../server/serverToken.js";
import { hideTokenFromProcess } from "./hideToken.js";
import { err } from "./output.js";

export interface ServerOptions {
  host: string;
  port: string;
  authToken?: string;
  /** Replace the stored token (and so sign every browser out). */
  newToken?: boolean;
  /** false with --no-auth */
  auth?: boolean;
  addProject?: string[];
  /** Names besides localhost served without a token (--allowed-host, repeatable). */
  allowedHost?: string[];
  /** Print the token even when it comes from --auth-token or the environment. */
  printAuthToken?: boolean;
  /** Accept https pages though the proxy in front says http (see originRefusal). */
  allowHttpOrigin?: boolean;
  /** This machine's SSH name, for the web app's editor links (else $MUX_SSH_HOST). */
  sshHost?: string;
  /** Coder's mux module passes it (`--open-mode pinned`); nothing here depends on it. */
  openMode?: string;
}

/** A value for a shell's single quotes: `'it'\''s'`. */
const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function displayHost(host: string): string {
  if (!host || host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/** Listening beyond this machine with no token: whoever reaches the port runs commands as this user. */
function warnOpenServer(host: string): void {
  const rule = "!".repeat(78);
  err(
    `${rule}\n` +
      `WARNING: mux server listens on ${host} WITHOUT AUTHENTICATION (--no-auth).\n` +
      "Anyone who can reach this port can run any command as you, through the agent's shell.\n" +
      "Use it only behind a proxy that authenticates, or drop --no-auth (the token is the default).\n" +
      `${rule}\n`,
  );
}

/**
 * `mux server`: the web UI and its API. Starts listening before loading anything of the agent
 * (the API loads with the first WebSocket), prints one line with the URL when ready, and on
 * SIGINT/SIGTERM stops every running turn (keeping what it produced) before exiting.
 */
/** The Coder deployment's URL when this runs inside a Coder workspace (its agent's CODER_AGENT_URL). */
export function coderDeployment(env: NodeJS.ProcessEnv): string | null {
  try {
    return env.CODER_AGENT_URL ? new URL(env.CODER_AGENT_URL).origin : null;
  } catch {
    return null;
  }
}

export async function serverCommand(opts: ServerOptions): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err(`mux: --port must be a port number (0 picks a free one), not "${opts.port}"\n`);
    return 1;
  }
  // The SDK would print its warnings to the server's log for every request.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  let choice: TokenChoice;
  try {
    choice = await chooseToken(opts, process.env);
  } catch (e) {
    if (!(e instanceof TokenOptionError)) throw e;
    err(`mux: ${e.message}\n`);
    return 1;
  }
  const { token, source } = choice;
  // Neither the agent's tools (they inherit the environment) nor other local users (argv) may read it.
  hideTokenFromProcess();
  registerConfiguredKey(token ?? undefined);
  const allowedHosts = allowedHostsFrom(opts.allowedHost, process.env);
  const sshHost = opts.sshHost?.trim() || process.env.MUX_SSH_HOST?.trim() || null;
  if (opts.openMode !== undefined) err(`mux: note: --open-mode ${opts.openMode} has no effect: the web app opens the same way in every mode\n`);
  if (opts.allowHttpOrigin) {
    err(
      "mux: note: --allow-http-origin: https pages are accepted when the proxy in front says X-Forwarded-Proto: http; use it only behind a proxy that terminates TLS\n",
    );
  }
  if (token === null && !isLoopbackName(opts.host.replace(/^\[|\]$/g, "").toLowerCase())) warnOpenServer(opts.host);
  const [{ startServer }, { guardProcess }] = await Promise.all([import("../server/app.js"), import("../server/processGuard.js")]);
  guardProcess();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ host: opts.host, port, token, allowedHosts, allowHttpOrigin: opts.allowHttpOrigin, env: process.env }, async () =>
      (await import("../server/api.js")).createApi(process.env, { sshHost, coderUrl: coderDeployment(process.env) }),
    );
  } catch (e) {
    err(`mux: cannot listen on ${opts.host}:${port}: ${(e as Error).message}\n`);
    return 1;
  }

  if (opts.addProject?.length) {
    const { createWorkspaceService } = await import("../app/services.js");
    const service = createWorkspaceService();
    for (const p of opts.addProject) {
      // Not fatal: the project may appear later (e.g. still being cloned); it can be added in the UI.
      await service.addProject(p).catch((e: Error) => err(`mux: warning: --add-project ${p}: ${e.message}\n`));
    }
  }

  const base = `http://${displayHost(opts.host)}:${server.port}/`;
  // The lines that show the token (written directly: output through err/out is redacted). The
  // stored token is shown in the URL, as the way in; one given by flag or environment only
  // when asked (--print-auth-token), as the original Mux does.
  const showToken = token !== null && (source === "file" || opts.printAuthToken === true);
  const line = showToken
    ? `Mux is ready at ${base}?token=${encodeURIComponent(token)}`
    : `Mux is ready at ${base}${source === "env" ? " (token from MUX_SERVER_AUTH_TOKEN)" : source === "flag" ? " (token from --auth-token)" : " (no authentication)"}`;
  if (opts.printAuthToken && token === null) err("mux: note: --print-auth-token: this server has no token (--no-auth)\n");
  // One write, the ready line last: whoever waits for it has the token line already.
  const tokenLine = opts.printAuthToken && token !== null ? `export MUX_SERVER_AUTH_TOKEN=${shellQuote(token)}\n` : "";
  process.stdout.write(`${tokenLine}${line}\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(130);
      stopping = true;
      const force = setTimeout(() => process.exit(1), 8_000);
      force.unref();
      server.close().finally(resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
