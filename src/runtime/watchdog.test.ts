import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../test/helpers/processes.js";
import { isProcessAlive } from "../common/processInfo.js";
import { Watchdog } from "./watchdog.js";

/** A detached `sleep` (a process group of its own, as every command Mux runs). */
function group() {
  const child = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid!;
}

describe.skipIf(process.platform === "win32")("Watchdog", () => {
  it("kills the groups still registered once the pipe from Mux closes, and only those", async () => {
    const wd = new Watchdog(true);
    const [running, finished] = [group(), group()];
    wd.register(running);
    wd.register(finished);
    wd.unregister(finished);
    const pid = wd.pid!;
    // What happens when Mux dies: the kernel closes its end of the pipe.
    (wd as unknown as { child: { stdin: NodeJS.WritableStream } }).child.stdin.end();
    await waitFor(() => !isProcessAlive(running), "the registered group to be killed");
    await waitFor(() => !isProcessAlive(pid), "the watchdog to exit");
    expect(isProcessAlive(finished)).toBe(true);
    process.kill(-finished, "SIGKILL");
  });

  it("does nothing when disabled", () => {
    const wd = new Watchdog(false);
    wd.register(12345);
    expect(wd.pid).toBeUndefined();
  });
});

describe.skipIf(process.platform === "win32")("Watchdog start-up", () => {
  it("never runs the user's ~/.bashrc (pyenv or nvm there would cost seconds of CPU on every run)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-wd-"));
    const marker = path.join(dir, "bashrc-ran");
    fs.writeFileSync(path.join(dir, ".bashrc"), `echo ran >> ${JSON.stringify(marker)}\n`);
    // The watchdog passes on only PATH: a `bash` first on it points HOME at the test's home.
    fs.writeFileSync(path.join(dir, "bash"), `#!/bin/sh\nHOME=${JSON.stringify(dir)} exec ${JSON.stringify(realBash())} "$@"\n`, { mode: 0o755 });
    const saved = { PATH: process.env.PATH, SHLVL: process.env.SHLVL };
    process.env.PATH = `${dir}:${saved.PATH}`;
    delete process.env.SHLVL;
    try {
      const wd = new Watchdog(true);
      const g = group();
      wd.register(g);
      const pid = wd.pid!;
      (wd as unknown as { child: { stdin: NodeJS.WritableStream } }).child.stdin.end();
      await waitFor(() => !isProcessAlive(pid), "the watchdog to exit");
      expect(fs.existsSync(marker)).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.SHLVL !== undefined) process.env.SHLVL = saved.SHLVL;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function realBash(): string {
  return execFileSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).trim();
}
