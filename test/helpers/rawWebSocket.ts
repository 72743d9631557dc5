import { randomBytes } from "node:crypto";
import * as net from "node:net";

/**
 * A WebSocket client made of a bare TCP socket, for writing frames no real client would send.
 * Upgrades by hand (`headers` carry the auth, and may replace Host), then hands over the socket.
 */
export interface RawWebSocket {
  /** The status line and headers of the server's answer to the upgrade. */
  response: string;
  write(frame: Buffer): void;
  /** Resolves when the server has answered a ping (opcode 9) with a pong (opcode 10). */
  pong(): Promise<void>;
  /** The close code of the server's close frame, or null if the socket ended without one. */
  closeCode(): Promise<number | null>;
  destroy(): void;
}

export function rawUpgrade(port: number, headers: Record<string, string>, pathname = "/api/ws"): Promise<RawWebSocket> {
  const socket = net.connect(port, "127.0.0.1");
  const lines = [
    `GET ${pathname} HTTP/1.1`,
    ...(Object.keys(headers).some((k) => k.toLowerCase() === "host") ? [] : [`Host: 127.0.0.1:${port}`]),
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  let received = Buffer.alloc(0);
  let headerEnd = -1;
  const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => {});
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (headerEnd >= 0) return;
      headerEnd = received.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const response = received.subarray(0, headerEnd).toString("latin1");
      received = received.subarray(headerEnd + 4);
      resolve({
        pong: () =>
          new Promise<void>((done, fail) => {
            const look = () => {
              if (findFrame(received, 10) !== undefined) return done();
              socket.once("data", look);
            };
            socket.once("close", () => fail(new Error("closed before a pong")));
            look();
          }),
        response,
        write: (frame) => socket.write(frame),
        async closeCode() {
          await ended;
          return parseCloseCode(received);
        },
        destroy: () => socket.destroy(),
      });
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed before the upgrade answered: ${received.toString("latin1")}`)));
  });
}

/** The code in the first close frame (opcode 8) among the server's frames. */
function parseCloseCode(data: Buffer): number | null {
  const close = findFrame(data, 8);
  return close && close.length >= 2 ? close.readUInt16BE(0) : null;
}

/** The payload of the first frame with `opcode` among the server's frames (never masked). */
function findFrame(data: Buffer, wanted: number): Buffer | undefined {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at] & 0x0f;
    let len = data[at + 1] & 0x7f;
    let start = at + 2;
    if (len === 126) {
      len = data.readUInt16BE(start);
      start += 2;
    } else if (len === 127) {
      len = Number(data.readBigUInt64BE(start));
      start += 8;
    }
    if (start + len > data.length) return undefined;
    if (opcode === wanted) return data.subarray(start, start + len);
    at = start + len;
  }
  return undefined;
}

/** A client frame: FIN set, `opcode`, masked (as clients must) unless `masked` is false. */
export function frame(opcode: number, payload: Buffer, opts: { masked?: boolean; declaredLength?: number } = {}): Buffer {
  const masked = opts.masked ?? true;
  const len = opts.declaredLength ?? payload.length;
  const head: number[] = [0x80 | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(len));
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from(head), mask, body]);
}
