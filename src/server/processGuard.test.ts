import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-guard-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in a real Node process with the guard installed; resolves with its exit code and stderr. */
function runGuarded(body: string): Promise<{ code: number | null; stderr: string }> {
  const script = path.join(dir, "guarded.mjs");
  const guard = new URL("./processGuard.ts", import.meta.url).pathname;
  const redact = new URL("../common/redact.ts", import.meta.url).pathname;
  fs.writeFileSync(
    script,
    `const { guardProcess } = await import(${JSON.stringify(guard)});
     const { registerSecret } = await import(${JSON.stringify(redact)});
     guardProcess();
     ${body}`,
  );
  return new Promise((resolve) => {
    const child = fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (c: string) => (stderr += c));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

it("an error no handler catches is logged with secrets redacted, and the server process keeps running", async () => {
  const { code, stderr } = await runGuarded(`
    registerSecret("guarded-secret-0123456789");
    setTimeout(() => { throw new Error("boom with guarded-secret-0123456789"); });
    setTimeout(() => Promise.reject(new Error("rejected too")), 5);
    // Still alive after both: exit on our own terms.
    setTimeout(() => { process.stderr.write("still running\\n"); process.exit(7); }, 50);
  `);
  expect(code).toBe(7);
  expect(stderr).toContain("mux: uncaught error (the server keeps running): Error: boom with [REDACTED]");
  expect(stderr).toContain("mux: unhandled rejection (the server keeps running): Error: rejected too");
  expect(stderr).toContain("still running");
  expect(stderr).not.toContain("guarded-secret-0123456789");
});

it("a closed stderr (the terminal or parent gone) does not turn into an endless loop of logged write errors", async () => {
  const counted = path.join(dir, "reported");
  const script = path.join(dir, "orphan.mjs");
  const guard = new URL("./processGuard.ts", import.meta.url).pathname;
  fs.writeFileSync(
    script,
    `import * as fs from "node:fs";
     const { guardProcess } = await import(${JSON.stringify(guard)});
     let reported = 0;
     guardProcess(undefined);
     process.on("uncaughtException", () => reported++);
     process.on("message", () => {
       // The parent has closed its end of our stderr: the next writes fail with EPIPE.
       process.stderr.write("a log line nobody reads\\n");
       setTimeout(() => { fs.writeFileSync(${JSON.stringify(counted)}, String(reported)); process.exit(0); }, 500);
     });
     process.send("ready");`,
  );
  const child = fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
  await new Promise<void>((resolve) => child.once("message", () => resolve()));
  child.stderr!.destroy();
  child.send("go");
  await new Promise<void>((resolve) => child.once("exit", () => resolve()));
  expect(Number(fs.readFileSync(counted, "utf8"))).toBeLessThanOrEqual(1);
});
