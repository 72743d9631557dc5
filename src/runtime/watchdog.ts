import { type ChildProcess, spawn } from "node:child_process";

/**
 * Ties the process groups this Mux process starts to its life. Every command runs in a group of
 * its own (so a timeout can kill all of it), which also means nothing kills it when Mux itself
 * is killed with -9: a `sleep 15; echo x > file` would finish its work with no one watching.
 *
 * One small bash process per Mux process holds a pipe from Mux and keeps the list of live
 * groups ("+PGID" / "-PGID" lines). When the pipe closes, Mux is gone (however it died) and the
 * watchdog kills every group still listed, then exits. It runs in its own session, so a Ctrl+C in
 * the terminal or a hangup does not take it down first. Cost per command: two short pipe writes.
 *
 * MUX_TOOL_WATCHDOG=0 turns it off (tests of the recovery path that runs on the next start).
 */
const SCRIPT = `
trap '' INT HUP TERM
declare -A groups
while read -r op id; do
  case "$op" in
    +) groups[$id]=1 ;;
    -) unset "groups[$id]" ;;
  esac
done
for id in "\${!groups[@]}"; do kill -KILL -- "-$id" 2>/dev/null; done
`;

export class Watchdog {
  private child: ChildProcess | null = null;
  private readonly groups = new Set<number>();

  constructor(private readonly enabled: boolean) {}

  /** A command's process group started: kill it if Mux dies before it ends. */
  register(pgid: number | undefined): void {
    if (!this.enabled || !pgid) return;
    this.groups.add(pgid);
    this.send(`+ ${pgid}\n`);
  }

  /** The command ended: its group is no longer Mux's to kill. */
  unregister(pgid: number | undefined): void {
    if (!this.enabled || !pgid || !this.groups.delete(pgid)) return;
    this.send(`- ${pgid}\n`);
  }

  /** The watchdog's pid while it runs (tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private send(line: string): void {
    const child = this.child ?? this.start();
    child?.stdin?.write(line);
  }

  private start(): ChildProcess | null {
    let child: ChildProcess;
    try {
      // bash given a socket on stdin (Node's pipes are sockets) with SHLVL unset takes itself for
      // an rshd command and sources ~/.bashrc: with pyenv, nvm or conda there, that is hundreds
      // of processes and seconds of CPU next to every `mux run`. --norc and SHLVL rule it out.
      child = spawn("bash", ["--norc", "--noprofile", "-c", SCRIPT], {
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SHLVL: "1" },
      });
    } catch {
      return null; // no watchdog: groups are still stopped on the next start (toolProcesses.ts)
    }
    this.child = child;
    // Neither the process nor its pipe may keep Mux's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.on("error", () => {});
    child.on("error", () => {});
    child.on("exit", () => {
      if (this.child !== child) return;
      // Killed by someone: a new one takes over the groups still running.
      this.child = null;
      if (this.groups.size) {
        const next = this.start();
        for (const g of this.groups) next?.stdin?.write(`+ ${g}\n`);
      }
    });
    // Lines written before this one went to the old watchdog: the groups go to the new one.
    for (const g of this.groups) child.stdin?.write(`+ ${g}\n`);
    return child;
  }
}

let instance: Watchdog | undefined;

/** This process's watchdog, started with the first command. */
export function watchdog(): Watchdog {
  instance ??= new Watchdog(process.env.MUX_TOOL_WATCHDOG !== "0" && process.platform !== "win32");
  return instance;
}
