import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { containersLabelled, containerState, dockerReady, inContainer, removeContainersLabelled, TEST_IMAGE } from "../helpers/docker.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";

const KEY = "sk-ant-devcontainer-test-0123456789abcdef";

/** The container the Dev Containers CLI made for a Mux workspace (it labels it with Mux's id). */
const containerOf = (workspaceId: string) => containersLabelled(`mux.workspace=${workspaceId}`).join("\n");

describe.skipIf(!dockerReady())("dev container workspaces (the official Dev Containers CLI, a real engine)", () => {
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let repo: string;

  beforeAll(async () => {
    fake = await startFakeProvider({ token: KEY });
    dirs = tempDirs();
    repo = makeRepo(path.join(dirs.base, "devapp"), { "README.md": "# devapp\n" });
    fs.mkdirSync(path.join(repo, ".devcontainer"));
    commitFile(
      repo,
      ".devcontainer/devcontainer.json",
      JSON.stringify({ image: TEST_IMAGE, runArgs: ["--network", "none"], postCreateCommand: "echo created > /tmp/post-create.txt" }, null, 2),
    );
    // The project's init hook runs inside the container too.
    fs.mkdirSync(path.join(repo, ".mux"));
    commitFile(repo, ".mux/init", '#!/bin/bash\necho "init ran in $MUX_RUNTIME at $PWD" > /tmp/init-ran.txt\n');
    fs.chmodSync(path.join(repo, ".mux", "init"), 0o755);
    gitIn(repo, "commit", "-qam", "init executable");
  }, 60_000);
  /** Workspaces made here: their containers go at the end even when a test failed midway. */
  const made: string[] = [];
  afterAll(async () => {
    await fake?.close();
    for (const id of made) removeContainersLabelled(`mux.workspace=${id}`);
    dirs?.cleanup();
  });
  beforeEach(() => fake.reset());

  const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
  const mux = (args: string[]) => runMux(args, { cwd: repo, env: env() });

  it("opens a worktree in the project's dev container: postCreateCommand, tools and git inside, files in the worktree, safe delete", {
    timeout: 240_000,
  }, async () => {
    const created = await mux(["workspace", "create", "dev1", "--runtime", "devcontainer", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout) as { id: string; runtime: { type: string; path: string } };
    made.push(ws.id);
    expect(ws.runtime).toMatchObject({ type: "devcontainer", configPath: ".devcontainer/devcontainer.json" });
    const c = containerOf(ws.id);
    expect(containerState(c)).toBe("running");
    expect(inContainer(c, "cat /tmp/post-create.txt")).toBe("created\n");
    expect(inContainer(c, "cat /tmp/init-ran.txt")).toBe("init ran in devcontainer at /workspaces/dev1\n");

    fake.enqueue(
      { toolCalls: [{ name: "bash", args: { script: 'pwd; echo "rt=$MUX_RUNTIME"; test -e /.dockerenv && echo in-container; git branch --show-current' } }] },
      { toolCalls: [{ name: "bash", args: { script: "echo x > made-inside.txt && git add -A && git commit -qm 'inside' && echo ok" } }] },
      { text: "Done in the dev container." },
    );
    const r = await runMux(["run", "--json", "--dir", repo, "--workspace", "dev1", "-m", "sonnet", "work there"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const ends = r.events.filter((e) => e.type === "tool-call-end");
    expect((ends[0].result as { output: string }).output).toBe("/workspaces/dev1\nrt=devcontainer\nin-container\ndev1\n");
    expect((ends[1].result as { output: string }).output).toBe("ok\n");
    expect(lastEvent(r.events, "run-complete")?.text).toBe("Done in the dev container.");
    // The commit made inside is on the workspace's branch here (the worktree is mounted).
    expect(fs.readFileSync(path.join(ws.runtime.path, "made-inside.txt"), "utf8")).toBe("x\n");
    expect(gitIn(repo, "log", "--format=%s", "-1", "dev1")).toBe("inside");

    // Stopped (a reboot, an engine restart): found again by Mux's label and started by the next command.
    execFileSync("docker", ["stop", "-t", "1", c]);
    expect(containerState(c)).toBe("exited");
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "pwd; cat /tmp/post-create.txt" } }] }, { text: "Back." });
    const again = await runMux(["run", "--json", "--dir", repo, "--workspace", "dev1", "-m", "sonnet", "still there?"], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect((lastEvent(again.events, "tool-call-end")!.result as { output: string }).output).toBe("/workspaces/dev1\ncreated\n");
    expect(containerState(c)).toBe("running");

    const refused = await mux(["workspace", "delete", "dev1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("commit(s) on no other branch");
    expect(containerState(c)).toBe("running");

    // A fork is a new worktree from the branch, in a dev container of its own.
    const forked = await mux(["workspace", "fork", "dev1", "dev1-fork", "--json"]);
    expect(forked.code, forked.stderr).toBe(0);
    const fork = JSON.parse(forked.stdout) as { id: string; runtime: { type: string; path: string } };
    made.push(fork.id);
    expect(fork.runtime.type).toBe("devcontainer");
    const fc = containerOf(fork.id);
    expect(fc).not.toBe(c);
    expect(inContainer(fc, "cd /workspaces/dev1-fork && cat made-inside.txt && git log --format=%s -1")).toBe("x\ninside\n");
    const deleted = await mux(["workspace", "delete", "dev1", "--force"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(containerState(c)).toBeNull();
    expect(fs.existsSync(ws.runtime.path)).toBe(false);
    expect(containerState(fc)).toBe("running");
    expect((await mux(["workspace", "delete", "dev1-fork", "--force"])).code).toBe(0);
    expect(containerState(fc)).toBeNull();
  });

  it("a project without a dev container configuration is refused clearly, leaving nothing", { timeout: 60_000 }, async () => {
    const r = await mux(["workspace", "create", "dev2", "--runtime", "devcontainer:.devcontainer/missing.json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no dev container configuration at");
    const list = JSON.parse((await mux(["workspace", "list", "--json"])).stdout) as { name: string }[];
    expect(list.map((w) => w.name)).not.toContain("dev2");
    expect(gitIn(repo, "branch", "--list", "dev2")).toBe("");
  });
});
