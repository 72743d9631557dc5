import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SPAWN_TREE } from "../../test/helpers/processes.js";
import { startSshd, type TestSshd } from "../../test/helpers/sshd.js";
import { bashTool } from "../tools/bash.js";
import { fileEditReplaceStringTool } from "../tools/fileEditReplaceString.js";
import { fileReadTool } from "../tools/fileRead.js";
import { globTool } from "../tools/glob.js";
import { grepFallback, grepTool } from "../tools/grep.js";
import type { ToolContext, ToolDefinition } from "../tools/types.js";
import { LocalRuntime } from "./local.js";
import { SshConnection, SshRuntime } from "./ssh.js";
import { execCapture, type Runtime } from "./types.js";

/** Gone, or a zombie nobody reaped yet (PID 1 in containers often does not reap). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)])
      .toString()
      .trim();
    return stat === "" || stat.startsWith("Z");
  } catch {
    return true;
  }
}

async function expectAllGone(pids: number[]) {
  const deadline = Date.now() + 5000;
  while (pids.some((p) => !isGone(p)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(pids.filter((p) => !isGone(p))).toEqual([]);
}

const mkTemp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

describe.skipIf(!fs.existsSync("/usr/sbin/sshd"))("SshRuntime (real sshd on loopback)", () => {
  let sshd: TestSshd;
  let controlDir: string;
  let connection: SshConnection;
  let root: string;
  let rt: SshRuntime;

  beforeAll(async () => {
    sshd = await startSshd();
    controlDir = mkTemp("mux-ctl-");
    connection = new SshConnection({ host: sshd.host, controlDir, configFile: sshd.configFile });
  });
  afterAll(async () => {
    await connection?.close();
    await sshd?.stop();
    if (controlDir) fs.rmSync(controlDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // The "remote" is this machine, so the remote workspace is a local temp dir.
    root = mkTemp("mux-ssh-ws-");
    rt = new SshRuntime({ host: sshd.host, root, controlDir, configFile: sshd.configFile, connection });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("runs scripts in the root with exit codes, env, cwd and stdin", async () => {
    const tricky = `it's "quoted" $HOME \`x\` \\ \n line2`;
    const r = await execCapture(rt, 'pwd; printf "%s|" "$GREETING"; cat; echo err >&2; exit 3', {
      env: { GREETING: tricky },
      stdin: "from-stdin",
    });
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false, stderr: "err\n" });
    expect(r.stdout).toBe(`${fs.realpathSync(root)}\n${tricky}|from-stdin`);

    fs.mkdirSync(path.join(root, "sub dir"));
    const sub = await execCapture(rt, 'pwd; read x; echo "read=$? [$x]"; echo $0', { cwd: path.join(root, "sub dir") });
    expect(sub.stdout).toBe(`${path.join(fs.realpathSync(root), "sub dir")}\nread=1 []\nbash\n`);
    expect((await rt.exec("exit 0")).exitCode).toBe(0);
    expect((await rt.exec("exit 255")).exitCode).toBe(255);
    // Our side channel shares stderr: look-alike bytes and unterminated lines pass through intact.
    const odd = await execCapture(rt, "printf '\\036MUX:x\\n' >&2; printf 'no newline' >&2");
    expect(odd.stderr).toBe("\x1eMUX:x\nno newline");
    expect((await rt.exec("false")).exitCode).toBe(1);
    await expect(rt.exec("true", { cwd: path.join(root, "missing") })).rejects.toMatchObject({ code: "ENOENT" });
    await expect(rt.exec("true", { env: { "BAD NAME": "x" } })).rejects.toThrow(/invalid environment variable/);
  });

  it("streams output live, as it is produced", async () => {
    const started = Date.now();
    const chunks: { text: string; at: number }[] = [];
    const r = await rt.exec("echo first; sleep 0.3; echo second >&2; sleep 0.3; echo third", {
      onStdout: (text) => chunks.push({ text, at: Date.now() - started }),
      onStderr: (text) => chunks.push({ text: `E:${text}`, at: Date.now() - started }),
    });
    const ended = Date.now() - started;
    console.log(`streaming: chunks at ${chunks.map((c) => `${JSON.stringify(c.text)}@${c.at}ms`).join(", ")}; exit at ${ended}ms`);
    expect(r.exitCode).toBe(0);
    expect(chunks.map((c) => c.text).join("")).toBe("first\nE:second\nthird\n");
    expect(chunks[0].text).toBe("first\n");
    expect(chunks[0].at).toBeLessThan(ended - 400);
  });

  it("returns soon after bash exits even when a background job keeps the output open", async () => {
    const started = Date.now();
    const r = await execCapture(rt, "echo before; (sleep 30; echo never) & echo $! > bg.pid; echo after");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r).toMatchObject({ exitCode: 0, stdout: "before\nafter\n" });
    const pid = Number(fs.readFileSync(path.join(root, "bg.pid"), "utf8"));
    expect(isGone(pid)).toBe(false);
    // The job's group outlived the script's: kill it (the subshell and its sleep).
    const pgid = Number(
      execFileSync("ps", ["-o", "pgid=", "-p", String(pid)])
        .toString()
        .trim(),
    );
    process.kill(-pgid, "SIGKILL");
  });

  it("kills the whole remote process group on timeout", async () => {
    const r = await execCapture(rt, SPAWN_TREE, { timeoutMs: 2_000 });
    expect(r).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true, aborted: false });
    expect(r.stdout).toBe("started\n");
    const pids = fs.readFileSync(path.join(root, "pids"), "utf8").split(/\s+/).filter(Boolean).map(Number);
    expect(pids).toHaveLength(4);
    await expectAllGone(pids);
  });

  it("kills the whole remote process group on abort, and reports an early abort", async () => {
    const controller = new AbortController();
    const r = await rt.exec(SPAWN_TREE, {
      signal: controller.signal,
      onStdout: (t) => t.includes("started") && controller.abort(),
    });
    expect(r).toMatchObject({ exitCode: null, timedOut: false, aborted: true });
    const pids = fs.readFileSync(path.join(root, "pids"), "utf8").split(/\s+/).filter(Boolean).map(Number);
    await expectAllGone(pids);
    expect(await rt.exec("true", { signal: controller.signal })).toMatchObject({ aborted: true, exitCode: null });
  });

  it("reads and writes files atomically, binary-safe, creating parent directories", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const file = path.join(root, "dir with spaces/a\nb/it's here.bin");
    await rt.writeFile(file, bytes);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect((await rt.readFile(file)).equals(bytes)).toBe(true);
    await rt.writeFile(file, "replaced ✓");
    expect((await rt.readFile(file)).toString()).toBe("replaced ✓");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["it's here.bin"]);
    await rt.writeFile(file, "");
    expect((await rt.readFile(file)).length).toBe(0);

    // An executable stays executable; a new file gets the usual 0666 & ~umask.
    const script = path.join(root, "run.sh");
    fs.writeFileSync(script, "#!/bin/sh\n", { mode: 0o755 });
    await rt.writeFile(script, "#!/bin/sh\necho hi\n");
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
    const local = new LocalRuntime(root);
    await local.writeFile(path.join(root, "l.txt"), "x");
    await rt.writeFile(path.join(root, "r.txt"), "x");
    expect(fs.statSync(path.join(root, "r.txt")).mode).toBe(fs.statSync(path.join(root, "l.txt")).mode);

    await expect(rt.readFile(path.join(root, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(rt.readFile(root)).rejects.toMatchObject({ code: "EISDIR" });
    const underFile = path.join(script, "x");
    const localErr = await local.writeFile(underFile, "y").catch((e: NodeJS.ErrnoException) => e.code);
    await expect(rt.writeFile(underFile, "y")).rejects.toMatchObject({ code: localErr });
    await expect(rt.readFile(path.join(root, "missing"))).rejects.toThrow(sshd.host);
  });

  it("stat, lstat, readdir and realpath behave exactly like LocalRuntime", { timeout: 60_000 }, async () => {
    fs.mkdirSync(path.join(root, "dir/nested"), { recursive: true });
    fs.writeFileSync(path.join(root, "file.txt"), "hello");
    fs.writeFileSync(path.join(root, "empty"), "");
    fs.writeFileSync(path.join(root, "odd name\nwith newline"), "x");
    fs.symlinkSync("file.txt", path.join(root, "link"));
    fs.symlinkSync("dir", path.join(root, "dirlink"));
    fs.symlinkSync("nowhere", path.join(root, "dangling"));
    const local = new LocalRuntime(root);
    const names = [
      "file.txt",
      "empty",
      "odd name\nwith newline",
      "link",
      "dirlink",
      "dangling",
      "dir",
      "dir/nested",
      "missing",
      "file.txt/x",
      "dirlink/nested",
      ".",
    ];

    const outcome = async (fn: () => Promise<unknown>) => {
      try {
        return await fn();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return code ? { error: code } : { error: code, msg: (err as Error).message };
      }
    };
    const probe = async (r: Runtime) => {
      const rows = await Promise.all(
        names.map(async (n) => {
          const p = path.join(root, n);
          return [
            [`stat ${n}`, await outcome(() => r.stat(p))],
            [`lstat ${n}`, await outcome(() => r.lstat(p))],
            [`readdir ${n}`, await outcome(async () => (await r.readdir(p)).sort((a, b) => a.name.localeCompare(b.name)))],
            [`realpath ${n}`, await outcome(() => r.realpath(p))],
          ] as const;
        }),
      );
      return Object.fromEntries(rows.flat());
    };
    const [want, got] = [await probe(local), await probe(rt)];
    expect(got).toEqual(want);
    // Spot checks, so the table cannot agree on nonsense.
    expect(got["lstat link"]).toMatchObject({ isSymbolicLink: true, isFile: false });
    expect(got["stat link"]).toMatchObject({ isFile: true, size: 5 });
    expect(got["stat dangling"]).toBeNull();
    expect(got["realpath dangling"]).toEqual({ error: "ENOENT" });
    expect(got["readdir file.txt"]).toEqual({ error: "ENOTDIR" });
    expect(got["readdir ."]).toContainEqual({ name: "odd name\nwith newline", isFile: true, isDirectory: false, isSymbolicLink: false });
  });

  it("gives a cached, writable temp dir", async () => {
    const dir = await rt.tempDir();
    expect(await rt.tempDir()).toBe(dir);
    expect(await rt.stat(dir)).toMatchObject({ isDirectory: true });
    await rt.writeFile(`${dir}/out.txt`, "saved");
    expect((await rt.readFile(`${dir}/out.txt`)).toString()).toBe("saved");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("pipes a binary stream through stdin and returns raw stdout (git bundle transfer)", async () => {
    const payload = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7919) % 256));
    const stream = Readable.from([payload.subarray(0, 300_000), payload.subarray(300_000)]);
    const r = await rt.execWithStdinStream("cat > in.bin && wc -c < in.bin; echo done >&2", stream);
    expect(r).toMatchObject({ exitCode: 0, stderr: "done\n" });
    expect(r.stdout.toString().trim()).toBe(String(payload.length));
    expect(fs.readFileSync(path.join(root, "in.bin")).equals(payload)).toBe(true);
    const back: Buffer[] = [];
    const raw = await rt.execRaw("cat in.bin", { onStdout: (b) => back.push(b) });
    expect(raw.exitCode).toBe(0);
    expect(Buffer.concat(back).equals(payload)).toBe(true);
  });

  it("shares one connection: a control socket exists and commands skip the handshake", async () => {
    await rt.exec("true");
    const sockets = fs.readdirSync(controlDir).filter((n) => fs.statSync(path.join(controlDir, n)).isSocket());
    expect(sockets).toHaveLength(1);

    const time = async (runtime: SshRuntime, n: number) => {
      const t = Date.now();
      for (let i = 0; i < n; i++) expect((await runtime.exec("true")).exitCode).toBe(0);
      return (Date.now() - t) / n;
    };
    const shared = await time(rt, 20);
    const direct = new SshRuntime({ host: sshd.host, root, controlDir, configFile: sshd.configFile, multiplex: false });
    const unshared = await time(direct, 3);
    console.log(`ssh exec("true"): ${shared.toFixed(0)} ms/command with connection sharing, ${unshared.toFixed(0)} ms without`);
    // Generous (CI machines are loaded): only catches a missing master, i.e. a handshake per command.
    expect(shared).toBeLessThan(Math.max(300, unshared / 2));

    // Deterministic proof: every command arrives over the same TCP connection (same client port).
    const clients = await Promise.all(Array.from({ length: 5 }, () => execCapture(rt, 'echo "$SSH_CLIENT"')));
    expect(new Set(clients.map((c) => c.stdout)).size).toBe(1);
    const separate = await Promise.all([execCapture(direct, 'echo "$SSH_CLIENT"'), execCapture(direct, 'echo "$SSH_CLIENT"')]);
    expect(separate[0].stdout).not.toBe(separate[1].stdout);

    await connection.close();
    expect(fs.readdirSync(controlDir)).toEqual([]);
    expect((await rt.exec("true")).exitCode).toBe(0); // reconnects on demand
  });

  it("fails fast with a clear error naming the host when it is unreachable or refuses the key", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const dir = mkTemp("mux-ssh-bad-");
    try {
      const config = path.join(dir, "config");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "stranger")]);
      const common = ["  HostName 127.0.0.1", "  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  IdentitiesOnly yes"];
      fs.writeFileSync(
        config,
        [
          "Host nothing-listens",
          `  Port ${port}`,
          ...common,
          "Host wrong-key",
          `  Port ${sshd.port}`,
          `  User ${sshd.user}`,
          `  IdentityFile ${path.join(dir, "stranger")}`,
          ...common,
          "",
        ].join("\n"),
      );
      for (const [host, why] of [
        ["nothing-listens", /Connection refused/],
        ["wrong-key", /Permission denied/],
      ] as const) {
        const bad = new SshRuntime({ host, root, controlDir: dir, configFile: config });
        const started = Date.now();
        await expect(bad.exec("true")).rejects.toThrow(new RegExp(`ssh connection to ${host} failed: .*${why.source}`));
        await expect(bad.stat(root)).rejects.toThrow(host);
        expect(Date.now() - started).toBeLessThan(10_000);
        await bad.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the tools unchanged over SSH", { timeout: 60_000 }, async () => {
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src/a.ts"), "const alpha = 1;\n// TODO fix alpha\n");
    fs.writeFileSync(path.join(root, "notes.md"), "alpha notes\n");
    let n = 0;
    const outputs: string[] = [];
    const ctx = (): ToolContext => ({
      runtime: rt,
      toolCallId: `ssh_${++n}`,
      signal: new AbortController().signal,
      onOutput: (_s, text) => outputs.push(text),
      session: { todos: [] },
    });
    const run = <I>(tool: ToolDefinition<I>, input: unknown): Promise<any> => tool.execute(tool.inputSchema.parse(input), ctx());

    const b = await run(bashTool, { script: 'pwd; echo "runtime=$MUX_RUNTIME"; exit 4' });
    expect(b).toMatchObject({ exitCode: 4, output: `${fs.realpathSync(root)}\nruntime=ssh\n` });
    expect(outputs.join("")).toContain("runtime=ssh");
    const big = await run(bashTool, { script: "seq 1 2000" });
    expect(big.truncated.fullOutputPath).toMatch(/^\/.*bash-ssh_\d+-[0-9a-f]{6}\.txt$/);
    expect(await run(fileReadTool, { path: big.truncated.fullOutputPath, offset: 1000, limit: 1 })).toBeTruthy();
    // Saved as it arrives (appended over SSH), whole, and binary output byte for byte.
    const huge = await run(bashTool, { script: "seq 1 400000" });
    expect(fs.statSync(huge.truncated.fullOutputPath).size).toBe(huge.truncated.totalBytes);
    expect(huge.truncated.totalBytes).toBe(2_688_895);
    const bin = await run(bashTool, { script: "printf 'a\\0b'" });
    expect(bin).toMatchObject({ binary: true, truncated: { totalBytes: 3 } });
    expect(fs.readFileSync(bin.truncated.fullOutputPath)).toEqual(Buffer.from("a\0b"));
    const slow = await run(bashTool, { script: "sleep 30", timeout_secs: 1 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: null });

    const edit = await run(fileEditReplaceStringTool, { path: "src/a.ts", old_string: "const alpha = 1;", new_string: "const alpha = 2;" });
    expect(edit).toMatchObject({ path: "src/a.ts", replacements: 1 });
    expect(fs.readFileSync(path.join(root, "src/a.ts"), "utf8")).toBe("const alpha = 2;\n// TODO fix alpha\n");

    const found = await run(grepTool, { pattern: "alpha", glob: "*.ts" });
    expect(found).toEqual({
      matches: [
        { file: "src/a.ts", line: 1, text: "const alpha = 2;" },
        { file: "src/a.ts", line: 2, text: "// TODO fix alpha" },
      ],
      truncated: false,
    });
    // The JS engine (remote hosts without ripgrep) walks with readdir/stat/readFile.
    expect((await grepFallback(rt, { pattern: "alpha", target: root, maxResults: 10 })).matches.map((m) => m.file)).toEqual([
      "notes.md",
      "src/a.ts",
      "src/a.ts",
    ]);
    expect(await run(globTool, { pattern: "**/*.ts" })).toMatchObject({ files: ["src/a.ts"] });
    await expect(run(grepTool, { pattern: "x", path: "../" })).rejects.toThrow(/outside the workspace root/);
  });
});
