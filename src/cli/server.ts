import { registerConfiguredKey } from "../common/redact.js";
import { chooseToken } from "../server/auth.js";
import { err } from "./output.js";

export interface ServerOptions {
  host: string;
  port: string;
  authToken?: string;
  /** false with --no-auth */
  auth?: boolean;
  addProject?: string[];
}

function displayHost(host: string): string {
  if (!host || host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * `mux server`: the web UI and its API. Starts listening before loading anything of the agent
 * (the API loads with the first WebSocket), prints one line with the URL when ready, and on
 * SIGINT/SIGTERM stops every running turn (keeping what it produced) before exiting.
 */
export async function serverCommand(opts: ServerOptions): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err(`mux: --port must be a port number (0 picks a free one), not "${opts.port}"\n`);
    return 1;
  }
  // The SDK would print its warnings to the server's log for every request.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const { token, source } = chooseToken(opts, process.env);
  // The agent's tools inherit this environment: they must not be able to read the token.
  delete process.env.MUX_SERVER_AUTH_TOKEN;
  registerConfiguredKey(token ?? undefined);
  const { startServer } = await import("../server/app.js");
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ host: opts.host, port, token, env: process.env }, async () => (await import("../server/api.js")).createApi(process.env));
  } catch (e) {
    err(`mux: cannot listen on ${opts.host}:${port}: ${(e as Error).message}\n`);
    return 1;
  }

  if (opts.addProject?.length) {
    const { createWorkspaceService } = await import("./services.js");
    const service = createWorkspaceService();
    for (const p of opts.addProject) {
      // Not fatal: the project may appear later (e.g. still being cloned); it can be added in the UI.
      await service.addProject(p).catch((e: Error) => err(`mux: warning: --add-project ${p}: ${e.message}\n`));
    }
  }

  const base = `http://${displayHost(opts.host)}:${server.port}/`;
  // The one line that shows the token (written directly: output through err/out is redacted).
  const line =
    source === "generated" && token
      ? `Mux is ready at ${base}?token=${encodeURIComponent(token)}`
      : `Mux is ready at ${base}${source === "env" ? " (token from MUX_SERVER_AUTH_TOKEN)" : source === "flag" ? " (token from --auth-token)" : " (no authentication)"}`;
  process.stdout.write(`${line}\n`);

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
