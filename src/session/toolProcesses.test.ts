import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasProcStat, waitFor } from "../../test/helpers/processes.js";
import { BOOT_ID, isProcessAlive, processStartTime } from "../common/processInfo.js";
import { LocalRuntime } from "../runtime/local.js";
import { recordingProcesses, stopLeftoverToolProcesses, TOOL_PROCESSES_FILE, ToolProcessRecord } from "./toolProcesses.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-toolproc-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = () => path.join(dir, TOOL_PROCESSES_FILE);
const leftover = (entries: object[]) => fs.writeFileSync(file(), JSON.stringify(entries));

/** A process group left running, as a killed Mux leaves a tool's. */
function orphanGroup() {
  const child = spawn("bash", ["-c", "sleep 60"], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid!;
}

describe.runIf(hasProcStat)("tool process groups", () => {
  it("are recorded in the session directory while a command runs, and forgotten when it ends", async () => {
    const rt = recordingProcesses(new LocalRuntime(dir), new ToolProcessRecord(dir));
    let seen = "";
    // The command may start before the record is written: it waits for it.
    const script = `f=${JSON.stringify(file())}; while [ ! -s "$f" ]; do sleep 0.01; done; cat "$f"`;
    const r = await rt.exec(script, { onStdout: (c) => (seen += c) });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(seen)).toEqual([expect.objectContaining({ command: script, start: expect.any(String), boot: BOOT_ID })]);
    expect(fs.existsSync(file())).toBe(false);
  });

  it("left running by a Mux that died are stopped on the next start, with a note naming the command", async () => {
    const pgid = orphanGroup();
    await waitFor(() => processStartTime(pgid) !== undefined, "the group to start");
    leftover([{ pgid, start: processStartTime(pgid), boot: BOOT_ID, command: "sleep 15; echo x > file", since: 1 }]);
    const notes = stopLeftoverToolProcesses(dir);
    expect(notes).toEqual([expect.stringContaining("`sleep 15; echo x > file` (process group")]);
    await waitFor(() => !isProcessAlive(pgid), "the group to die");
    expect(fs.existsSync(file())).toBe(false);
    expect(stopLeftoverToolProcesses(dir)).toEqual([]);
  });

  it("never kill a process that merely reuses a recorded pid, nor report groups already gone", () => {
    const other = orphanGroup();
    try {
      leftover([
        { pgid: other, start: "1", boot: BOOT_ID, command: "old", since: 1 },
        { pgid: 2 ** 22 + 4321, start: "1", boot: BOOT_ID, command: "gone", since: 1 },
      ]);
      expect(stopLeftoverToolProcesses(dir)).toEqual([]);
      expect(isProcessAlive(other)).toBe(true);
    } finally {
      process.kill(-other, "SIGKILL");
    }
  });
});
