import { TERMINAL_CLOSED_CODE, type TerminalClientFrame, type TerminalServerFrame } from "../../../src/api/terminal";

/**
 * Acknowledgements are coalesced: one once this many bytes are drawn since the last, else one
 * shortly after the output stops. Well below the server's low-water mark (512 KB,
 * src/terminal/terminal.ts), so a flood never waits on an acknowledgement held back here.
 */
const ACK_BYTES = 128 * 1024;
const ACK_DELAY_MS = 15;

export type TerminalSocketStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface TerminalSocketHandlers {
  /** Output to draw; call `drawn` once it is on the screen (flow control waits for it). */
  output(data: Uint8Array, drawn: () => void): void;
  /** What the screen shows is not continued: clear it before the output that follows. */
  reset(): void;
  exit(code: number | null, signal: number | null): void;
  status(s: TerminalSocketStatus): void;
}

/**
 * One terminal's own WebSocket (`api/terminal/<id>`, relative to the page like the API socket).
 * It reconnects with backoff when it drops, saying how far it got (`from`), so the server sends
 * only what was missed. Output is acknowledged once drawn: the server holds back a program that
 * writes faster than this page can draw (see src/terminal/terminal.ts).
 */
export class TerminalSocket {
  private socket: WebSocket | null = null;
  private offset: number | undefined;
  private retries = 0;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Drawn up to here; acknowledged up to `acked` (a timer sends the rest). */
  private drawnTo = 0;
  private acked = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly terminalId: string,
    private readonly on: TerminalSocketHandlers,
    private size: () => { cols: number; rows: number },
  ) {
    this.open();
  }

  private open() {
    const url = new URL(`api/terminal/${encodeURIComponent(this.terminalId)}`, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (this.offset !== undefined) url.searchParams.set("from", String(this.offset));
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.on.status(this.retries ? "reconnecting" : "connecting");
    socket.addEventListener("message", (e) => {
      if (this.socket !== socket) return;
      if (typeof e.data === "string") return this.control(JSON.parse(e.data) as TerminalServerFrame);
      const data = new Uint8Array(e.data as ArrayBuffer);
      const end = (this.offset ?? 0) + data.length;
      this.offset = end;
      this.on.output(data, () => this.drawn(end));
    });
    socket.addEventListener("close", (e) => {
      if (this.socket !== socket || this.disposed) return;
      if (e.code === TERMINAL_CLOSED_CODE) return this.on.status("closed");
      this.on.status("reconnecting");
      const delay = Math.min(5_000, 200 * 2 ** this.retries++);
      this.timer = setTimeout(() => this.open(), delay);
    });
  }

  private control(frame: TerminalServerFrame) {
    switch (frame.type) {
      case "attached": {
        this.retries = 0;
        if (frame.reset) this.on.reset();
        this.offset = this.drawnTo = this.acked = frame.offset;
        this.on.status("open");
        const { cols, rows } = this.size();
        this.resize(cols, rows);
        return;
      }
      case "exit":
        this.on.exit(frame.code, frame.signal);
        return;
      default:
        frame satisfies never;
    }
  }

  private drawn(end: number) {
    if (end <= this.drawnTo) return;
    this.drawnTo = end;
    if (end - this.acked >= ACK_BYTES) this.ack();
    else this.ackTimer ??= setTimeout(() => this.ack(), ACK_DELAY_MS);
  }

  private ack() {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.drawnTo <= this.acked) return;
    this.acked = this.drawnTo;
    this.send({ type: "ack", offset: this.acked });
  }

  private send(frame: TerminalClientFrame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  input(data: string) {
    this.send({ type: "input", data });
  }

  resize(cols: number, rows: number) {
    if (cols >= 2 && rows >= 1) this.send({ type: "resize", cols, rows });
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.ackTimer);
    this.socket?.close();
  }
}
