import { RPCHandler } from "@orpc/server/ws";
import type { WebSocket } from "ws";
import { createServices } from "../app/services.js";
import { redact, registerConfiguredKey, registerSecret } from "../common/redact.js";
import { loadProvidersConfig } from "../providers/config.js";
import { resolveProviders } from "../providers/resolve.js";
import { ReviewService } from "../review/service.js";
import { Hub } from "../session/hub.js";
import { TerminalService } from "../terminal/service.js";
import { attachTerminalSocket } from "./routes/terminalSocket.js";
import type { ServerInfo } from "../api/schemas.js";
import { router } from "./routes/index.js";

/** A connection that answered no ping for this long is dead (sleep, lost network): dropped. */
const PING_MS = 30_000;

export interface Api {
  hub: Hub;
  /** Serves the contract on one WebSocket. */
  attach(socket: WebSocket): void;
  /** Streams one terminal on its own WebSocket (see terminalSocket.ts). */
  attachTerminal(socket: WebSocket, terminalId: string, from: number | undefined): void;
  close(): Promise<void>;
}

/** Pings the socket; one that answered no ping since the last is dead and dropped. */
function keepAlive(socket: WebSocket): void {
  let alive = true;
  socket.on("pong", () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, PING_MS);
  timer.unref();
  socket.on("close", () => clearInterval(timer));
}

/** Every key Mux can see is scrubbed from what the server sends, even before it is used. */
function registerProviderSecrets(env: NodeJS.ProcessEnv): void {
  try {
    for (const p of resolveProviders(loadProvidersConfig(env), env)) registerConfiguredKey(p.apiKey.value);
  } catch {
    // a broken providers.jsonc: providers.get reports it
  }
  for (const [k, v] of Object.entries(env)) if (/_API_KEY$|_AUTH_TOKEN$/.test(k)) registerSecret(v);
}

/**
 * The API side of the server, loaded on the first WebSocket (not needed to start listening):
 * the hub of agent sessions, the workspaces' terminals, and the oRPC handler implementing the
 * contract over them.
 */
export function createApi(env: NodeJS.ProcessEnv, server: ServerInfo = { sshHost: null, coderUrl: null }): Api {
  registerProviderSecrets(env);
  const services = createServices(env);
  const hub = new Hub(services.workspaces, { env });
  const handler = new RPCHandler(router);
  const review = new ReviewService(hub);
  hub.onFilesChanged((id) => review.notify(id));
  const terminals = new TerminalService({
    workspace: (id) => hub.workspace(id),
    runtime: async (ws) => {
      await hub.service.prepare(ws);
      return hub.service.runtime(ws);
    },
    env,
  });
  hub.terminalOpen = (id) => terminals.list(id).length > 0;
  // A deleted workspace's shells and MCP servers end with it (deleted here, or by the CLI in another process).
  void hub.feed.subscribeList().then(async (events) => {
    for await (const e of events) {
      if (e.type !== "removed") continue;
      void terminals.closeWorkspace(e.id);
      void hub.mcp.stopWorkspace(e.id);
    }
  });
  const context = { hub, land: services.land, review, terminals, env, server };
  return {
    hub,
    attach(socket) {
      // Outgoing frames pass through redaction: a key echoed in an error never reaches a browser.
      const peer = {
        addEventListener: socket.addEventListener.bind(socket),
        send: (data: string | ArrayBufferLike | Uint8Array) => socket.send(typeof data === "string" ? redact(data) : data),
      } as unknown as Parameters<typeof handler.upgrade>[0];
      void handler.upgrade(peer, { context });
      keepAlive(socket);
    },
    attachTerminal(socket, terminalId, from) {
      keepAlive(socket);
      attachTerminalSocket(socket, terminals, terminalId, from);
    },
    close: async () => {
      review.dispose();
      await Promise.all([hub.shutdown(), terminals.closeAll()]);
    },
  };
}
