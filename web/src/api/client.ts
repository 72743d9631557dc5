import { createORPCClient } from "@orpc/client";
import { RPCLink } from "@orpc/client/websocket";
import type { ContractRouterClient } from "@orpc/contract";
import { SIGNED_OUT_CLOSE_CODE } from "../../../src/api/closeCodes";
import type { Contract } from "../../../src/api/contract";

export type ApiClient = ContractRouterClient<Contract>;
export type ConnectionStatus = "connecting" | "open" | "closed";

/**
 * The one WebSocket to the server, reconnected with backoff whenever it drops (server restart,
 * laptop sleep). Its URL is relative to the page, so the app works under any path prefix
 * (e.g. Coder's `/@user/workspace/apps/mux/`). Auth rides on the cookie the server set.
 */
class Connection {
  status: ConnectionStatus = "connecting";
  private client: ApiClient | null = null;
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<(s: ConnectionStatus) => void>();
  private waiters: (() => void)[] = [];
  private retries = 0;

  constructor() {
    this.open();
  }

  private open() {
    const url = new URL("api/ws", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    this.socket = socket;
    this.client = createORPCClient(new RPCLink({ websocket: socket }));
    this.setStatus("connecting");
    socket.addEventListener("open", () => {
      this.retries = 0;
      this.setStatus("open");
      for (const w of this.waiters.splice(0)) w();
    });
    socket.addEventListener("close", (e) => {
      if (this.socket !== socket) return;
      // This browser was signed out (everywhere, or revoked): reloading shows the sign-in page.
      if (e.code === SIGNED_OUT_CLOSE_CODE) return window.location.reload();
      this.setStatus("closed");
      const delay = Math.min(5_000, 200 * 2 ** this.retries++);
      setTimeout(() => this.open(), delay);
    });
  }

  private setStatus(s: ConnectionStatus) {
    this.status = s;
    for (const l of this.listeners) l(s);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The client of the current socket, once it is open. */
  async ready(): Promise<ApiClient> {
    if (this.status !== "open") await new Promise<void>((r) => this.waiters.push(r));
    return this.client!;
  }
}

let connection: Connection | null = null;

export function getConnection(): Connection {
  connection ??= new Connection();
  return connection;
}

/** Calls an API procedure once the socket is open: `await call((api) => api.chat.send({...}))`. */
export async function call<T>(fn: (api: ApiClient) => Promise<T>): Promise<T> {
  return fn(await getConnection().ready());
}

/** The server says what was asked for does not exist (e.g. a workspace deleted meanwhile). */
export const isNotFound = (err: unknown) => (err as { code?: unknown } | null)?.code === "NOT_FOUND";

/**
 * Keeps a subscription alive across reconnects. `open` is called again after every drop and
 * should pass the latest cursor, so the server replays exactly what was missed. A NOT_FOUND
 * ends it for good (retrying cannot help): `onGone` gets the server's message.
 */
export function subscribe<T>(
  open: (api: ApiClient, signal: AbortSignal) => Promise<AsyncIterable<T>>,
  onItem: (item: T) => void,
  onGone?: (message: string) => void,
): () => void {
  const controller = new AbortController();
  (async () => {
    while (!controller.signal.aborted) {
      try {
        const api = await getConnection().ready();
        const iterator = await open(api, controller.signal);
        for await (const item of iterator) {
          if (controller.signal.aborted) break;
          onItem(item);
        }
      } catch (err) {
        if (isNotFound(err)) {
          onGone?.((err as Error).message);
          return;
        }
        // dropped: wait for the socket to come back, then resubscribe
      }
      if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return () => controller.abort();
}
