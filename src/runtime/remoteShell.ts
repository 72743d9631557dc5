import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { shq } from "../tools/shellQuote.js";
import type { ExecOptions, ExecResult } from "./types.js";

/** Like ExecOptions, but stdin may be binary or a stream and stdout arrives as raw bytes. */
export interface RawExecOptions extends Omit<ExecOptions, "stdin" | "onStdout"> {
  stdin?: string | Buffer | Readable;
  onStdout?: (chunk: Buffer) => void;
}

/**
 * How long to wait for the end of stdout once the script's exit was reported, should its marker
 * never come (it normally follows at once; a background job may still hold the channel open).
 */
const EXIT_DRAIN_MS = 10_000;
/**
 * Runs on the remote as `bash -c W bash <nonce> <cwd> <hasStdin>`. Reports its process group
 * (sshd starts every session in a new one) on stderr, marks the start of stdout (so ~/.bashrc
 * noise is dropped), reads the script from stdin up to a NUL, runs it in a subshell and reports
 * its exit status, so a background job holding the pipes open cannot make us wait for it.
 */
const WRAPPER = [
  `__mux_n=$1; __mux_m() { printf '\\036MUX:%s:%s\\n' "$__mux_n" "$1"; }`,
  `__mux_pg=; read -r _ _ _ _ __mux_pg _ 2>/dev/null </proc/$$/stat || __mux_pg=$(ps -o pgid= -p $$ 2>/dev/null); __mux_pg=\${__mux_pg// /}`,
  // Not a group leader (an unusual sshd): become one in place so a kill of the group is safe.
  `if [ "$__mux_pg" != "$$" ] && [ -z "$MUX_SSH_SETSID" ] && command -v setsid >/dev/null; then MUX_SSH_SETSID=1 exec setsid bash -c "$BASH_EXECUTION_STRING" "$0" "$@"; fi; unset MUX_SSH_SETSID`,
  `[ "$__mux_pg" = "$$" ] || __mux_pg=`,
  `__mux_m "pgid:$__mux_pg" >&2; __mux_m start`,
  `IFS= read -r -d '' __mux_s || { __mux_m "err:EPROTO:script" >&2; exit 125; }`,
  `[ "$3" = 1 ] || exec </dev/null`,
  `cd -- "$2" 2>/dev/null || { if [ ! -e "$2" ]; then __mux_e=ENOENT; elif [ ! -d "$2" ]; then __mux_e=ENOTDIR; else __mux_e=EACCES; fi; __mux_m "err:$__mux_e:cwd" >&2; exit 125; }`,
  `( unset -f __mux_m; unset __mux_n __mux_pg; set --; eval "$__mux_s" )`,
  // stdout's end is marked in stdout itself: the exit report on stderr can overtake output still in flight.
  `__mux_st=$?; __mux_m end; __mux_m "exit:$__mux_st" >&2; exit $__mux_st`,
].join("\n");

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Exports prepended to the script; values are shell-quoted, names validated. */
export function envPrefix(env: Record<string, string> | undefined): string {
  let out = "";
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name: ${JSON.stringify(k)}`);
    out += `export ${k}=${shq(v)}\n`;
  }
  return out;
}

/** An Error with a Node-style errno code (ENOENT…), so callers can branch on err.code. */
export function errnoError(code: string | undefined, message: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(code ? `${code}: ${message}` : message);
  if (code) err.code = code;
  return err;
}

/**
 * A shell reached through a local command (ssh to a host, docker exec into a container): runs
 * scripts there with the same wrapper protocol, so exit codes, process groups, kills and
 * timeouts behave alike on every remote runtime.
 */
export abstract class RemoteShell {
  /** How errors name the other side: a host, a container. */
  abstract readonly label: string;
  /** Spawns the local command that runs `remoteCommand` (a shell string) on the other side. */
  protected abstract spawnShell(remoteCommand: string, extraArgs?: string[]): ChildProcess;
  /** Makes the other side ready (a master connection, a running container). */
  abstract connect(): Promise<void>;
  /** The error for a command the other side never started. */
  protected abstract connectionError(stderr: string, code: number | null): Error;
  /**
   * A command's process group started over there: whatever keeps it from outliving Mux (ssh
   * needs nothing: sshd hangs up a dropped session). Returns the release for when it ended.
   */
  protected guardRemoteGroup(_pgid: number): (() => void) | undefined {
    return undefined;
  }

  /** Runs a short remote command to completion (no wrapper); for control and kill commands. */
  run(remoteCommand: string, timeoutMs = 15_000, extraArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = this.spawnShell(remoteCommand, extraArgs);
      let stdout = "";
      let stderr = "";
      child.stdin?.end();
      child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Kills a remote process group over the shared connection. */
  async killGroup(pgid: number): Promise<void> {
    await this.run(`kill -KILL -- -${pgid} 2>/dev/null; exit 0`, 10_000).catch(() => {});
  }

  /**
   * Runs `script` with bash on the remote in its own process group. A timeout or abort kills
   * that group remotely as well as the local ssh client. Rejects only when the remote never
   * started the script (connection, auth or cwd errors).
   */
  async exec(script: string, options: RawExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    if (options.signal?.aborted) return { exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 };
    if (script.includes("\0")) throw new Error("script must not contain NUL bytes");
    const full = envPrefix(options.env) + script;
    await this.connect();
    // Past the remote's MaxSessions (10 by default) ssh itself falls back to a connection of its own.
    return this.execOnce(full, options, started);
  }

  private execOnce(script: string, o: RawExecOptions, started: number): Promise<ExecResult> {
    const nonce = randomBytes(8).toString("hex");
    const marker = `\x1eMUX:${nonce}:`;
    const startMarker = Buffer.from(`${marker}start\n`);
    const endMarker = Buffer.from(`${marker}end\n`);
    const cwd = o.cwd ?? ".";
    const remote = `exec bash -c ${shq(WRAPPER)} bash ${nonce} ${shq(cwd)} ${o.stdin === undefined ? 0 : 1}`;
    return new Promise((resolve, reject) => {
      if (o.signal?.aborted) {
        resolve({ exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: Date.now() - started });
        return;
      }
      const child = this.spawnShell(remote);
      let pgid: number | undefined;
      let pgidSeen = false;
      let exitStatus: number | undefined;
      let remoteErr: { code: string; message: string } | undefined;
      let preamble = "";
      let stdoutStarted = false;
      let stdoutHead = Buffer.alloc(0);
      let stdoutEnded = false;
      /** The end of stdout seen so far that may be the start of its end marker. */
      let stdoutTail = Buffer.alloc(0);
      let stderrPending = "";
      let timedOut = false;
      let aborted = false;
      let killing = false;
      let settled = false;
      let drainTimer: NodeJS.Timeout | undefined;
      let releaseGuard: (() => void) | undefined;

      let streamError: Error | undefined;

      const killAll = async () => {
        // Once settled the group id may already belong to someone else.
        if (killing || settled) return;
        killing = true;
        if (pgid) await this.killGroup(pgid);
        child.kill("SIGKILL");
      };
      const requestKill = () => {
        // Before the wrapper reported its group there is nothing to kill remotely yet: wait for it
        // (briefly), so a script that is just starting is not left running.
        if (pgidSeen) void killAll();
        else setTimeout(() => void killAll(), 5_000).unref();
      };
      const timer = o.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), requestKill()), o.timeoutMs) : undefined;
      const onAbort = () => ((aborted = true), requestKill());
      o.signal?.addEventListener("abort", onAbort, { once: true });

      const onMarker = (body: string) => {
        if (body.startsWith("pgid:")) {
          pgidSeen = true;
          pgid = Number(body.slice(5)) || undefined;
          if (pgid) releaseGuard = this.guardRemoteGroup(pgid);
          if (timedOut || aborted) void killAll();
        } else if (body.startsWith("exit:")) {
          exitStatus = Number(body.slice(5));
          // A background job may keep the channel open: the script's output is complete once its end marker came.
          if (stdoutEnded) finish(null, null);
          else drainTimer = setTimeout(() => finish(null, null), EXIT_DRAIN_MS);
        } else if (body.startsWith("err:")) {
          const [code, what] = body.slice(4).split(":");
          remoteErr = { code, message: what === "cwd" ? `cannot change to directory ${cwd}` : "the script did not arrive" };
        }
      };

      /** The script's output, up to the end marker (what a background job prints later is not its). */
      const onOutput = (chunk: Buffer) => {
        if (stdoutEnded) return;
        const data = stdoutTail.length ? Buffer.concat([stdoutTail, chunk]) : chunk;
        stdoutTail = Buffer.alloc(0);
        const at = data.indexOf(endMarker);
        if (at !== -1) {
          if (at > 0) o.onStdout?.(data.subarray(0, at));
          stdoutEnded = true;
          if (exitStatus !== undefined) finish(null, null);
          return;
        }
        // Hold back a tail that may be the marker's beginning, split across chunks.
        const rs = data.lastIndexOf(0x1e);
        const held = rs !== -1 && data.length - rs < endMarker.length && endMarker.subarray(0, data.length - rs).equals(data.subarray(rs)) ? rs : data.length;
        if (held < data.length) stdoutTail = Buffer.from(data.subarray(held));
        if (held > 0) o.onStdout?.(data.subarray(0, held));
      };
      child.stdout?.on("data", (chunk: Buffer) => {
        if (settled) return;
        if (stdoutStarted) return onOutput(chunk);
        stdoutHead = Buffer.concat([stdoutHead, chunk]);
        const at = stdoutHead.indexOf(startMarker);
        if (at === -1) return;
        stdoutStarted = true;
        const rest = stdoutHead.subarray(at + startMarker.length);
        stdoutHead = Buffer.alloc(0);
        if (rest.length) onOutput(rest);
      });
      child.stderr?.setEncoding("utf8");
      child.stderr?.on("data", (chunk: string) => {
        if (settled) return;
        let text = stderrPending + chunk;
        stderrPending = "";
        let out = "";
        for (;;) {
          const at = text.indexOf(marker);
          if (at === -1) break;
          const nl = text.indexOf("\n", at);
          if (nl === -1) break;
          out += text.slice(0, at);
          onMarker(text.slice(at + marker.length, nl));
          text = text.slice(nl + 1);
        }
        // Hold back what may be the beginning of a marker split across chunks.
        const rs = text.lastIndexOf("\x1e");
        if (rs !== -1 && !text.includes("\n", rs) && (marker.startsWith(text.slice(rs)) || text.slice(rs).startsWith(marker))) {
          stderrPending = text.slice(rs);
          text = text.slice(0, rs);
        }
        out += text;
        if (!out) return;
        // Before the wrapper spoke, stderr is ssh's own or the login shell's: keep it for errors only.
        if (!pgidSeen) preamble += out;
        else o.onStderr?.(out);
      });

      child.stdin?.on("error", () => {});
      child.stdin?.write(`${script}\0`);
      const input = o.stdin;
      if (input === undefined) child.stdin?.end();
      else if (typeof input === "string" || Buffer.isBuffer(input)) child.stdin?.end(input);
      else {
        // A failed source must not look like a short input: kill the command and report it.
        input.once("error", (err) => {
          streamError ??= err;
          requestKill();
        });
        input.pipe(child.stdin!);
      }

      const cleanup = () => {
        releaseGuard?.();
        if (timer) clearTimeout(timer);
        if (drainTimer) clearTimeout(drainTimer);
        o.signal?.removeEventListener("abort", onAbort);
      };
      const finish = (code: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        cleanup();
        if (stderrPending && pgidSeen) o.onStderr?.(stderrPending);
        if (stdoutTail.length) o.onStdout?.(stdoutTail);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        const durationMs = Date.now() - started;
        if (streamError) {
          reject(new Error(`stdin stream for ${this.label} failed: ${streamError.message}`));
        } else if (timedOut || aborted) {
          resolve({ exitCode: null, signal: "SIGKILL", timedOut, aborted, durationMs });
        } else if (exitStatus !== undefined) {
          resolve({ exitCode: exitStatus, signal: null, timedOut, aborted, durationMs });
        } else if (remoteErr) {
          reject(errnoError(remoteErr.code, `${remoteErr.message} (on ${this.label})`));
        } else if (!pgidSeen) {
          reject(this.connectionError(preamble, code));
        } else if (code === 255 || sig) {
          // The wrapper itself died (e.g. the script killed its own group) or the connection
          // dropped: no exit status was reported.
          resolve({ exitCode: null, signal: sig ?? "SIGKILL", timedOut, aborted, durationMs });
        } else {
          resolve({ exitCode: code, signal: null, timedOut, aborted, durationMs });
        }
      };
      child.on("error", (err) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(new Error(`could not run the command for ${this.label}: ${err.message}`));
      });
      child.on("close", finish);
    });
  }
}
