import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createORPCClient } from "@orpc/client";
import { RPCLink } from "@orpc/client/websocket";
import type { ContractRouterClient } from "@orpc/contract";
import WebSocket from "ws";
import type { Contract } from "../../src/api/contract.js";
import type { ChatItem } from "../../src/api/schemas.js";
import { cleanEnv, REPO_ROOT } from "./mux.js";

export type ApiClient = ContractRouterClient<Contract>;

let privateDist: string | undefined;

/**
 * A private copy of the built CLI (without the web app), so a rebuild running meanwhile (other
 * developers, other test files) cannot pull the files from under a running server.
 */
function muxBin(): string {
  if (!privateDist) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-dist-"));
    const dist = path.join(REPO_ROOT, "dist");
    // Relative to dist/: a checkout whose path contains "/web" (e.g. ~/webapps/mux) still copies.
    fs.cpSync(dist, dir, { recursive: true, filter: (src) => path.relative(dist, src).split(path.sep)[0] !== "web" });
    // Native modules (the terminal's pty) are loaded from node_modules at run time.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
    privateDist = dir;
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return path.join(privateDist, "mux.js");
}

export interface ServerProcess {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  token: string | null;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export interface ServerOptions {
  muxRoot: string;
  env?: Record<string, string | undefined>;
  /** Default: a fixed token passed with --auth-token. null: --no-auth. "stored": no flag, the one in MUX_ROOT (read from the ready URL). */
  token?: string | null | "stored";
  args?: string[];
  /** Default: --port 0 (a free one). null: no --port flag (MUX_SERVER_PORT or the default applies). */
  port?: null;
}

export const TEST_TOKEN = "test-server-token-0123456789";

/** Starts the built `mux server --port 0` and waits for its ready line. */
export function startServer(opts: ServerOptions): Promise<ServerProcess> {
  const token = opts.token === undefined ? TEST_TOKEN : opts.token;
  const authArgs = token === null ? ["--no-auth"] : token === "stored" ? [] : ["--auth-token", token];
  const portArgs = opts.port === null ? [] : ["--port", "0"];
  const args = [muxBin(), "server", "--host", "127.0.0.1", ...portArgs, ...authArgs, ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: cleanEnv({ MUX_ROOT: opts.muxRoot, MUX_WEB_DIR: path.join(opts.muxRoot, "no-web"), ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 20 s\n${stdout}\n${stderr}`)), 20_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready\n${stdout}\n${stderr}`));
    };
    child.once("exit", early);
    child.stdout!.on("data", (c: string) => {
      stdout += c;
      const m = /Mux is ready at http:\/\/[^:]+:(\d+)\/(?:\?token=(\S+))?.*\n/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.off("exit", early);
      const port = Number(m[1]);
      const kill = (signal: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      };
      resolve({
        url: `http://127.0.0.1:${port}/`,
        port,
        token: token === "stored" ? (m[2] ? decodeURIComponent(m[2]) : null) : token,
        child,
        output: () => ({ stdout, stderr }),
        stop: () => kill("SIGTERM"),
        kill: () => kill("SIGKILL"),
      });
    });
  });
}

export interface Connection {
  api: ApiClient;
  socket: WebSocket;
  /** Every frame the server sent, as text. */
  frames: string[];
  close(): void;
}

/** Opens the API WebSocket as a Node client would (Bearer token), or as a browser (cookie + Origin). */
export async function connect(server: ServerProcess, auth: { bearer?: string | null; cookie?: string; origin?: string } = {}): Promise<Connection> {
  const headers: Record<string, string> = {};
  const bearer = auth.bearer === undefined ? server.token : auth.bearer;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const socket = new WebSocket(`${server.url.replace("http", "ws")}api/ws`, { headers });
  const frames: string[] = [];
  socket.on("message", (data) => frames.push(data.toString()));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  const api: ApiClient = createORPCClient(new RPCLink({ websocket: socket as unknown as globalThis.WebSocket }));
  return { api, socket, frames, close: () => socket.terminate() };
}

/** The HTTP status a WebSocket upgrade gets (101 when accepted). */
export function upgradeStatus(server: ServerProcess, headers: Record<string, string>, pathname = "api/ws"): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}${pathname}`, { headers });
    socket.once("open", () => {
      socket.terminate();
      resolve(101);
    });
    socket.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once("error", (e) => reject(e));
  });
}

/** Reads items from a subscription until `done` says so (inclusive); fails after `timeoutMs`. */
export async function readUntil<T>(iterator: AsyncIterator<T>, done: (item: T, all: T[]) => boolean, timeoutMs = 20_000): Promise<T[]> {
  const items: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(items.map(describeItem))}`)), Math.max(0, left));
      }),
    ]).finally(() => clearTimeout(timer));
    if (next.done) throw new Error(`subscription ended; got ${JSON.stringify(items.map(describeItem))}`);
    items.push(next.value);
    if (done(next.value, items)) return items;
  }
}

function describeItem(item: unknown): unknown {
  const i = item as ChatItem;
  if (i?.type === "event") return `${i.seq}:${i.event.type}`;
  if (i?.type === "message") return `${i.seq}:message:${i.message.role}`;
  return i?.type ?? item;
}

/** The text of the finished assistant message in a `message` item. */
export const isAssistantMessage = (item: ChatItem) => item.type === "message" && item.message.role === "assistant";

/** A GET through node:http, which (unlike fetch) may send any Host header. */
export function rawGet(
  server: ServerProcess,
  pathname: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port: server.port, path: pathname, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
  });
}

/**
 * Signs in as a browser does (the `?token=` visit) and returns the session cookie it got, as a
 * `Cookie` header value (`name=secret`).
 */
export async function signIn(server: { url: string }, token: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await fetch(`${server.url}?token=${encodeURIComponent(token)}`, { headers, redirect: "manual" });
  const setCookie = r.headers.get("set-cookie");
  if (r.status !== 302 || !setCookie) throw new Error(`sign-in refused: ${r.status}`);
  return setCookie.split(";")[0];
}
