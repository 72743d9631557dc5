import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import { SIGNED_OUT_CLOSE_CODE } from "../api/closeCodes.js";
import { redact } from "../common/redact.js";
import type { Api } from "./api.js";
import { Auth, originRefusal } from "./auth.js";
import { HostCheck, hostRefusal } from "./hostCheck.js";
import { terminalSocketPath } from "./terminalPath.js";
import { SessionStore } from "./sessions.js";

export interface ServerConfig {
  host: string;
  port: number;
  /** null: no authentication. */
  token: string | null;
  /** Names besides localhost the server answers to without a token (see hostCheck.ts). */
  allowedHosts?: string[];
  /** Accept https pages though the proxy in front says http (--allow-http-origin; see auth.ts). */
  allowHttpOrigin?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface RunningServer {
  port: number;
  /** The API, once loaded (it starts loading with the first page request). */
  api(): Api | undefined;
  close(): Promise<void>;
}

/** One line on stderr, with every known secret scrubbed (a client may echo anything). */
const logLine = (line: string) => process.stderr.write(`${redact(line)}\n`);

type Listener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** How long after listening the server starts loading pages and the API on its own. */
const PRELOAD_DELAY_MS = 150;

function refuse(socket: Duplex, status: number, message?: string): void {
  const body = JSON.stringify({ error: message ?? (status === 403 ? "cross-origin WebSocket refused" : "unauthorized") });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The server process's front: a bare node:http server that answers `/health` itself, so it is
 * up within a few milliseconds of start. Everything else loads right after (or on first use,
 * whichever comes first): the HTTP routes (Hono, which pulls in Node's fetch implementation,
 * ~100 ms of CPU), then the WebSocket server and the API (hub), so a first visit finds them
 * ready. Once the API is up, pages carry the workspace list.
 */
export async function startServer(cfg: ServerConfig, loadApi: () => Promise<Api>): Promise<RunningServer> {
  // Browsers' sign-ins (none without a token). A revoked one's connections end at once, even
  // when another process (`mux server revoke`) revoked it.
  const sessions = cfg.token === null ? undefined : new SessionStore(cfg.env, cfg.token);
  const socketsBySession = new Map<string, Set<WebSocket>>();
  sessions?.onRevoke((ids) => {
    for (const id of ids) for (const ws of socketsBySession.get(id) ?? []) ws.close(SIGNED_OUT_CLOSE_CODE, "signed out");
  });
  let auth = new Auth(cfg.token, cfg.port, sessions);
  // Without a token, only loopback names and allowed ones (DNS rebinding); with one, any name.
  const hosts = cfg.token === null ? new HostCheck(cfg.allowedHosts ?? []) : undefined;
  let closed = false;
  let api: Api | undefined;
  let apiPromise: Promise<Api> | undefined;
  let httpPromise: Promise<Listener> | undefined;
  let wssPromise: Promise<WebSocketServer> | undefined;
  const loadHttp = () =>
    (httpPromise ??= import("./http.js").then((m) =>
      m.createHttpListener(auth, cfg.env, {
        allowHttpOrigin: cfg.allowHttpOrigin,
        // Only when the API is already up: a page never waits for it.
        bootData: () => (api ? { at: Date.now(), list: api.hub.feed.listSnapshot() } : undefined),
        image: async (workspaceId, messageId, index) => (await getApi()).hub.image(workspaceId, messageId, index),
      }),
    ));
  const loadWss = () => (wssPromise ??= import("ws").then(({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 })));
  const getApi = () =>
    (apiPromise ??= loadApi().then(
      (a) => (api = a),
      (err) => {
        apiPromise = undefined; // the next connection tries again
        throw err;
      },
    ));

  const server = createServer((req, res) => {
    if (req.url === "/health" && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end('{"ok":true}');
      return;
    }
    if (hosts && !hosts.allows(req.headers.host)) {
      const body = JSON.stringify({ error: hostRefusal(req.headers.host) });
      res.writeHead(403, { "content-type": "application/json", "x-content-type-options": "nosniff", "cache-control": "no-store" }).end(body);
      return;
    }
    loadHttp()
      .then((listener) => listener(req, res))
      .catch((err) => {
        logLine(`mux: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        // A signed-in page's socket comes next: load what it needs now (after the page went out).
        if (api || apiPromise) return;
        if (auth.check({ authorization: header(req, "authorization"), cookie: header(req, "cookie") }) || req.url?.includes("token=")) preload();
      });
  });
  const preload = () => {
    void loadWss().catch(() => {});
    void getApi().catch(() => {}); // reported (and retried) when a socket needs it
  };

  // The API's WebSocket, at `api/ws` relative to any page of the app, and each terminal's
  // (`api/terminal/<id>`): both behind the same host, origin and sign-in checks.
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    const path = (req.url ?? "/").split("?")[0];
    const terminal = terminalSocketPath(req.url ?? "/");
    if ((!path.endsWith("/api/ws") && !terminal) || header(req, "upgrade")?.toLowerCase() !== "websocket") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (hosts && !hosts.allows(req.headers.host)) return refuse(socket, 403, hostRefusal(req.headers.host));
    const origin = header(req, "origin");
    const refusal = originRefusal(
      { origin, host: header(req, "host"), forwardedHost: header(req, "x-forwarded-host"), forwardedProto: header(req, "x-forwarded-proto") },
      cfg.allowHttpOrigin,
    );
    if (refusal) return refuse(socket, 403, refusal);
    // A browser always sends Origin; without one, only the Bearer header counts.
    const authorization = header(req, "authorization");
    const who = origin
      ? auth.identify({ authorization, cookie: header(req, "cookie") })
      : auth.checkBearer(authorization)
        ? ({ kind: "bearer" } as const)
        : undefined;
    if (!who) return refuse(socket, 401);
    const sessionId = who.kind === "session" ? who.id : undefined;
    Promise.all([loadWss(), getApi()])
      .then(([wss, loaded]) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          // A malformed frame (invalid UTF-8, no mask, unknown opcode, too big) makes `ws` close
          // this connection with the matching code (1007, 1002, 1009) and then emit 'error'.
          // Unheard, that error would end the process and every agent running in it.
          ws.on("error", (err) => logLine(`mux: closed a WebSocket connection: ${err.message}`));
          if (sessionId) trackSession(sessionId, ws);
          if (terminal) loaded.attachTerminal(ws, terminal.terminalId, terminal.from);
          else loaded.attach(ws);
        });
      })
      .catch((err) => {
        logLine(`mux: cannot start the API: ${err instanceof Error ? err.stack : String(err)}`);
        socket.end("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      });
  });

  const trackSession = (id: string, ws: WebSocket) => {
    const set = socketsBySession.get(id) ?? new Set();
    socketsBySession.set(id, set.add(ws));
    ws.once("close", () => {
      set.delete(ws);
      if (!set.size) socketsBySession.delete(id);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  auth = new Auth(cfg.token, port, sessions);
  sessions?.watch();
  // Sign-ins made with an earlier token (--new-token, or a new MUX_SERVER_AUTH_TOKEN) end.
  void sessions?.dropOtherTokens().catch((err) => logLine(`mux: cannot update ${sessions.file}: ${err.message}`));
  // The server is up (health answers at once); now, unless a page got here first, load what
  // the first visit needs — pages, then the API and its hub — so it does not wait for them.
  // A moment later, so a health probe that follows the start at once is not held up.
  setTimeout(() => {
    if (closed) return;
    void loadHttp()
      .catch(() => {})
      .then(() => {
        if (!closed && !api && !apiPromise) preload();
      });
  }, PRELOAD_DELAY_MS).unref();

  return {
    port,
    api: () => api,
    async close() {
      closed = true;
      sessions?.close();
      const wss = await wssPromise?.catch(() => undefined);
      for (const client of wss?.clients ?? []) client.terminate();
      // An API still loading is closed once loaded (its hub has timers and git processes).
      const loaded = api ?? (await apiPromise?.catch(() => undefined));
      await loaded?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
