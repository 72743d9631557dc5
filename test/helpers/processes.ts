import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { isProcessAlive, processStartTime, processState } from "../../src/common/processInfo.js";

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const isZombie = (pid: number) => processState(pid) === "Z";

/**
 * A liveness check for `pid` pinned to the process running under it now: a busy machine can hand
 * the pid of a killed process to a new one within seconds, which must not count as "still alive".
 */
export function pinnedProcess(pid: number): () => boolean {
  const start = processStartTime(pid);
  return () => isProcessAlive(pid, start);
}

export interface ZombieParent {
  /** The parent: it runs `sleep` and never waits for its children. */
  parent: ChildProcess;
  /** The pid of the process started in the background under the parent. */
  childPid: number;
  /** Kills the parent, so init reaps the zombie. */
  dispose(): Promise<void>;
}

/**
 * Starts `command` (argv) under a parent that never reaps it, as a container's slow init would:
 * bash starts it in the background and then execs `sleep`, which never calls wait(). Once the
 * command dies (kill -9), it stays a zombie until the parent goes.
 */
export async function underNonReapingParent(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<ZombieParent> {
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const parent = spawn("bash", ["-c", `${quoted} </dev/null >/dev/null 2>&1 & echo $!; exec sleep 300`], { env, stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  parent.stdout!.setEncoding("utf8");
  parent.stdout!.on("data", (c: string) => (out += c));
  await waitFor(() => /^\d+\n/.test(out), "the background pid");
  const exited = new Promise<void>((r) => parent.once("exit", () => r()));
  return {
    parent,
    childPid: Number(out.trim()),
    dispose: async () => {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
      await exited;
    },
  };
}

/** A real zombie: a process killed with -9 whose parent does not reap it. */
export async function makeZombie(): Promise<ZombieParent> {
  const z = await underNonReapingParent(["sleep", "300"]);
  process.kill(z.childPid, "SIGKILL");
  await waitFor(() => isZombie(z.childPid), `pid ${z.childPid} to become a zombie`);
  return z;
}

export const hasProcStat = fs.existsSync(`/proc/${process.pid}/stat`);

/**
 * A command that leaves a background child, a grandchild and a foreground sleep, each writing its
 * pid (and the shell's own, $$) to `pids`, and prints "started" once all four are there.
 */
export const SPAWN_TREE = [
  "echo $$ >> pids",
  "sleep 100 &",
  "echo $! >> pids",
  `bash -c 'echo $$ >> pids; sleep 100 & echo $! >> pids; wait' &`,
  "while [ $(wc -l < pids) -lt 4 ]; do sleep 0.05; done",
  "echo started",
  "sleep 100",
].join("\n");
