import { spawn } from "node:child_process";
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

  it("never runs ~/.bashrc (its stdin is a socket, which bash would otherwise take for rshd)", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "mux-wd-home-"));
    const marker = path.join(home, "bashrc-ran");
    fs.writeFileSync(path.join(home, ".bashrc"), `touch ${marker}\n`);
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const wd = new Watchdog(true);
      const running = group();
      wd.register(running);
      (wd as unknown as { child: { stdin: NodeJS.WritableStream } }).child.stdin.end();
      await waitFor(() => !isProcessAlive(running), "the registered group to be killed");
      expect(fs.existsSync(marker)).toBe(false);
    } finally {
      process.env.HOME = savedHome;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("does nothing when disabled", () => {
    const wd = new Watchdog(false);
    wd.register(12345);
    expect(wd.pid).toBeUndefined();
  });
});
