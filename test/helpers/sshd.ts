import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { makeRepo } from "./git.js";
import { type MuxResult, runMux, tempDirs } from "./mux.js";

export const SSHD_BIN = "/usr/sbin/sshd";
export const HOST_ALIAS = "mux-test-host";

export interface TestSshd {
  /** An alias usable as `ssh -F configFile <host>`. */
  host: string;
  /** ssh_config file defining `host`. */
  configFile: string;
  port: number;
  user: string;
  /** sshd's own log (it runs with -e), for failure diagnostics. */
  log(): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Extra sshd_config lines (e.g. "MaxSessions 1"). */
  extraConfig?: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/** PIDs of every live process below `root`, from /proc (empty where there is no /proc). */
function descendants(root: number | undefined): number[] {
  if (!root || !fs.existsSync("/proc/self/stat")) return [];
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) for (const c of children.get(queue.shift()!) ?? []) out.push(c), queue.push(c);
  return out;
}

/**
 * A real sshd on 127.0.0.1, run by this process as the current user: as root it can log in as
 * root only with a key; as anyone else it can only log in as that same user (no PAM, no setuid).
 */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-sshd-"));
  fs.chmodSync(dir, 0o700);
  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "mux-test", "-f", file]);
  const hostKey = path.join(dir, "host_ed25519");
  const clientKey = path.join(dir, "client_ed25519");
  keygen(hostKey);
  keygen(clientKey);
  const authorizedKeys = path.join(dir, "authorized_keys");
  fs.copyFileSync(`${clientKey}.pub`, authorizedKeys);
  fs.chmodSync(authorizedKeys, 0o600);

  const isRoot = process.getuid?.() === 0;
  const user = os.userInfo().username;
  // Privilege separation directory: only needed (and only creatable) as root.
  if (isRoot) fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  // Retry on the (unlikely) race where another process grabs the port between probe and bind.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const sshdConfig = path.join(dir, "sshd_config");
    fs.writeFileSync(
      sshdConfig,
      [
        // sshd keeps the first value it reads for an option: extra lines go first to win.
        ...(options.extraConfig ?? []),
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${hostKey}`,
        `PidFile ${path.join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        isRoot ? "PermitRootLogin prohibit-password" : `AllowUsers ${user}`,
        "UsePAM no",
        "StrictModes no",
        "X11Forwarding no",
        "PrintMotd no",
        // Tests run many commands in parallel over one multiplexed connection.
        "MaxSessions 64",
        "MaxStartups 64",
        "LogLevel ERROR",
        // Debian's bash sources ~/.bashrc for ssh commands when SHLVL < 2; this machine's may be
        // slow (pyenv init) and is not what these tests measure.
        "SetEnv SHLVL=1",
        "",
      ].join("\n"),
    );
    let log = "";
    const child: ChildProcess = spawn(SSHD_BIN, ["-D", "-e", "-f", sshdConfig], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (c: string) => {
      if (log.length < 64_000) log += c;
    });
    let exited = false;
    child.on("exit", () => {
      exited = true;
    });
    let up = false;
    for (const deadline = Date.now() + 10_000; !exited && Date.now() < deadline; ) {
      if ((up = await canConnect(port))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!up || exited) {
      child.kill("SIGKILL");
      if (attempt < 2 && /Address already in use/.test(log)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start on port ${port}: ${log.trim() || "no output"}`);
    }

    const configFile = path.join(dir, "ssh_config");
    fs.writeFileSync(
      configFile,
      [
        `Host ${HOST_ALIAS}`,
        "  HostName 127.0.0.1",
        `  Port ${port}`,
        `  User ${user}`,
        `  IdentityFile ${clientKey}`,
        "  IdentitiesOnly yes",
        "  StrictHostKeyChecking no",
        "  UserKnownHostsFile /dev/null",
        "  LogLevel ERROR",
        "",
      ].join("\n"),
    );
    return {
      host: HOST_ALIAS,
      configFile,
      port,
      user,
      log: () => log,
      async stop() {
        // Session processes outlive the listener (and keep ssh masters alive): end them first.
        for (const pid of descendants(child.pid)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        if (!exited) {
          const gone = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
          if (!exited) child.kill("SIGKILL");
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

export const hasSshd = fs.existsSync(SSHD_BIN);

/** What {@link sshProjectSuite} sets up: an sshd, a temp MUX_ROOT and project, and `mux` pointed at them. */
export interface SshProject {
  sshd: TestSshd;
  dirs: ReturnType<typeof tempDirs>;
  /** The local project (a git repository with the files given). */
  repo: string;
  /** Where the host keeps Mux's workspaces (MUX_SSH_REMOTE_ROOT). */
  remoteRoot: string;
  /** `mux ARGS` in the project, with the suite's environment. */
  mux(args: string[]): Promise<MuxResult>;
}

/**
 * For a `describe` of CLI tests on an SSH workspace: before all, a real sshd on loopback, temp
 * dirs and a project with `files`; after all, both gone. `env` adds to what `mux` runs with.
 * The returned object is filled in by the time the tests run.
 */
export function sshProjectSuite(files: Record<string, string>, env: Record<string, string> = {}): SshProject {
  const suite = {} as SshProject;
  beforeAll(async () => {
    suite.sshd = await startSshd();
    suite.dirs = tempDirs();
    suite.remoteRoot = path.join(suite.dirs.base, "remote-home", "mux");
    suite.repo = makeRepo(path.join(suite.dirs.base, "app"), files);
    const muxEnv = { MUX_ROOT: suite.dirs.muxRoot, MUX_SSH_CONFIG: suite.sshd.configFile, MUX_SSH_REMOTE_ROOT: suite.remoteRoot, ...env };
    suite.mux = (args) => runMux(args, { cwd: suite.repo, env: muxEnv });
  }, 60_000);
  afterAll(async () => {
    await suite.sshd?.stop();
    suite.dirs?.cleanup();
  });
  return suite;
}
