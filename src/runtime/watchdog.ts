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
 * Commands running elsewhere (in a container, whose `docker exec` client dying leaves them
 * running) register a cleanup command instead ("C ID BASE64" / "c ID"), run when Mux is gone.
 *
 * MUX_TOOL_WATCHDOG=0 turns it off (tests of the recovery path that runs on the next start).
 */
const SCRIPT = `
trap '' INT HUP TERM
declare -A groups sessions cleanups
while read -r op id rest; do
  case "$op" in
    +) groups[$id]=1 ;;
    -) unset "groups[$id]" ;;
    S) sessions[$id]=1 ;;
    s) unset "sessions[$id]" ;;
    C) cleanups[$id]=$rest ;;
    c) unset "cleanups[$id]" ;;
  esac
done
for id in "\${!cleanups[@]}"; do printf %s "\${cleanups[$id]}" | base64 -d | bash --norc --noprofile >/dev/null 2>&1 & done
for id in "\${!groups[@]}"; do kill -KILL -- "-$id" 2>/dev/null; done
wait
if ((\${#sessions[@]})); then
  for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    set -- \${line##*) }
    [ -n "$4" ] && [ -n "\${sessions[$4]:-}" ] && kill -KILL "\${f//[!0-9]/}" 2>/dev/null
  done
fi
`;

export class Watchdog {
  private child: ChildProcess | null = null;
  private readonly groups = new Set<number>();
  /** Sessions (a terminal's shell): every process in them is killed, whatever its group (Linux). */
  private readonly sessions = new Set<number>();
  /** Shell commands to run if Mux dies (base64), by id. */
  private readonly cleanups = new Map<number, string>();
  private nextCleanup = 1;

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

  /** A terminal's shell started, leading session `sid`: kill all of the session if Mux dies. */
  registerSession(sid: number | undefined): void {
    if (!this.enabled || !sid) return;
    this.sessions.add(sid);
    this.send(`S ${sid}\n`);
  }

  unregisterSession(sid: number | undefined): void {
    if (!this.enabled || !sid || !this.sessions.delete(sid)) return;
    this.send(`s ${sid}\n`);
  }

  /**
   * Runs `command` (bash) if Mux dies before the returned function is called; for what runs
   * beyond this machine's process groups (a command inside a container).
   */
  registerCleanup(command: string): () => void {
    if (!this.enabled) return () => {};
    const id = this.nextCleanup++;
    const encoded = Buffer.from(command).toString("base64");
    this.cleanups.set(id, encoded);
    this.send(`C ${id} ${encoded}\n`);
    return () => {
      if (this.cleanups.delete(id)) this.send(`c ${id}\n`);
    };
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
      // Its stdin is a socket (Node's "pipe"): without --norc and SHLVL, bash takes itself for an
      // rshd command and sources ~/.bashrc first, which can take seconds, or read the pipe.
      child = spawn("bash", ["--norc", "--noprofile", "-c", SCRIPT], {
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/", SHLVL: "1" },
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
      if (this.groups.size || this.sessions.size || this.cleanups.size) this.start();
    });
    // Lines written before this one went to the old watchdog: the groups go to the new one.
    for (const g of this.groups) child.stdin?.write(`+ ${g}\n`);
    for (const sid of this.sessions) child.stdin?.write(`S ${sid}\n`);
    for (const [id, encoded] of this.cleanups) child.stdin?.write(`C ${id} ${encoded}\n`);
    return child;
  }
}

let instance: Watchdog | undefined;

/** This process's watchdog, started with the first command. */
export function watchdog(): Watchdog {
  instance ??= new Watchdog(process.env.MUX_TOOL_WATCHDOG !== "0" && process.platform !== "win32");
  return instance;
}
