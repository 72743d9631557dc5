import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";
import { startSshd, type TestSshd } from "../helpers/sshd.js";
import { commitScript, delegateAndApply, scripted } from "../helpers/subagentScript.js";
import { ConfigStore } from "../../src/workspace/config.js";

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

  const remoteDir = (name: string) => path.join(remoteRoot, "app", name);
  const bareRepo = () => path.join(remoteRoot, "app", ".base.git");
  const createSsh = async (name: string) => {
    const r = await mux(["workspace", "create", name, "--runtime", `ssh ${sshd.host}`, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const listed = async () => {
    const r = await mux(["workspace", "list", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { id: string; name: string; branch: string; runtime: { path: string } }[];
  };
  const run = (args: string[]) => runMux(["run", "--json", "--dir", repo, "-m", "sonnet", ...args], { env: env() });

  it("rename moves the remote worktree and its branch; the chat and the agent follow", { timeout: 120_000 }, async () => {
    const ws = await createSsh("ren-old");
    fake.enqueue({ text: "Noted." });
    const first = await run(["--workspace", "ren-old", "remember the plan"]);
    expect(first.code, first.stderr).toBe(0);

    const r = await mux(["workspace", "rename", "ren-old", "ren-new", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      id: ws.id,
      name: "ren-new",
      branch: "ren-new",
      runtime: { type: "ssh", host: sshd.host, path: remoteDir("ren-new") },
    });
    expect(fs.existsSync(remoteDir("ren-old"))).toBe(false);
    expect(fs.readFileSync(path.join(remoteDir("ren-new"), ".env"), "utf8")).toBe("TOKEN=local-only\n");
    expect(gitIn(remoteDir("ren-new"), "branch", "--show-current")).toBe("ren-new");
    expect(gitIn(bareRepo(), "branch", "--list", "ren-old")).toBe("");
    expect(gitIn(bareRepo(), "worktree", "list")).not.toContain("ren-old");
    expect((await listed()).find((w) => w.id === ws.id)).toMatchObject({ name: "ren-new", runtime: { path: remoteDir("ren-new") } });

    // The same conversation continues, and the agent's tools run in the moved directory.
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "pwd; git branch --show-current" } }] }, { text: "Still here." });
    const next = await run(["--workspace", "ren-new", "and now?"]);
    expect(next.code, next.stderr).toBe(0);
    expect(lastEvent(next.events, "run-complete")!.sessionId).toBe(lastEvent(first.events, "run-complete")!.sessionId);
    expect(JSON.stringify(fake.requests.at(-1)!.body.messages)).toContain("remember the plan");
    expect((lastEvent(next.events, "tool-call-end")!.result as { output: string }).output).toBe(`${remoteDir("ren-new")}\nren-new\n`);

    expect((await mux(["workspace", "delete", "ren-new", "--force"])).code).toBe(0);
  });

  it("rename refuses a name taken in the registry or on the host, changing nothing", { timeout: 120_000 }, async () => {
    const a = await createSsh("taken-a");
    await createSsh("taken-b");
    const registry = () => fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8");
    const before = registry();

    const inRegistry = await mux(["workspace", "rename", "taken-a", "taken-b"]);
    expect(inRegistry.code).toBe(1);
    expect(inRegistry.stderr).toContain('a workspace named "taken-b" already exists');

    // A branch made by hand on the host, and a directory in the way.
    gitIn(bareRepo(), "branch", "by-hand", "refs/heads/taken-a");
    const branchTaken = await mux(["workspace", "rename", "taken-a", "by-hand"]);
    expect(branchTaken.code).toBe(1);
    expect(branchTaken.stderr).toContain(`on ${sshd.host}`);
    expect(branchTaken.stderr).toContain("branch by-hand already exists");
    fs.mkdirSync(remoteDir("squatter"));
    const pathTaken = await mux(["workspace", "rename", "taken-a", "squatter"]);
    expect(pathTaken.code).toBe(1);
    expect(pathTaken.stderr).toContain(`on ${sshd.host}`);
    expect(pathTaken.stderr).toContain(`${remoteDir("squatter")} already exists`);

    expect(registry()).toBe(before);
    expect(gitIn(remoteDir("taken-a"), "branch", "--show-current")).toBe("taken-a");
    expect(fs.readdirSync(remoteDir("squatter"))).toEqual([]);

    // The remote step failing (the worktree removed by hand) leaves the registry as it was.
    fs.rmSync(remoteDir("taken-a"), { recursive: true, force: true });
    const broken = await mux(["workspace", "rename", "taken-a", "taken-c"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`on ${sshd.host}`);
    expect((await listed()).find((w) => w.id === a.id)).toMatchObject({ name: "taken-a", runtime: { path: remoteDir("taken-a") } });

    for (const name of ["taken-a", "taken-b"]) expect((await mux(["workspace", "delete", name, "--force"])).code).toBe(0);
  });

  it("fork makes a remote branch at the source's HEAD on the host, with a copy of the chat", { timeout: 120_000 }, async () => {
    const src = await createSsh("fsrc");
    // A commit that exists only on the host.
    commitFile(remoteDir("fsrc"), "remote.txt", "made on the host\n");
    const head = gitIn(remoteDir("fsrc"), "rev-parse", "HEAD");
    expect(() => gitIn(repo, "cat-file", "-e", head)).toThrow();
    // Its git status is taken on the host, against the project's trunk as sent there.
    fs.writeFileSync(path.join(remoteDir("fsrc"), "wip.txt"), "a\nb\n");
    const row = (await listed()).find((w) => w.name === "fsrc") as unknown as { git: Record<string, unknown> };
    expect(row.git).toMatchObject({ branch: "fsrc", ahead: 1, behind: 0, dirtyFiles: 1, linesAdded: 3, linesRemoved: 0 });
    expect(row.git.error).toBeUndefined();
    fs.rmSync(path.join(remoteDir("fsrc"), "wip.txt"));
    const chatDir = path.join(dirs.muxRoot, "sessions", src.id);
    fs.mkdirSync(chatDir, { recursive: true });
    const chat = '{"id":"m1","role":"user","createdAt":1,"parts":[{"type":"text","text":"hi"}]}\n';
    fs.writeFileSync(path.join(chatDir, "chat.jsonl"), chat);

    const r = await mux(["workspace", "fork", "fsrc", "fsrc-2", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const fork = JSON.parse(r.stdout);
    expect(fork).toMatchObject({
      name: "fsrc-2",
      branch: "fsrc-2",
      forkedFrom: src.id,
      base: src.base,
      runtime: { type: "ssh", host: sshd.host, path: remoteDir("fsrc-2") },
    });
    expect(gitIn(remoteDir("fsrc-2"), "rev-parse", "HEAD")).toBe(head);
    expect(gitIn(remoteDir("fsrc-2"), "branch", "--show-current")).toBe("fsrc-2");
    expect(gitIn(bareRepo(), "rev-parse", "refs/heads/fsrc-2")).toBe(head);
    expect(fs.readFileSync(path.join(remoteDir("fsrc-2"), ".env"), "utf8")).toBe("TOKEN=local-only\n");
    // The chat comes along, marked as the source's (its cost is not counted again in the fork).
    const copied = fs.readFileSync(path.join(dirs.muxRoot, "sessions", fork.id, "chat.jsonl"), "utf8");
    expect(JSON.parse(copied)).toEqual({ ...JSON.parse(chat), metadata: { inheritedFrom: src.id } });
    // The source is untouched.
    expect(gitIn(remoteDir("fsrc"), "branch", "--show-current")).toBe("fsrc");

    for (const name of ["fsrc", "fsrc-2"]) expect((await mux(["workspace", "delete", name, "--force"])).code).toBe(0);
  });

  it("a helper of an SSH workspace works on the same host, in its own remote worktree, and its commit applies to the parent's", {
    timeout: 180_000,
  }, async () => {
    const created = await mux(["workspace", "create", "lead", "--runtime", `ssh ${sshd.host}`, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const lead = JSON.parse(created.stdout);
    fake.setResponder(
      scripted(
        delegateAndApply({
          parent: "PARENT-SSH",
          child: "CHILD-SSH",
          title: "Remote notes",
          script: `echo "runtime=$MUX_RUNTIME dir=$PWD" && ${commitScript("notes.txt", "from the helper")}`,
          childAnswer: "wrote notes.txt",
          parentAnswer: "applied",
        }),
      ),
    );
    const r = await mux(["run", "--json", "--workspace", "lead", "-m", "sonnet", "PARENT-SSH: take notes"]);
    expect(r.code, r.stderr).toBe(0);
    const child = new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.parentWorkspaceId === lead.id)!;
    const childDir = path.join(remoteRoot, "app", child.name);
    expect(child.runtime).toEqual({ type: "ssh", host: sshd.host, path: childDir });
    const childBash = r.events.find((e) => e.type === "child-event" && e.event.type === "tool-call-end" && e.event.toolName === "bash");
    expect(JSON.stringify(childBash)).toContain(`runtime=ssh dir=${childDir}`);
    // The helper's commit is on its branch on the host; applying it left the change in the parent's remote worktree.
    expect(gitIn(childDir, "log", "-1", "--format=%s")).toBe("add notes.txt");
    expect(fs.readFileSync(path.join(lead.runtime.path, "notes.txt"), "utf8")).toBe("from the helper\n");
    expect(lastEvent(r.events, "run-complete")).toMatchObject({ status: "completed", text: "applied" });
  });

  it("a local workspace still cannot be forked", async () => {
    expect((await mux(["workspace", "create", "here", "--runtime", "local"])).code).toBe(0);
    const r = await mux(["workspace", "fork", "here"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("only worktree, SSH and Docker workspaces can be forked");
    expect((await mux(["workspace", "delete", "here"])).code).toBe(0);
  });
});
