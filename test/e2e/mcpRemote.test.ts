import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { dockerReady, removeContainersOf, TEST_IMAGE } from "../helpers/docker.js";
import { makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";
import { startSshd, type TestSshd } from "../helpers/sshd.js";

/**
 * A stdio MCP server of an SSH or Docker workspace runs where the workspace's tools run: on the
 * host, in the remote worktree (here a loopback sshd), or in the container, with its variables,
 * and is gone when the run ends.
 */

const KEY = "sk-ant-mcp-remote-0123456789abcdef";
const NOTE = "mcp-note-7f3a9c";
const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const STDIO_SERVER = path.join(REPO_ROOT, "test/mcp/stdioServer.mjs");
const hasSshd = fs.existsSync("/usr/sbin/sshd");

let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
  fs.mkdirSync(dirs.muxRoot, { recursive: true });
  fs.writeFileSync(
    path.join(dirs.muxRoot, "mcp.jsonc"),
    JSON.stringify({ servers: { box: { command: process.execPath, args: [STDIO_SERVER], env: { TEST_MCP_NOTE: NOTE } } } }),
  );
});
afterAll(async () => {
  await fake?.close();
  dirs?.cleanup();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs the agent in `workspace`: it calls the server's `where` and `pid` tools; returns their outputs. */
async function askWhere(repo: string, workspace: string, env: Record<string, string>): Promise<{ where: string; pid: number }> {
  fake.reset();
  fake.enqueue({ toolCalls: [{ name: "box_where", args: {} }] }, { toolCalls: [{ name: "box_pid", args: {} }] }, { text: "Found it." });
  const r = await runMux(["run", "--json", "--dir", repo, "--workspace", workspace, "-m", "sonnet", "where is the server?"], { env });
  expect(r.code, r.stderr).toBe(0);
  const outputs = r.events.filter((e) => e.type === "tool-call-end").map((e) => JSON.stringify(e.result));
  expect(outputs).toHaveLength(2);
  expect(JSON.stringify(r.events)).not.toContain(NOTE);
  return { where: outputs[0], pid: Number(/(\d+)/.exec(outputs[1])?.[1]) };
}

describe.skipIf(!hasSshd)("over SSH", () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  }, 60_000);
  afterAll(() => sshd?.stop());

  it("runs in the remote worktree with its variables, and ends with the run", { timeout: 120_000 }, async () => {
    const repo = makeRepo(path.join(dirs.base, "ssh-app"));
    const remoteRoot = path.join(dirs.base, "remote-home", "mux");
    const env = {
      MUX_ROOT: dirs.muxRoot,
      MUX_SSH_CONFIG: sshd.configFile,
      MUX_SSH_REMOTE_ROOT: remoteRoot,
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: fake.url,
    };
    const created = await runMux(["workspace", "create", "far", "--runtime", `ssh ${sshd.host}`, "--json"], { cwd: repo, env });
    expect(created.code, created.stderr).toBe(0);
    const { where, pid } = await askWhere(repo, "far", env);
    // The note is a value of the server's settings: it reached the server, and is redacted on its way back.
    expect(where).toContain(`cwd=${path.join(remoteRoot, "ssh-app", "far")} note=[REDACTED]`);
    // The host is this machine: its process is visible here, and gone once the run ended.
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false);
    // The variables went in a file that is deleted as it is read, not on a command line.
    const holdsNote = (f: string) => {
      const file = path.join("/tmp", f);
      return f.startsWith("tmp.") && fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true && fs.readFileSync(file, "utf8").includes(NOTE);
    };
    expect(fs.readdirSync("/tmp").filter(holdsNote)).toEqual([]);
  });
});

describe.skipIf(!dockerReady())("in a Docker container", () => {
  let repo: string | undefined;
  afterAll(() => {
    if (repo) removeContainersOf(repo);
  });

  it("runs in the container's workspace with its variables", { timeout: 180_000 }, async () => {
    repo = makeRepo(path.join(dirs.base, "docker-app"));
    // The test server and the node running it, lent to the container read-only.
    fs.mkdirSync(path.join(repo, ".mux"), { recursive: true });
    fs.writeFileSync(
      path.join(repo, ".mux", "docker.json"),
      JSON.stringify({ image: TEST_IMAGE, mounts: [`${process.execPath}:${process.execPath}:ro`, `${REPO_ROOT}:${REPO_ROOT}:ro`] }),
    );
    const env = { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
    const created = await runMux(["workspace", "create", "boxed", "--runtime", "docker", "--json"], { cwd: repo, env });
    expect(created.code, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout) as { runtime: { path: string } };
    const { where } = await askWhere(repo, "boxed", env);
    expect(where).toContain(`cwd=${ws.runtime.path} note=[REDACTED]`);
    expect((await runMux(["workspace", "delete", "boxed", "--force"], { cwd: repo, env })).code).toBe(0);
  });
});
