import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";
import { startSshd, type TestSshd } from "../helpers/sshd.js";

const KEY = "sk-ant-ssh-test-0123456789abcdef";
const hasSshd = fs.existsSync("/usr/sbin/sshd");

describe.skipIf(!hasSshd)("SSH workspaces against a real sshd", () => {
  let sshd: TestSshd;
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let repo: string;
  let remoteRoot: string;

  beforeAll(async () => {
    sshd = await startSshd();
    fake = await startFakeProvider({ token: KEY });
    dirs = tempDirs();
    // The "remote" is this machine over loopback; give it its own directory.
    remoteRoot = path.join(dirs.base, "remote-home", "mux");
    repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n", ".gitignore": ".env\n" });
    fs.writeFileSync(path.join(repo, ".env"), "TOKEN=local-only\n");
    fs.writeFileSync(path.join(repo, ".muxignore"), ".env\n");
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await sshd?.stop();
    dirs?.cleanup();
  });
  beforeEach(() => fake.reset());

  const env = () => ({
    MUX_ROOT: dirs.muxRoot,
    MUX_SSH_CONFIG: sshd.configFile,
    MUX_SSH_REMOTE_ROOT: remoteRoot,
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: fake.url,
  });
  const mux = (args: string[]) => runMux(args, { cwd: repo, env: env() });

  it("creates a remote worktree from a git bundle, runs the agent's tools there, and deletes it safely", { timeout: 120_000 }, async () => {
    const created = await mux(["workspace", "create", "remote1", "--runtime", `ssh ${sshd.host}`, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout);
    const remoteWs = path.join(remoteRoot, "app", "remote1");
    expect(ws.runtime).toEqual({ type: "ssh", host: sshd.host, path: remoteWs });
    expect(fs.existsSync(path.join(remoteRoot, "app", ".base.git", "HEAD"))).toBe(true);
    expect(fs.readFileSync(path.join(remoteWs, "README.md"), "utf8")).toBe("# app\n");
    expect(fs.readFileSync(path.join(remoteWs, ".env"), "utf8")).toBe("TOKEN=local-only\n");
    expect(gitIn(remoteWs, "branch", "--show-current")).toBe("remote1");

    fake.enqueue(
      { toolCalls: [{ name: "bash", args: { script: 'pwd; echo "runtime=$MUX_RUNTIME"' } }] },
      { toolCalls: [{ name: "file_write", args: { path: "notes.txt", content: "written remotely\n" } }] },
      { toolCalls: [{ name: "grep", args: { pattern: "remotely" } }] },
      { text: "Done remotely." },
    );
    const r = await runMux(["run", "--json", "--dir", repo, "--workspace", "remote1", "-m", "sonnet", "work there"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const ends = r.events.filter((e) => e.type === "tool-call-end");
    expect(ends.map((e) => e.isError)).toEqual([false, false, false]);
    expect((ends[0].result as { output: string }).output).toBe(`${remoteWs}\nruntime=ssh\n`);
    expect(JSON.stringify(ends[2].result)).toContain("notes.txt");
    expect(fs.readFileSync(path.join(remoteWs, "notes.txt"), "utf8")).toBe("written remotely\n");
    expect(lastEvent(r.events, "run-complete")?.text).toBe("Done remotely.");

    const refused = await mux(["workspace", "delete", "remote1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("uncommitted change");
    const deleted = await mux(["workspace", "delete", "remote1", "--force"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(remoteWs)).toBe(false);
    expect(gitIn(path.join(remoteRoot, "app", ".base.git"), "branch", "--list", "remote1")).toBe("");
    // The local project is untouched.
    expect(gitIn(repo, "status", "--porcelain")).toBe("?? .muxignore");
  });
});
