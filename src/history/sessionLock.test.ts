import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasProcStat, makeZombie } from "../../test/helpers/processes.js";
import { SessionBusyError, SessionLock } from "./sessionLock.js";

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mux-lock-")), "s1");
});
afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

const lockFile = () => path.join(dir, "run.lock");
const writeOwner = (pid: number) => {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(lockFile(), JSON.stringify({ pid, what: "mux run", since: Date.now(), token: "t" }));
};

describe("SessionLock", () => {
  it("is exclusive, names its holder, and is free again once released", () => {
    const lock = SessionLock.acquire(dir, "mux server");
    expect(() => SessionLock.acquire(dir, "mux run")).toThrow(SessionBusyError);
    expect(() => SessionLock.acquire(dir, "mux run")).toThrow(/mux server, pid \d+/);
    expect(fs.statSync(lockFile()).mode & 0o777).toBe(0o600);
    lock.release();
    expect(fs.existsSync(lockFile())).toBe(false);
    SessionLock.acquire(dir, "mux run").release();
  });

  it("refuses while another live process holds it, and takes over from a dead one", async () => {
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeOwner(sleeper.pid!);
      expect(SessionLock.heldByOther(dir)?.pid).toBe(sleeper.pid);
      expect(() => SessionLock.acquire(dir, "mux server")).toThrow(/already running in this chat \(mux run, pid/);
    } finally {
      sleeper.kill("SIGKILL");
      await new Promise((r) => sleeper.once("exit", r));
    }
    expect(SessionLock.heldByOther(dir)).toBeNull();
    const lock = SessionLock.acquire(dir, "mux server"); // the dead holder's lock is broken
    lock.release();
  });

  it.runIf(hasProcStat)("is free once its holder was killed, even while the dead holder is a zombie nobody reaped", async () => {
    const z = await makeZombie();
    try {
      writeOwner(z.childPid);
      expect(SessionLock.heldByOther(dir)).toBeNull();
      SessionLock.acquire(dir, "mux run").release();
    } finally {
      await z.dispose();
    }
  });

  it("treats a lock from before a reboot as stale even if its pid is alive now", () => {
    if (!fs.existsSync("/proc/sys/kernel/random/boot_id")) return; // Linux only; elsewhere pids decide
    fs.mkdirSync(dir, { recursive: true });
    // pid 1 is always alive: only the boot id can tell this lock is stale.
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: 1, what: "mux server", since: 1, token: "t", boot: "another-boot" }));
    expect(SessionLock.heldByOther(dir)).toBeNull();
    SessionLock.acquire(dir, "mux run").release();
  });

  it("breaks a lock file a crash left unreadable, and never releases someone else's", () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(lockFile(), '{"pid":');
    const mine = SessionLock.acquire(dir, "mux run");
    // Taken over meanwhile (ours was broken as stale by another process): release leaves it.
    writeOwner(process.pid + 1_000_000);
    mine.release();
    expect(fs.existsSync(lockFile())).toBe(true);
  });
});
