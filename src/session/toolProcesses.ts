import * as fs from "node:fs";
import * as path from "node:path";
import { BOOT_ID, isProcessAlive, processStartTime } from "../common/processInfo.js";
import { SessionBusyError, SessionLock } from "../history/sessionLock.js";
import { killProcessGroup } from "../runtime/local.js";
import type { DirEntry, ExecOptions, ExecResult, FileStat, Runtime } from "../runtime/types.js";
import { removeFile } from "../common/removeFile.js";

/**
 * The process groups of the commands a turn is running, recorded in the session directory
 * (`tool-processes.json`), so that when Mux dies mid-tool (kill -9, OOM, power cut of the
 * terminal) the next start of the workspace can stop what it left behind. The watchdog
 * (runtime/watchdog.ts) normally does this at once; this record covers a watchdog that could not
 * run or was killed too, and tells the user about it.
 */
export const TOOL_PROCESSES_FILE = "tool-processes.json";

export interface ToolProcessEntry {
  pgid: number;
  /** The leader's start time (processStartTime): a later process reusing the pid is not ours. */
  start?: string;
  boot?: string;
  /** The command's first line, for the note shown to the user. */
  command: string;
  since: number;
}

const COMMAND_CHARS = 120;

/** Writes the running groups of one session; only the process holding the session's lock does. */
export class ToolProcessRecord {
  private readonly entries = new Map<number, ToolProcessEntry>();
  private readonly file: string;

  constructor(sessionDir: string) {
    this.file = path.join(sessionDir, TOOL_PROCESSES_FILE);
  }

  add(pgid: number, script: string): void {
    const first = script.trim().split("\n")[0];
    const command = first.length > COMMAND_CHARS ? `${first.slice(0, COMMAND_CHARS - 1)}…` : first;
    this.entries.set(pgid, { pgid, start: processStartTime(pgid), boot: BOOT_ID, command, since: Date.now() });
    this.save();
  }

  remove(pgid: number): void {
    if (this.entries.delete(pgid)) this.save();
  }

  private save(): void {
    try {
      if (this.entries.size === 0) {
        removeFile(this.file);
        return;
      }
      // Temp file + rename: a kill at any instant leaves the old list or the new one.
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify([...this.entries.values()]), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // Best effort: the watchdog still covers this process's groups.
    }
  }
}

/**
 * A runtime whose commands' process groups are recorded while they run. Remote runtimes never
 * report a group (their processes die with the connection), so for them this changes nothing.
 */
export function recordingProcesses(runtime: Runtime, record: ToolProcessRecord): Runtime {
  return {
    get type() {
      return runtime.type;
    },
    get root() {
      return runtime.root;
    },
    async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
      let pgid: number | undefined;
      try {
        return await runtime.exec(script, {
          ...options,
          onSpawn: (pid) => {
            pgid = pid;
            record.add(pid, script);
            options.onSpawn?.(pid);
          },
        });
      } finally {
        if (pgid) record.remove(pgid);
      }
    },
    readFile: (p: string): Promise<Buffer> => runtime.readFile(p),
    writeFile: (p: string, data: string | Buffer): Promise<void> => runtime.writeFile(p, data),
    appendFile: (p: string, data: Buffer): Promise<void> => runtime.appendFile(p, data),
    lstat: (p: string): Promise<FileStat | null> => runtime.lstat(p),
    stat: (p: string): Promise<FileStat | null> => runtime.stat(p),
    readdir: (p: string): Promise<DirEntry[]> => runtime.readdir(p),
    realpath: (p: string): Promise<string> => runtime.realpath(p),
    tempDir: (): Promise<string> => runtime.tempDir(),
  };
}

/** True while the recorded group still runs: its leader (same start time), or members outliving it. */
function stillRunning(e: ToolProcessEntry): boolean {
  if (e.boot && BOOT_ID && e.boot !== BOOT_ID) return false;
  if (isProcessAlive(e.pgid)) return isProcessAlive(e.pgid, e.start); // the pid is taken: by our leader?
  // Leader gone: while any member lives the group id cannot be handed out again, so it is ours.
  try {
    process.kill(-e.pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process groups an earlier Mux process recorded for this session and left running
 * (it died mid-tool). Call only while holding the session's lock. Returns what was stopped, as
 * a note for the user; empty when nothing was left.
 */
export function stopLeftoverToolProcesses(sessionDir: string): string[] {
  const file = path.join(sessionDir, TOOL_PROCESSES_FILE);
  let entries: ToolProcessEntry[];
  try {
    entries = JSON.parse(fs.readFileSync(file, "utf8")) as ToolProcessEntry[];
  } catch {
    removeFile(file); // missing, or torn: nothing we can act on
    return [];
  }
  const stopped = (Array.isArray(entries) ? entries : []).filter((e) => Number.isInteger(e?.pgid) && e.pgid > 1 && stillRunning(e));
  for (const e of stopped) killProcessGroup(e.pgid);
  removeFile(file);
  if (stopped.length === 0) return [];
  const list = stopped.map((e) => `\`${e.command}\` (process group ${e.pgid})`).join(", ");
  const what = stopped.length === 1 ? "a command that was" : `${stopped.length} commands that were`;
  return [`Stopped ${what} still running after Mux stopped in the middle of a tool call: ${list}.`];
}

/**
 * stopLeftoverToolProcesses for a session nobody may be running a turn in (the server starting):
 * only under the session's lock, so a turn another process runs now keeps its commands.
 */
export function stopLeftoverToolProcessesIfIdle(sessionDir: string, what: string): string[] {
  if (!fs.existsSync(path.join(sessionDir, TOOL_PROCESSES_FILE))) return [];
  let lock: SessionLock;
  try {
    lock = SessionLock.acquire(sessionDir, what);
  } catch (err) {
    if (err instanceof SessionBusyError) return [];
    throw err;
  }
  try {
    return stopLeftoverToolProcesses(sessionDir);
  } finally {
    lock.release();
  }
}
