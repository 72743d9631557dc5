import WebSocket from "ws";
import type { TerminalServerFrame } from "../../src/api/terminal.js";
import type { ServerProcess } from "./server.js";
import { waitFor } from "./processes.js";

export interface TerminalConnection {
  socket: WebSocket;
  /** Control frames received, in order. */
  frames: TerminalServerFrame[];
  /** Output received since attaching (as text). */
  text(): string;
  /** Bytes of output received. */
  bytes(): number;
  /** Offset just past the last byte received (for reconnecting with `from`). */
  offset(): number;
  send(data: string): void;
  /**
   * Sends `line` until the output matches `pattern` (every 2 s): after an interrupt, the shell
   * may drop what was typed ahead while the killed program still held the terminal.
   */
  retypeUntil(line: string, pattern: RegExp | string, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once the output matches; fails after `timeoutMs` with what was seen. */
  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<RegExpMatchArray>;
  closed: Promise<number>;
  close(): void;
}

/**
 * Attaches to a terminal's socket as a Node client (Bearer token). Output is acknowledged as it
 * arrives, as the web app does once xterm has drawn it; `ack: false` plays a page that stopped
 * reading (a frozen tab).
 */
export async function attachTerminal(
  server: ServerProcess,
  terminalId: string,
  opts: { from?: number; ack?: boolean; headers?: Record<string, string> } = {},
): Promise<TerminalConnection> {
  const query = opts.from === undefined ? "" : `?from=${opts.from}`;
  const headers = opts.headers ?? (server.token ? { authorization: `Bearer ${server.token}` } : {});
  const socket = new WebSocket(`${server.url.replace("http", "ws")}api/terminal/${terminalId}${query}`, { headers });
  const frames: TerminalServerFrame[] = [];
  const chunks: Buffer[] = [];
  let bytes = 0;
  let offset = 0;
  socket.on("message", (data: Buffer, isBinary) => {
    if (!isBinary) {
      const frame = JSON.parse(data.toString()) as TerminalServerFrame;
      frames.push(frame);
      if (frame.type === "attached") offset = frame.offset;
      return;
    }
    chunks.push(data);
    bytes += data.length;
    offset += data.length;
    if (opts.ack !== false) socket.send(JSON.stringify({ type: "ack", offset }));
  });
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  // The server speaks first (`attached`), unless it refuses the terminal and closes.
  let ended = false;
  void closed.then(() => (ended = true));
  await waitFor(() => frames.length > 0 || ended, "the attached frame");
  // Long floods keep only their last 256 KB as text: matching looks at what came last.
  let kept = 0;
  const text = () => {
    kept = chunks.reduce((n, c) => n + c.length, 0);
    while (kept > 256 * 1024 && chunks.length > 1) kept -= chunks.shift()!.length;
    return Buffer.concat(chunks).toString("utf8");
  };
  const conn: TerminalConnection = {
    socket,
    frames,
    text,
    bytes: () => bytes,
    offset: () => offset,
    send: (data) => socket.send(JSON.stringify({ type: "input", data })),
    async waitForText(pattern, timeoutMs = 20_000) {
      let m: RegExpMatchArray | null = null;
      try {
        await waitFor(() => (m = text().match(pattern)) !== null, `terminal output ${pattern}`, timeoutMs);
      } catch {
        throw new Error(`terminal output never matched ${pattern}; last output:\n${text().slice(-2000)}`);
      }
      return m!;
    },
    async retypeUntil(line, pattern, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        socket.send(JSON.stringify({ type: "input", data: line }));
        try {
          return await conn.waitForText(pattern, Math.min(2_000, Math.max(1, end - Date.now())));
        } catch (err) {
          if (Date.now() >= end) throw err;
        }
      }
    },
    closed,
    close: () => socket.terminate(),
  };
  return conn;
}
