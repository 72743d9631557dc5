import * as fs from "node:fs";

/**
 * What the kernel says about a process, for deciding whether a pid written in a file (a lock, a
 * recorded tool process) still names a live process. Linux exposes it in /proc/PID/stat; elsewhere
 * only "exists or not" is known, and the fields read here are undefined.
 */

/** This boot of the machine (Linux): a pid recorded before a reboot means nothing now. */
export const BOOT_ID: string | undefined = (() => {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
})();

/** The fields of /proc/PID/stat after "(comm)": the command name may itself contain spaces and ")". */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** One-letter state (R, S, D, Z zombie, X dead, ...); undefined when unknown. */
export function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/PID/stat): with the pid,
 * it tells a process apart from a later one that got the same pid. Undefined when unknown.
 */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/**
 * True while `pid` is a running process. A zombie (dead, but not yet reaped by a parent that is
 * slow to wait, as happens under a container's minimal init) counts as dead. With `startTime`
 * (from processStartTime when the pid was recorded), a different process that reuses the pid
 * counts as dead too.
 */
export function isProcessAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false; // EPERM: exists, someone else's
  }
  const fields = statFields(pid);
  if (!fields) return true; // no /proc (macOS): existence is all we know
  if (fields[0] === "Z" || fields[0] === "X") return false;
  return startTime === undefined || fields[19] === startTime;
}

/**
 * The live processes of session `sid` (Linux: read from /proc; elsewhere only the leader). A
 * terminal's shell leads a session, and an interactive shell puts each job in a process group
 * of its own: ending the terminal means ending the session, not one group.
 */
export function processesInSession(sid: number): number[] {
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return isProcessAlive(sid) ? [sid] : [];
  }
  return pids.map(Number).filter((pid) => {
    const f = statFields(pid);
    return f !== undefined && f[3] === String(sid) && f[0] !== "Z" && f[0] !== "X";
  });
}
