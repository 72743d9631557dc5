import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";
import { recordsOf } from "../helpers/originalRegistry.js";
import { startSshd, type TestSshd } from "../helpers/sshd.js";

const KEY = "sk-ant-ssh-test-0123456789abcdef";
const hasSshd = fs.existsSync("/usr/sbin/sshd");

/**
 * SSH workspaces as the original Mux records them: at `~/mux/<project>/<name>`, a path in the
 * host's home directory (here a directory of the test's own, given to sshd as HOME).
 */
describe.skipIf(!hasSshd)("SSH workspaces recorded by the original Mux", () => {
  let sshd: TestSshd;
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let repo: string;
  let home: string;

  beforeAll(async () => {
    dirs = tempDirs();
    home = path.join(dirs.base, "remote-home");
    fs.mkdirSync(home);
    sshd = await startSshd({ extraConfig: [`SetEnv HOME=${home} SHLVL=1`] });
    fake = await startFakeProvider({ token: KEY });
    repo = makeRepo(path.join(dirs.base, "app"));
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await sshd?.stop();
    dirs?.cleanup();
  });

  const env = () => ({ MUX_ROOT: dirs.muxRoot, MUX_SSH_CONFIG: sshd.configFile, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
  const mux = (args: string[]) => runMux(args, { cwd: repo, env: env() });
  const registryFile = () => path.join(dirs.muxRoot, "config.json");

  /** Rewrites a workspace's record as the original writes it: `~/…` path, its runtimeConfig, none of our fields. */
  function asTheOriginalRecordsIt(id: string, relative: string): void {
    const registry = JSON.parse(fs.readFileSync(registryFile(), "utf8"));
    const record = recordsOf(registry).get(id)!;
    for (const key of Object.keys(record)) if (!["id", "name", "createdAt"].includes(key)) delete record[key];
    Object.assign(record, { path: `~/${relative}`, runtimeConfig: { type: "ssh", host: sshd.host, srcBaseDir: "~/mux" } });
    fs.writeFileSync(registryFile(), JSON.stringify(registry, null, 2));
  }

  it("are used in the host's home directory: git status and the agent's tools", { timeout: 120_000 }, async () => {
    const created = await mux(["workspace", "create", "remote1", "--runtime", `ssh ${sshd.host}`, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout);
    expect(ws.runtime.path).toBe(path.join(home, "mux/app/remote1"));
    asTheOriginalRecordsIt(ws.id, "mux/app/remote1");

    const list = await mux(["workspace", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const row = JSON.parse(list.stdout)[0];
    expect(row).toMatchObject({ runtime: { path: "~/mux/app/remote1" }, health: "ok", git: { ahead: 0, behind: 0 } });
    expect(row.git.error).toBeUndefined();

    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "pwd" } }] }, { text: "Done." });
    const r = await runMux(["run", "--json", "--dir", repo, "--workspace", "remote1", "-m", "sonnet", "where are you?"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const end = r.events.find((e) => e.type === "tool-call-end");
    expect(end && (end.result as { output: string }).output).toBe(`${path.join(home, "mux/app/remote1")}\n`);
  });

  it("one the original made on the host (no .base.git beside it) is not deleted from here, even with --force", { timeout: 120_000 }, async () => {
    const dir = path.join(home, "mux/other/orig-ws");
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    gitIn(path.dirname(dir), "clone", "-q", repo, dir);
    const other = makeRepo(path.join(dirs.base, "other"));
    const registry = JSON.parse(fs.readFileSync(registryFile(), "utf8"));
    registry.projects.push([
      other,
      {
        workspaces: [{ path: "~/mux/other/orig-ws", id: "0123456789", name: "orig-ws", runtimeConfig: { type: "ssh", host: sshd.host, srcBaseDir: "~/mux" } }],
      },
    ]);
    fs.writeFileSync(registryFile(), JSON.stringify(registry, null, 2));

    const r = await runMux(["workspace", "delete", "orig-ws", "--force", "--project", other], { cwd: other, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('workspace "orig-ws" was made on this host by the original Mux');
    expect(fs.existsSync(path.join(dir, ".git"))).toBe(true);
    expect(recordsOf(JSON.parse(fs.readFileSync(registryFile(), "utf8"))).has("0123456789")).toBe(true);
  });
});
