import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalRuntime } from "./local.js";
import { execCapture } from "./types.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-rt-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("LocalRuntime", () => {
  it("runs scripts in the root with the given env and stdin", async () => {
    const rt = new LocalRuntime(root);
    const r = await execCapture(rt, 'pwd; echo "$GREETING"; cat', { env: { GREETING: "hi" }, stdin: "from-stdin" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${fs.realpathSync(root)}\nhi\nfrom-stdin`);
  });

  it("runs commands without Mux's own secrets (server token, provider keys) in their environment", async () => {
    const names = ["MUX_SERVER_AUTH_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "GOOGLE_API_KEY", "OPENROUTER_API_KEY"];
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    for (const n of names) process.env[n] = `secret-value-of-${n}`;
    process.env.MUX_TEST_UNRELATED = "kept";
    try {
      const r = await execCapture(new LocalRuntime(root), "env");
      expect(r.stdout).not.toContain("secret-value-of-");
      expect(r.stdout).toContain("MUX_TEST_UNRELATED=kept");
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      delete process.env.MUX_TEST_UNRELATED;
    }
  });

  it("never sources ~/.bashrc, even when started without SHLVL (by a launcher or service)", async () => {
    // bash with a socket on stdin and SHLVL unset takes itself for an rshd command and sources
    // ~/.bashrc; Node's stdio pipes are sockets.
    const home = path.join(root, "home");
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, ".bashrc"), `echo sourced >> ${JSON.stringify(path.join(root, "bashrc-ran"))}\n`);
    const saved = { HOME: process.env.HOME, SHLVL: process.env.SHLVL };
    process.env.HOME = home;
    delete process.env.SHLVL;
    try {
      const rt = new LocalRuntime(root);
      for (const stdin of [undefined, "", "input"]) {
        const r = await execCapture(rt, "echo ok", stdin === undefined ? {} : { stdin });
        expect(r.stdout).toBe("ok\n");
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(fs.existsSync(path.join(root, "bashrc-ran"))).toBe(false);
  });

  it("returns soon after bash exits even when a background job keeps the output pipe open", async () => {
    const rt = new LocalRuntime(root);
    const started = Date.now();
    const r = await execCapture(rt, "echo before; (sleep 30; echo never) & echo $! > bg.pid; echo after");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("before\nafter\n");
    // The job the user started keeps running (a dev server, say).
    const pid = Number(fs.readFileSync(path.join(root, "bg.pid"), "utf8"));
    expect(() => process.kill(pid, 0)).not.toThrow();
    process.kill(pid, "SIGKILL");
  });

  it("a finished command leaves no timer behind that would keep `mux run` from exiting", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const rt = new LocalRuntime(root);
    const before = timers();
    for (let i = 0; i < 5; i++) await execCapture(rt, `echo step-${i}`);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("kills the whole process group on timeout and on abort", async () => {
    const rt = new LocalRuntime(root);
    const timed = await rt.exec("sleep 30 & sleep 30", { timeoutMs: 200 });
    expect(timed.timedOut).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await rt.exec("sleep 30", { signal: controller.signal });
    expect(aborted.aborted).toBe(true);
  });

  it("writes files atomically, creating parent directories", async () => {
    const rt = new LocalRuntime(root);
    const file = path.join(root, "a/b/c.txt");
    await rt.writeFile(file, "hello");
    expect((await rt.readFile(file)).toString()).toBe("hello");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["c.txt"]);
    expect(await rt.stat(path.join(root, "missing"))).toBeNull();
  });
});
