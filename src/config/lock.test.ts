import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withFileLock } from "./lock.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-lock-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Read-increment-write of a counter file: loses updates unless the lock excludes every other writer. */
async function increment(lock: string, counter: string) {
  await withFileLock(lock, async () => {
    const n = Number(fs.readFileSync(counter, "utf8"));
    await new Promise((r) => setTimeout(r, 1));
    fs.writeFileSync(counter, String(n + 1));
  });
}

describe("withFileLock", () => {
  it("serialises many concurrent holders in one process", async () => {
    const lock = path.join(dir, "l.lock");
    const counter = path.join(dir, "n");
    fs.writeFileSync(counter, "0");
    await Promise.all(Array.from({ length: 50 }, () => increment(lock, counter)));
    expect(fs.readFileSync(counter, "utf8")).toBe("50");
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("serialises holders in different processes", async () => {
    const lock = path.join(dir, "l.lock");
    const counter = path.join(dir, "n");
    fs.writeFileSync(counter, "0");
    const script = path.join(dir, "worker.mjs");
    const lockModule = new URL("./lock.ts", import.meta.url).pathname;
    fs.writeFileSync(
      script,
      `const { withFileLock } = await import(${JSON.stringify(lockModule)});
       const fs = await import("node:fs");
       for (let i = 0; i < 20; i++) await withFileLock(process.argv[2], async () => {
         const n = Number(fs.readFileSync(process.argv[3], "utf8"));
         fs.writeFileSync(process.argv[3], String(n + 1));
       });`,
    );
    const workers = Array.from(
      { length: 3 },
      () =>
        new Promise<number | null>((resolve) => {
          const child = fork(script, [lock, counter], { execArgv: ["--import", "tsx"] });
          child.on("exit", resolve);
        }),
    );
    expect(await Promise.all(workers)).toEqual([0, 0, 0]);
    expect(fs.readFileSync(counter, "utf8")).toBe("60");
  });

  it("breaks a lock left by a dead process", async () => {
    const lock = path.join(dir, "l.lock");
    fs.writeFileSync(lock, "999999999");
    const started = Date.now();
    await withFileLock(lock, async () => {});
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
