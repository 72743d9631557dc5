import type { IPty } from "@lydell/node-pty";
import type { TerminalInfo, TerminalServerFrame } from "../api/terminal.js";
import { processesInSession } from "../common/processInfo.js";
import { watchdog } from "../runtime/watchdog.js";
import { Scrollback } from "./scrollback.js";

/** Output kept per terminal for a page that (re)attaches. */
export const SCROLLBACK_BYTES = 2 * 1024 * 1024;
/**
 * Flow control. The pty stops being read (so the program blocks on its writes, as on a real
 * terminal) while any client has more than HIGH_WATER bytes it has not acknowledged, and is read
 * again when all are below LOW_WATER. LOW_WATER is what the page still has to draw when reading
 * resumes: it must outlast the round trip (ack → resume → read → send), or the page idles
 * between batches (with 64 KB, `cat` of 20 MB took 2–4× as long on screen under load). HIGH_WATER
 * (plus one frame, see FRAME_BYTES) bounds what is still on its way to the screen after a Ctrl+C
 * (about 0.1–0.2 s of drawing).
 */
export const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 512 * 1024;
/**
 * Output frames. The pty hands over at most ~4 KB per read: a flood sent as it was read made
 * ~5,000 WebSocket messages per 20 MB, each costing the page, the browser and the server about
 * as much as its bytes, and each making the page draw a frame. So output that follows a frame
 * closely is gathered: within GATHER_MS after a small frame, within FLOOD_GATHER_MS after a
 * frame of FLOOD_BYTES or more (a flood: the page gets ~25 frames a second and draws about as
 * often, instead of every 16 ms, parsing the rest of the time). Output after a quiet moment (a keystroke's
 * echo) leaves at once. A frame is sent once it holds FRAME_BYTES, whatever the time.
 */
const GATHER_MS = 4;
const FLOOD_GATHER_MS = 40;
const FLOOD_BYTES = 16 * 1024;
export const FRAME_BYTES = 512 * 1024;
/** A client that holds the terminal back for this long is dropped (it reconnects; see TERMINAL_TOO_SLOW_CODE). */
const STALL_MS = 10_000;
/** After SIGHUP, how long the session's processes get before SIGKILL. */
const HANGUP_GRACE_MS = 500;

/** The transport of one attached page (a WebSocket in the server). */
export interface TerminalClient {
  output(data: Buffer): void;
  control(frame: TerminalServerFrame): void;
  /** End the connection: the client is too slow (it may reconnect), or the terminal was closed. */
  drop(why: "slow" | "closed"): void;
}

/** What an attached client may do. */
export interface Attachment {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  ack(offset: number): void;
  detach(): void;
}

export interface SpawnSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** Ends what the local process cannot take down with it (a shell inside a container). */
  end?: () => Promise<void>;
}

interface Attached {
  client: TerminalClient;
  sent: number;
  acked: number;
  stalledSince: number | undefined;
}

type PtyModule = typeof import("@lydell/node-pty");
let ptyModule: Promise<PtyModule> | undefined;
/** The native module loads on the first terminal, not with the server. */
export const loadPty = (): Promise<PtyModule> => (ptyModule ??= import("@lydell/node-pty"));

/**
 * One shell on a pseudo-terminal, with the output it produced lately. It runs whether or not a
 * page is attached; any number may attach, each getting the scrollback and then live output.
 */
export class Terminal {
  private readonly scrollback = new Scrollback(SCROLLBACK_BYTES);
  private readonly clients = new Set<Attached>();
  private paused = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Cancels the flush scheduled for what is pending. */
  private cancelFlush: (() => void) | undefined;
  /** When the last frame went out, and its size. */
  private lastFlush = 0;
  private lastFrameBytes = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly info: TerminalInfo,
    private readonly pty: IPty,
    private readonly end?: () => Promise<void>,
  ) {
    // Killed with Mux if Mux dies first, with every job of the shell (each in a group of its own).
    watchdog().registerSession(pty.pid);
    pty.onData((chunk) => this.onOutput(chunk as unknown as Buffer));
    this.exited = new Promise((resolve) =>
      pty.onExit(({ exitCode, signal }) => {
        this.info.exit = { code: signal ? null : exitCode, signal: signal || null };
        this.flush(); // the last output before the news of the exit
        for (const c of this.clients) c.client.control({ type: "exit", ...this.info.exit });
        // Whatever the shell left running in its session goes with it.
        void endSession(pty.pid).finally(() => watchdog().unregisterSession(pty.pid));
        void this.end?.();
        resolve();
      }),
    );
  }

  static async start(info: TerminalInfo, spec: SpawnSpec): Promise<Terminal> {
    const { spawn } = await loadPty();
    const pty = spawn(spec.file, spec.args, {
      name: "xterm-256color",
      cols: spec.cols,
      rows: spec.rows,
      cwd: spec.cwd,
      env: spec.env,
      // Raw bytes: offsets count bytes, and a character split between reads stays whole on the screen.
      encoding: null,
    });
    return new Terminal(info, pty, spec.end);
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** Attaches a page that has the output before `from` (undefined: nothing yet). */
  attach(client: TerminalClient, from?: number): Attachment {
    // Output not sent yet is in the scrollback already: out to the others first, so the
    // newcomer gets it once (from the scrollback).
    if (this.pending.length) this.flush();
    const { offset, reset, data } = this.scrollback.since(from);
    const a: Attached = { client, sent: offset + data.length, acked: offset, stalledSince: undefined };
    client.control({ type: "attached", offset, reset, terminal: this.info });
    if (data.length) client.output(data);
    if (this.info.exit) client.control({ type: "exit", ...this.info.exit });
    this.clients.add(a);
    this.flow();
    return {
      input: (text) => {
        if (!this.info.exit) this.pty.write(text);
      },
      resize: (cols, rows) => {
        if (!this.info.exit) this.pty.resize(cols, rows);
      },
      ack: (offset) => {
        if (offset > a.acked && offset <= a.sent) a.acked = offset;
        this.flow();
      },
      detach: () => {
        this.clients.delete(a);
        this.flow();
      },
    };
  }

  /** Ends the shell and every process of its session; resolves once it has exited. */
  async close(): Promise<void> {
    // A paused pty would not notice its shell going.
    this.pty.resume();
    await this.end?.();
    await endSession(this.pty.pid);
    await this.exited;
    for (const a of this.clients) a.client.drop("closed");
    this.clients.clear();
  }

  private onOutput(chunk: Buffer): void {
    this.scrollback.push(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FRAME_BYTES) {
      this.flush();
      return;
    }
    if (this.cancelFlush) return;
    // After a quiet moment, what arrives within this turn of the event loop goes out at its end;
    // while output streams, it is gathered into fewer, bigger frames (see GATHER_MS).
    const wait = this.lastFlush + (this.lastFrameBytes >= FLOOD_BYTES ? FLOOD_GATHER_MS : GATHER_MS) - performance.now();
    if (wait > 0) {
      const timer = setTimeout(() => this.flush(), wait);
      this.cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.flush());
      this.cancelFlush = () => clearImmediate(immediate);
    }
  }

  private flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (!this.pending.length) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.lastFlush = performance.now();
    this.lastFrameBytes = chunk.length;
    for (const a of this.clients) {
      a.client.output(chunk);
      a.sent += chunk.length;
    }
    this.flow();
  }

  /** Pauses or resumes reading the pty by what the clients have not acknowledged yet. */
  private flow(): void {
    const now = Date.now();
    let behind = false;
    let caughtUp = true;
    for (const a of this.clients) {
      const unacked = a.sent - a.acked;
      if (unacked > HIGH_WATER) {
        behind = true;
        a.stalledSince ??= now;
      } else a.stalledSince = undefined;
      if (unacked > LOW_WATER) caughtUp = false;
    }
    if (behind && !this.paused) {
      this.paused = true;
      this.pty.pause();
      this.stallTimer = setTimeout(() => this.dropStalled(), STALL_MS);
      this.stallTimer.unref();
    } else if (this.paused && caughtUp) {
      this.paused = false;
      clearTimeout(this.stallTimer);
      this.pty.resume();
    }
  }

  private dropStalled(): void {
    const now = Date.now();
    for (const a of [...this.clients]) {
      if (a.stalledSince !== undefined && now - a.stalledSince >= STALL_MS - 50) {
        this.clients.delete(a);
        a.client.drop("slow");
      }
    }
    this.paused = false;
    this.pty.resume();
    this.flow();
  }
}

/**
 * Ends the session `sid` leads, as closing a terminal window does: SIGHUP to each of its
 * processes, then SIGKILL to those still there after a short grace (e.g. started with nohup).
 */
async function endSession(sid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    const pids = processesInSession(sid);
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone already
      }
    }
    return pids.length;
  };
  if (!signal("SIGHUP")) return;
  signal("SIGCONT"); // a stopped job (Ctrl+Z) must wake up to take the hangup
  const deadline = Date.now() + HANGUP_GRACE_MS;
  while (Date.now() < deadline && processesInSession(sid).length) await new Promise((r) => setTimeout(r, 20));
  signal("SIGKILL");
}
