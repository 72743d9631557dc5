import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerReady, inContainer, TEST_IMAGE } from "../../test/helpers/docker.js";
import { SPAWN_TREE } from "../../test/helpers/processes.js";
import { DockerRuntime } from "./docker.js";
import { DockerShell } from "./dockerShell.js";
import { execCapture } from "./types.js";

/** The pids of `file` (in the container) still alive there, zombies aside. */
function aliveIn(container: string, file: string): string[] {
  const script = `for p in $(cat ${file}); do s=$(cat /proc/$p/stat 2>/dev/null) || continue; set -- \${s##*) }; [ "$1" = Z ] || echo $p; done`;
  return inContainer(container, script).split("\n").filter(Boolean);
}

async function expectAllGone(container: string, file: string) {
  const deadline = Date.now() + 5000;
  while (aliveIn(container, file).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(aliveIn(container, file)).toEqual([]);
}

describe.skipIf(!dockerReady())("DockerShell against a real Docker engine", () => {
  const name = `mux-shell-test-${randomBytes(4).toString("hex")}`;
  // The same image without perl: every command is then a `docker exec` of its own.
  const plain = `${name}-noperl`;

  beforeAll(() => {
    for (const c of [name, plain])
      execFileSync("docker", ["run", "-d", "--name", c, "--network", "none", TEST_IMAGE, "bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]);
    inContainer(plain, "rm -f /usr/bin/perl");
    for (const c of [name, plain]) inContainer(c, "mkdir -p /ws");
  }, 60_000);
  afterAll(() => {
    execFileSync("docker", ["rm", "-f", "-v", name, plain], { stdio: "ignore" });
  });

  describe.each([
    ["through the command server", name, "perl"],
    ["through one docker exec per command", plain, "none"],
  ])("%s", (_, container, parent) => {
    const rt = () => new DockerRuntime("/ws", new DockerShell(container));

    it("runs scripts with exit codes, env, cwd and stdin, on the expected path", async () => {
      const r = rt();
      const tricky = `it's "quoted" $HOME \`x\` \\ \n line2`;
      const out = await execCapture(r, 'pwd; printf "%s|" "$GREETING"; cat; echo err >&2; exit 3', { env: { GREETING: tricky }, stdin: "from-stdin" });
      expect(out).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false, stderr: "err\n" });
      expect(out.stdout).toBe(`/ws\n${tricky}|from-stdin`);
      inContainer(container, "mkdir -p '/ws/sub dir'");
      const sub = await execCapture(r, 'pwd; read x; echo "read=$? [$x]"; echo $0', { cwd: "/ws/sub dir" });
      expect(sub.stdout).toBe("/ws/sub dir\nread=1 []\nbash\n");
      expect((await r.exec("exit 255")).exitCode).toBe(255);
      expect((await r.exec("false")).exitCode).toBe(1);
      const odd = await execCapture(r, "printf '\\036MUX:x\\n' >&2; printf 'no newline' >&2");
      expect(odd.stderr).toBe("\x1eMUX:x\nno newline");
      await expect(r.exec("true", { cwd: "/ws/missing" })).rejects.toMatchObject({ code: "ENOENT" });
      // The script's parent shows which path carried it (a docker exec's has no parent in the container).
      const via = await execCapture(r, "cat /proc/$PPID/comm 2>/dev/null || echo none");
      expect(via.stdout.trim()).toBe(parent);
    });

    it("keeps binary output and large output intact, concurrently", async () => {
      const r = rt();
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await r.writeFile("/ws/bin/all.bin", bytes);
      expect((await r.readFile("/ws/bin/all.bin")).equals(bytes)).toBe(true);
      const sizes = await Promise.all(
        [1, 2, 3].map(async (n) => {
          const chunks: Buffer[] = [];
          const res = await r.execRaw(`head -c ${n * 1_000_000} /dev/zero | tr '\\0' '${n}'`, { onStdout: (b) => chunks.push(b) });
          const all = Buffer.concat(chunks);
          return [res.exitCode, all.length, all.every((b) => b === 48 + n)];
        }),
      );
      expect(sizes).toEqual([
        [0, 1_000_000, true],
        [0, 2_000_000, true],
        [0, 3_000_000, true],
      ]);
      const payload = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7919) % 256));
      const piped = await r.execWithStdinStream("cat > /ws/in.bin && wc -c < /ws/in.bin", Readable.from([payload]));
      expect(piped.stdout.toString().trim()).toBe(String(payload.length));
      expect((await r.readFile("/ws/in.bin")).equals(payload)).toBe(true);
    });

    it("returns once bash exits even when a background job keeps the output open", async () => {
      const started = Date.now();
      const r = await execCapture(rt(), "echo before; (sleep 30; echo never) & echo $! > bg.pid; echo after");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r).toMatchObject({ exitCode: 0, stdout: "before\nafter\n" });
      // The job's group outlived the script's: kill it (the subshell and its sleep).
      inContainer(container, "s=$(cat /proc/$(cat /ws/bg.pid)/stat); set -- ${s##*) }; kill -KILL -- -$3");
    });

    it("kills the whole process group on timeout and on abort", async () => {
      inContainer(container, "rm -f /ws/pids");
      const t = await execCapture(rt(), SPAWN_TREE, { timeoutMs: 2_000 });
      expect(t).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true, aborted: false, stdout: "started\n" });
      expect(inContainer(container, "wc -l < /ws/pids").trim()).toBe("4");
      await expectAllGone(container, "/ws/pids");

      inContainer(container, "rm -f /ws/pids");
      const controller = new AbortController();
      const a = await rt().exec(SPAWN_TREE, { signal: controller.signal, onStdout: (s) => s.includes("started") && controller.abort() });
      expect(a).toMatchObject({ exitCode: null, timedOut: false, aborted: true });
      await expectAllGone(container, "/ws/pids");
    });
  });

  it("a command still running is killed when its server's docker client dies, and the next command gets a new server", { timeout: 60_000 }, async () => {
    // The servers' docker clients, children of this process (other tests' shells have theirs).
    const clients = () =>
      fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            const argv = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
            return (
              fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(process.pid) && argv.includes(name) && argv.includes("perl")
            );
          } catch {
            return false;
          }
        });
    const before = new Set(clients());
    const r = new DockerRuntime("/ws", new DockerShell(name));
    inContainer(name, "rm -f /ws/pids");
    const running = r.exec(SPAWN_TREE);
    const deadline = Date.now() + 20_000;
    while (!inContainer(name, "cat /ws/pids 2>/dev/null | wc -l").trim().startsWith("4") && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 100));
    // Its docker client killed, as if Mux died (the watchdog is not involved).
    const mine = clients().filter((c) => !before.has(c));
    expect(mine).toHaveLength(1);
    process.kill(Number(mine[0]), "SIGKILL");
    expect(await running).toMatchObject({ exitCode: null, signal: "SIGKILL" });
    await expectAllGone(name, "/ws/pids");
    expect((await execCapture(r, "echo again; cat /proc/$PPID/comm")).stdout).toBe("again\nperl\n");
  });

  it("runs commands again after the container restarted", { timeout: 60_000 }, async () => {
    const r = new DockerRuntime("/ws", new DockerShell(name));
    expect((await execCapture(r, "echo one")).stdout).toBe("one\n");
    execFileSync("docker", ["restart", "-t", "1", name]);
    expect((await execCapture(r, "echo two; cat /proc/$PPID/comm")).stdout).toBe("two\nperl\n");
  });
});
