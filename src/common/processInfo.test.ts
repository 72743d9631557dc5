import { describe, expect, it } from "vitest";
import { hasProcStat, makeZombie } from "../../test/helpers/processes.js";
import { isProcessAlive, processStartTime, processState } from "./processInfo.js";

describe.runIf(hasProcStat)("isProcessAlive", () => {
  it("is true for a running process", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(process.pid, processStartTime(process.pid))).toBe(true);
  });

  it("counts a killed process that nobody reaped yet (a zombie) as dead", async () => {
    const z = await makeZombie();
    try {
      expect(processState(z.childPid)).toBe("Z");
      expect(isProcessAlive(z.childPid)).toBe(false);
    } finally {
      await z.dispose();
    }
  });

  it("counts a process that reuses a recorded pid as a different one", () => {
    expect(isProcessAlive(process.pid, "1")).toBe(false);
  });

  it("is false for a pid that does not exist", () => {
    expect(isProcessAlive(2 ** 22 + 12345)).toBe(false);
  });
});
