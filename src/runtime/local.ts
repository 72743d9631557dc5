import { spawn } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { withoutMuxSecrets } from "../common/secretEnv.js";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { scratchDirFor } from "./scratchDir.js";
import type { DirEntry, ExecOptions, ExecResult, FileStat, Runtime, RuntimeType } from "./types.js";
import { watchdog } from "./watchdog.js";

/** How long to keep reading output after bash exited while a background job holds the pipes. */
const EXIT_DRAIN_MS = 200;

/** Kills a detached process group; ignores "already gone". */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL") {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already exited
    }
  }
}

function toStat(s: import("node:fs").Stats): FileStat {
  return {
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymbolicLink: s.isSymbolicLink(),
    size: s.size,
    mtimeMs: s.mtimeMs,
  };
}

async function statOrNull(fn: () => Promise<import("node:fs").Stats>): Promise<FileStat | null> {
  try {
    return toStat(await fn());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    if ((err as NodeJS.ErrnoException).code === "ENOTDIR") return null;
    throw err;
  }
}

/** Runs directly on this machine's filesystem, rooted at `root`. */
export class LocalRuntime implements Runtime {
  readonly root: string;
  private scratch: Promise<string> | undefined;

  constructor(
    root: string,
    readonly type: RuntimeType = "local",
  ) {
    this.root = path.resolve(root);
  }

  exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 });
        return;
      }
      // detached: the script gets its own process group so a timeout or abort kills every child.
      // Empty stdin is /dev/null, not a pipe: Node's pipes are sockets, and bash given a socket
      // on stdin with SHLVL unset (mux started by a launcher, systemd, a Coder module) takes
      // itself for an rshd command and sources ~/.bashrc, which can take seconds or print noise.
      const pipeStdin = options.stdin !== undefined && options.stdin !== "";
      const child = spawn("bash", ["-c", script], {
        cwd: options.cwd ?? this.root,
        // Mux's own keys stay with Mux: the agent's commands and the init hook never see them.
        env: { SHLVL: "1", ...withoutMuxSecrets(process.env), ...options.env },
        detached: true,
        stdio: [pipeStdin ? "pipe" : "ignore", "pipe", "pipe"],
      });
      // Killed with Mux if Mux dies first (see watchdog.ts).
      watchdog().register(child.pid);
      if (child.pid) options.onSpawn?.(child.pid);
      let timedOut = false;
      let aborted = false;
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              killProcessGroup(child.pid);
            }, options.timeoutMs)
          : undefined;
      const onAbort = () => {
        aborted = true;
        killProcessGroup(child.pid);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const onBytes = options.onOutputBytes;
      if (onBytes) {
        for (const [name, stream] of [
          ["stdout", child.stdout],
          ["stderr", child.stderr],
        ] as const) {
          stream?.on("data", (c: Buffer) => {
            const wait = onBytes(name, c);
            if (!wait) return;
            stream.pause();
            void wait.finally(() => stream.resume());
          });
        }
      } else {
        child.stdout?.setEncoding("utf8");
        child.stderr?.setEncoding("utf8");
        child.stdout?.on("data", (c: string) => options.onStdout?.(c));
        child.stderr?.on("data", (c: string) => options.onStderr?.(c));
      }
      if (pipeStdin && child.stdin) {
        child.stdin.on("error", () => {});
        child.stdin.end(options.stdin);
      }
      child.on("error", (err) => {
        watchdog().unregister(child.pid);
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        reject(err);
      });
      let settled = false;
      let drainTimer: NodeJS.Timeout | undefined;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        if (drainTimer) clearTimeout(drainTimer);
        options.signal?.removeEventListener("abort", onAbort);
        // Background children that kept the pipes open are gone with the group too.
        if (timedOut || aborted) killProcessGroup(child.pid);
        watchdog().unregister(child.pid);
        resolve({ exitCode: code, signal, timedOut, aborted, durationMs: Date.now() - started });
      };
      child.on("close", finish);
      // A background job (`server &`) may hold stdout open after bash exits: stop waiting for it
      // shortly after bash itself is done instead of hanging until the timeout. Usually the pipes
      // close right after the exit and `finish` clears this timer; unref'd, it never keeps a
      // finished `mux run` alive either.
      child.on("exit", (code, signal) => {
        if (settled) return;
        drainTimer = setTimeout(() => {
          if (settled) return;
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, signal);
        }, EXIT_DRAIN_MS);
        drainTimer.unref();
      });
    });
  }

  readFile(p: string): Promise<Buffer> {
    return fs.readFile(p);
  }

  writeFile(p: string, data: string | Buffer): Promise<void> {
    return writeFileAtomic(p, data);
  }

  appendFile(p: string, data: Buffer): Promise<void> {
    return fs.appendFile(p, data, { mode: 0o600 });
  }

  lstat(p: string): Promise<FileStat | null> {
    return statOrNull(() => fs.lstat(p));
  }

  stat(p: string): Promise<FileStat | null> {
    return statOrNull(() => fs.stat(p));
  }

  async readdir(p: string): Promise<DirEntry[]> {
    const entries = await fs.readdir(p, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      isFile: e.isFile(),
      isDirectory: e.isDirectory(),
      isSymbolicLink: e.isSymbolicLink(),
    }));
  }

  realpath(p: string): Promise<string> {
    return fs.realpath(p);
  }

  tempDir(): Promise<string> {
    this.scratch ??= scratchDirFor(this.root);
    this.scratch.catch(() => (this.scratch = undefined));
    return this.scratch;
  }
}
