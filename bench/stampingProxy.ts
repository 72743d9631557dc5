/**
 * The UI bench's stamping proxy (bench/ui.ts, 20 streams): it sits between the server and the fake
 * provider and forwards each SSE frame as it comes, writing the wall clock over every marker
 * placeholder at the moment the frame leaves for the server, so the page can tell how long each
 * text delta took to reach the screen.
 */
import * as http from "node:http";
import { lastUserText } from "../test/browser/harness.js";

/** 13 digits of epoch ms, fixed width; the proxy writes the real time over the zeros. */
export const PLACEHOLDER = "[t=0000000000000]";
/**
 * A marker that fits in one 4-character delta: `§` and a 3-character id. The proxy cannot write a
 * time into it, so it records when the frame carrying each id left; the bench matches them later.
 */
export const SHORT_MARKER = /§([0-9a-z]{3})/g;

interface StreamRecord {
  label: string;
  firstFrameAt: number;
  lastFrameAt: number;
  markers: number;
  /** Short markers (`§` + 3 characters, see SHORT_MARKER): when the frame carrying each left. */
  shortMarkers: Map<string, number>;
}

/**
 * Forwards every request to the fake provider and its SSE reply back frame by frame, writing
 * Date.now() over each marker placeholder as the frame leaves for the server.
 */
export async function startStampingProxy(target: string) {
  const streams: StreamRecord[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let label = "";
      try {
        label = lastUserText({ body: JSON.parse(body.toString("utf8")) } as Parameters<typeof lastUserText>[0]);
      } catch {
        // not JSON
      }
      const record: StreamRecord = { label, firstFrameAt: 0, lastFrameAt: 0, markers: 0, shortMarkers: new Map() };
      streams.push(record);
      const up = http.request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
        (upRes) => {
          const headers = { ...upRes.headers };
          delete headers["content-length"];
          res.writeHead(upRes.statusCode ?? 502, headers);
          res.flushHeaders();
          let buf = "";
          upRes.setEncoding("utf8");
          upRes.on("data", (c: string) => {
            buf += c;
            let end: number;
            while ((end = buf.indexOf("\n\n")) >= 0) {
              let frame = buf.slice(0, end + 2);
              buf = buf.slice(end + 2);
              const now = Date.now();
              if (frame.includes(PLACEHOLDER)) {
                frame = frame.split(PLACEHOLDER).join(`[t=${String(now).padStart(13, "0")}]`);
                record.markers++;
              }
              if (frame.includes("§")) for (const m of frame.matchAll(SHORT_MARKER)) record.shortMarkers.set(m[1], now);
              if (!record.firstFrameAt) record.firstFrameAt = now;
              record.lastFrameAt = now;
              res.write(frame);
            }
          });
          upRes.on("end", () => res.end(buf));
          upRes.on("error", () => res.destroy());
        },
      );
      up.on("error", () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    streams,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type StampingProxy = Awaited<ReturnType<typeof startStampingProxy>>;
