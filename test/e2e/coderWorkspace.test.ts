import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { coderSshConfig, type FakeCoder, installFakeCoder } from "../helpers/fakeCoder.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";
import { connect, startServer } from "../helpers/server.js";
import { attachTerminal } from "../helpers/terminal.js";
import { hasSshd, startSshd, type TestSshd } from "../helpers/sshd.js";

const KEY = "sk-ant-coder-test-0123456789abcdef";

describe.skipIf(!hasSshd)("Coder workspaces through a stand-in coder CLI and a real sshd", () => {
  let sshd: TestSshd;
  let fake: FakeProvider;
  let coder: FakeCoder;
  let dirs: ReturnType<typeof tempDirs>;
  let repo: string;
  let remoteRoot: string;
  let sshConfig: string;

  beforeAll(async () => {
    sshd = await startSshd();
    fake = await startFakeProvider({ token: KEY });
    dirs = tempDirs();
    remoteRoot = path.join(dirs.base, "remote-home", "mux");
    repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n" });
    coder = installFakeCoder(path.join(dirs.base, "coder-bin"), { sshPort: sshd.port });
    sshConfig = coderSshConfig(sshd.configFile, path.join(dirs.base, "ssh_config"));
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await sshd?.stop();
    dirs?.cleanup();
  });
  beforeEach(() => fake.reset());

  const env = (extra: Record<string, string> = {}) => ({
    MUX_ROOT: dirs.muxRoot,
    MUX_SSH_CONFIG: sshConfig,
    MUX_SSH_REMOTE_ROOT: remoteRoot,
    PATH: coder.path,
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: fake.url,
    ...extra,
  });
  const mux = (args: string[], extra?: Record<string, string>) => runMux(args, { cwd: repo, env: env(extra) });
  const remoteDir = (name: string) => path.join(remoteRoot, "app", name);
  const statusOf = (name: string) => coder.state().workspaces.find((w) => w.name === name)?.status;

  it("says what to do when coder is missing, signed out, the template does not exist or its build fails", { timeout: 60_000 }, async () => {
    const missing = await mux(["workspace", "create", "nocli", "--runtime", "coder docker-dev"], { MUX_CODER: path.join(dirs.base, "no-such-coder") });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the coder command is not installed (or not on PATH)");

    coder.update((s) => (s.signedIn = false));
    const signedOut = await mux(["workspace", "create", "signedout", "--runtime", "coder docker-dev"]);
    coder.update((s) => (s.signedIn = true));
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toContain("you are not signed in to Coder: run `coder login <your deployment URL>`");

    const noTemplate = await mux(["workspace", "create", "notemplate", "--runtime", "coder nope"]);
    expect(noTemplate.code).toBe(1);
    expect(noTemplate.stderr).toContain('coder create mux-notemplate failed: Template "nope" not found!');
    // A failed build: its error, and the half-made Coder workspace deleted again.
    coder.update((s) => {
      s.templates.push("broken");
      s.failingTemplate = "broken";
    });
    const failed = await mux(["workspace", "create", "fails", "--runtime", "coder broken"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("coder create mux-fails failed: build failed: terraform apply exited 1");
    expect(coder.actions().slice(-2)).toEqual(["create --template broken mux-fails -y", "delete mux-fails -y"]);
    expect(coder.state().workspaces).toEqual([]);
    // Nothing was registered.
    const list = JSON.parse((await mux(["workspace", "list", "--json"])).stdout) as { name: string }[];
    expect(list.map((w) => w.name)).toEqual([]);
  });

  it("passes the template's organization, preset and parameters to coder create, and keeps them with the workspace", { timeout: 60_000 }, async () => {
    coder.update((s) => {
      s.templates.push("k8s");
      s.presets = { k8s: ["small"] };
      s.requiredParameters = { k8s: ["region"] };
    });
    const missing = await mux(["workspace", "create", "noparam", "--runtime", "coder k8s"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('parameter "region" is required');
    const badPreset = await mux(["workspace", "create", "badpreset", "--runtime", "coder k8s", "--coder-preset", "huge"]);
    expect(badPreset.stderr).toContain('preset "huge" not found for template "k8s"');
    const notCoder = await mux(["workspace", "create", "notcoder", "--runtime", "local", "--coder-preset", "small"]);
    expect(notCoder.code).toBe(1);
    expect(notCoder.stderr).toContain('apply to a new Coder workspace: --runtime "coder <template>"');
    const badParam = await mux(["workspace", "create", "badparam", "--runtime", "coder k8s", "--coder-param", "region"]);
    expect(badParam.stderr).toContain('--coder-param: a Coder parameter is NAME=VALUE, not "region"');

    const created = await mux([
      "workspace",
      "create",
      "p1",
      "--runtime",
      "coder k8s",
      "--coder-org",
      "eng",
      "--coder-preset",
      "small",
      "--coder-param",
      "region=eu-west",
      "--coder-param",
      "note=two words",
      "--json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(coder.actions()).toContain("create --template k8s mux-p1 --org eng --preset small --parameter region=eu-west --parameter note=two words -y");
    expect(coder.state().workspaces.find((w) => w.name === "mux-p1")).toMatchObject({ preset: "small", parameters: { region: "eu-west", note: "two words" } });
    const coderPart = { workspaceName: "mux-p1", template: "k8s", templateOrg: "eng", preset: "small", parameters: { region: "eu-west", note: "two words" } };
    expect(JSON.parse(created.stdout).runtime.coder).toEqual(coderPart);
    // Kept in config.json under the original's field names, where the original Mux reads them.
    const registry = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8")) as {
      projects: [string, { workspaces: { runtimeConfig: { coder: unknown } }[] }][];
    };
    expect(
      registry.projects[0][1].workspaces.find((w) => (w.runtimeConfig.coder as { workspaceName?: string })?.workspaceName === "mux-p1")?.runtimeConfig.coder,
    ).toEqual(coderPart);
    expect((await mux(["workspace", "delete", "p1", "--coder", "delete", "--force"])).code).toBe(0);
    expect(statusOf("mux-p1")).toBeUndefined();
  });

  it("creates a Coder workspace from a template, runs the agent there over coder ssh, forks into it, starts it again when stopped, and stops it on delete", {
    timeout: 180_000,
  }, async () => {
    const created = await mux(["workspace", "create", "c1", "--runtime", "coder docker-dev", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout);
    expect(ws.runtime).toEqual({ type: "ssh", host: "mux-c1.coder", path: remoteDir("c1"), coder: { workspaceName: "mux-c1", template: "docker-dev" } });
    expect(coder.actions()).toContain("create --template docker-dev mux-c1 -y");
    expect(statusOf("mux-c1")).toBe("running");
    // ssh went through `coder ssh --stdio`: the worktree is on the "host" behind it.
    expect(coder.calls()).toContainEqual(["ssh", "--stdio", "--disable-autostart", "mux-c1"]);
    expect(gitIn(remoteDir("c1"), "branch", "--show-current")).toBe("c1");

    fake.enqueue(
      { toolCalls: [{ name: "bash", args: { script: 'pwd; echo "runtime=$MUX_RUNTIME"' } }] },
      { toolCalls: [{ name: "file_write", args: { path: "notes.txt", content: "written in coder\n" } }] },
      { text: "Done in Coder." },
    );
    const r = await runMux(["run", "--json", "--dir", repo, "--workspace", "c1", "-m", "sonnet", "work there"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const ends = r.events.filter((e) => e.type === "tool-call-end");
    expect(ends.map((e) => e.isError)).toEqual([false, false]);
    expect((ends[0].result as { output: string }).output).toBe(`${remoteDir("c1")}\nruntime=ssh\n`);
    expect(fs.readFileSync(path.join(remoteDir("c1"), "notes.txt"), "utf8")).toBe("written in coder\n");
    // Git status is taken over there.
    const row = (JSON.parse((await mux(["workspace", "list", "--json"])).stdout) as { name: string; git: { dirtyFiles: number } }[]).find(
      (w) => w.name === "c1",
    );
    expect(row?.git).toMatchObject({ branch: "c1", dirtyFiles: 1 });

    // Stopped meanwhile (autostop): the next command starts it first.
    coder.update((s) => (s.workspaces.find((w) => w.name === "mux-c1")!.status = "stopped"));
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "cat notes.txt" } }] }, { text: "Still there." });
    const again = await runMux(["run", "--json", "--dir", repo, "--workspace", "c1", "-m", "sonnet", "and now?"], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect((lastEvent(again.events, "tool-call-end")!.result as { output: string }).output).toBe("written in coder\n");
    expect(coder.actions()).toContain("start mux-c1 -y");
    expect(statusOf("mux-c1")).toBe("running");

    // A fork goes into the same Coder workspace; while it is there, that workspace is not stopped under it.
    const forked = await mux(["workspace", "fork", "c1", "c1-fork", "--json"]);
    expect(forked.code, forked.stderr).toBe(0);
    expect(JSON.parse(forked.stdout).runtime).toEqual({
      type: "ssh",
      host: "mux-c1.coder",
      path: remoteDir("c1-fork"),
      coder: { workspaceName: "mux-c1", existingWorkspace: true },
    });
    expect(gitIn(remoteDir("c1-fork"), "rev-parse", "HEAD")).toBe(gitIn(remoteDir("c1"), "rev-parse", "HEAD"));
    const shared = await mux(["workspace", "delete", "c1", "--coder", "stop", "--force"]);
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain('the Coder workspace "mux-c1" is used by c1-fork too');
    expect((await mux(["workspace", "delete", "c1-fork", "--coder", "keep"])).code).toBe(0);
    expect(statusOf("mux-c1")).toBe("running");

    const unasked = await mux(["workspace", "delete", "c1"]);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain("--coder keep, --coder stop or --coder delete");
    const refused = await mux(["workspace", "delete", "c1", "--coder", "stop"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("uncommitted change");
    expect(statusOf("mux-c1")).toBe("running");
    const deleted = await mux(["workspace", "delete", "c1", "--coder", "stop", "--force"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(remoteDir("c1"))).toBe(false);
    expect(statusOf("mux-c1")).toBe("stopped");
    expect(coder.actions().at(-1)).toBe("stop mux-c1 -y");
  });

  it("attaches to an existing Coder workspace (starting it), keeps it on delete, and refuses to delete one it did not make", { timeout: 120_000 }, async () => {
    coder.update((s) => s.workspaces.push({ name: "my-box", template: "docker-dev", status: "stopped" }));
    const created = await mux(["workspace", "create", "att", "--runtime", "coder:my-box", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).runtime).toMatchObject({ host: "my-box.coder", coder: { workspaceName: "my-box", existingWorkspace: true } });
    expect(coder.actions()).toContain("start my-box -y");
    expect(coder.actions()).not.toContain("create --template docker-dev my-box -y");

    const notOurs = await mux(["workspace", "delete", "att", "--coder", "delete"]);
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toContain('the Coder workspace "my-box" was not made by Mux');
    const kept = await mux(["workspace", "delete", "att", "--coder", "keep"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(fs.existsSync(remoteDir("att"))).toBe(false);
    expect(statusOf("my-box")).toBe("running");

    const gone = await mux(["workspace", "create", "att2", "--runtime", "coder:not-there"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('there is no Coder workspace "not-there"');
  });

  it("through the server: created from the web app's API with its status, review and a terminal, reattached after a restart, deleted with its Coder workspace", {
    timeout: 180_000,
  }, async () => {
    let server = await startServer({ muxRoot: dirs.muxRoot, env: env() });
    let c = await connect(server);
    let id: string;
    try {
      const ws = await c.api.workspaces.create({ projectPath: repo, name: "web1", runtime: { type: "coder", template: "docker-dev" } });
      id = ws.id;
      expect(ws.runtime).toMatchObject({ type: "ssh", host: "mux-web1.coder", coder: { workspaceName: "mux-web1" } });
      expect((await c.api.workspaces.list()).find((w) => w.id === id)?.coderStatus).toBe("running");
      const listed = await c.api.workspaces.coderList();
      expect(listed.error).toBeUndefined();
      expect(listed.workspaces).toContainEqual({ name: "mux-web1", template: "docker-dev", status: "running" });
      fs.writeFileSync(path.join(remoteDir("web1"), "draft.txt"), "x\n");
      expect(await c.api.workspaces.gitStatus({ workspaceId: id, refresh: true })).toMatchObject({ branch: "web1", dirtyFiles: 1 });
      // The review reads the remote worktree's git through the same route.
      expect((await c.api.review.summary({ workspaceId: id })).files.map((f) => [f.path, f.status])).toEqual([["draft.txt", "added"]]);
      // A terminal: a login shell in the remote worktree, through the same coder ssh route.
      const t = await c.api.terminal.create({ workspaceId: id, cols: 100, rows: 30 });
      const term = await attachTerminal(server, t.id);
      term.send('echo "cwd=$(pwd) rt=$MUX_RUNTIME"\r');
      expect((await term.waitForText(/cwd=(\/\S+) rt=(\w+)/)).slice(1, 3)).toEqual([remoteDir("web1"), "ssh"]);
      term.close();
      await c.api.terminal.close({ terminalId: t.id });
    } finally {
      c.close();
      await server.stop();
    }

    // A new server finds it again (and its status) from the registry alone.
    coder.update((s) => (s.workspaces.find((w) => w.name === "mux-web1")!.status = "stopped"));
    server = await startServer({ muxRoot: dirs.muxRoot, env: env() });
    c = await connect(server);
    try {
      const row = async () => (await c.api.workspaces.list()).find((w) => w.id === id);
      for (const deadline = Date.now() + 10_000; (await row())?.coderStatus !== "stopped" && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 100));
      expect((await row())?.coderStatus).toBe("stopped");
      fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "cat draft.txt" } }] }, { text: "Found it." });
      await c.api.chat.send({ workspaceId: id, text: "read the draft", model: "sonnet" });
      for (const deadline = Date.now() + 30_000; fake.requests.length < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
      const messages = (fake.requests.at(-1)!.body as { messages: { content: { content?: string }[] }[] }).messages;
      expect(JSON.parse(messages.at(-1)!.content[0].content!)).toMatchObject({ exitCode: 0, output: "x\n" });
      expect(statusOf("mux-web1")).toBe("running");

      await expect(c.api.workspaces.delete({ workspaceId: id, force: true, coder: "delete" })).resolves.toEqual({ ok: true });
      expect(statusOf("mux-web1")).toBeUndefined();
      expect(coder.actions().at(-1)).toBe("delete mux-web1 -y");
      expect((await c.api.workspaces.list()).map((w) => w.id)).not.toContain(id);
    } finally {
      c.close();
      await server.stop();
    }
  });
});
