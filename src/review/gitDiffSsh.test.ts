import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo } from "../../test/helpers/git.js";
import { startSshd, type TestSshd } from "../../test/helpers/sshd.js";
import { SshConnection, SshRuntime } from "../runtime/ssh.js";
import { type Fingerprint, watchFingerprints, worktreeFingerprint } from "./gitDiff.js";

/** Processes running on this machine (the "host") in `root`: the watch's script and what it started. */
const inRoot = (root: string) =>
  execFileSync("ps", ["-eo", "pid="], { encoding: "utf8" })
    .split("\n")
    .filter((l) => {
      try {
        return l.trim() !== "" && fs.readlinkSync(`/proc/${Number.parseInt(l, 10)}/cwd`) === fs.realpathSync(root);
      } catch {
        return false; // gone meanwhile, or not ours to see
      }
    }).length;

describe.skipIf(!fs.existsSync("/usr/sbin/sshd"))("the review's watch of an SSH workspace (real sshd on loopback)", () => {
  let sshd: TestSshd;
  let dir: string;
  let connection: SshConnection;

  beforeAll(async () => {
    sshd = await startSshd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-review-ssh-"));
    connection = new SshConnection({ host: sshd.host, controlDir: path.join(dir, "ctl"), configFile: sshd.configFile });
    fs.mkdirSync(path.join(dir, "ctl"));
  });
  afterAll(async () => {
    await connection?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("one script on the host reports the tree's fingerprints until the watch stops, then it ends there too", { timeout: 60_000 }, async () => {
    const root = makeRepo(path.join(dir, "repo"), { "a.txt": "one\n" });
    const rt = new SshRuntime({ host: sshd.host, root, controlDir: path.join(dir, "ctl"), configFile: sshd.configFile, connection });
    const prints: Fingerprint[] = [];
    const stop = new AbortController();
    const ended = watchFingerprints(rt, 50, stop.signal, (p) => prints.push(p));
    await expect.poll(() => prints.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(inRoot(root)).toBeGreaterThan(0);
    const first = prints[prints.length - 1];
    expect(first.hash).toBe((await worktreeFingerprint(rt)).hash);
    fs.writeFileSync(path.join(root, "a.txt"), "two\n");
    await expect.poll(() => prints[prints.length - 1].hash, { timeout: 20_000 }).not.toBe(first.hash);
    stop.abort();
    await ended;
    await expect.poll(() => inRoot(root), { timeout: 20_000 }).toBe(0);
  });
});
