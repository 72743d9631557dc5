import { type ChildProcess, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { containerState, dockerReady, inContainer, removeContainersOf, TEST_IMAGE } from "../helpers/docker.js";
import { commitFile, gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, MUX_BIN, runMux, tempDirs } from "../helpers/mux.js";
import { OriginalRegistrySchema } from "../helpers/originalRegistry.js";
import { waitFor } from "../helpers/processes.js";
import { connect, startServer } from "../helpers/server.js";
import { attachTerminal } from "../helpers/terminal.js";
import { commitScript, delegateAndApply, scripted } from "../helpers/subagentScript.js";
import { ConfigStore } from "../../src/workspace/config.js";

const KEY = "sk-ant-docker-test-0123456789abcdef";

describe.skipIf(!dockerReady())("Docker workspaces against a real Docker engine", () => {
  let fake: FakeProvider;
  let dirs: ReturnType<typeof tempDirs>;
  let repo: string;

  beforeAll(async () => {
    fake = await startFakeProvider({ token: KEY });
    dirs = tempDirs();
    repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n", ".gitignore": ".env\n" });
    fs.writeFileSync(path.join(repo, ".env"), "TOKEN=local-only\n");
    fs.writeFileSync(path.join(repo, ".muxignore"), ".env\n");
    // The project's init hook, committed so it travels into each container.
    fs.mkdirSync(path.join(repo, ".mux"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".mux", "init"), '#!/bin/bash\necho "init ran in $MUX_RUNTIME at $PWD" > /tmp/init-ran.txt\n', { mode: 0o755 });
    commitFile(repo, ".mux/init", fs.readFileSync(path.join(repo, ".mux", "init"), "utf8"));
    // Containers reach nothing: the agent's provider is called by Mux on this machine.
    fs.writeFileSync(path.join(repo, ".mux", "docker.json"), `{ "network": "none", "memory": "512m", "cpus": 1.5, "pidsLimit": 256 }\n`);
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    if (repo) removeContainersOf(repo);
    dirs?.cleanup();
  });
  beforeEach(() => fake.reset());

  const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
  const mux = (args: string[]) => runMux(args, { cwd: repo, env: env() });
  const run = (args: string[]) => runMux(["run", "--json", "--dir", repo, "-m", "sonnet", ...args], { env: env() });
  const create = async (name: string) => {
    const r = await mux(["workspace", "create", name, "--runtime", `docker ${TEST_IMAGE}`, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { id: string; runtime: { type: string; image: string; container: string; path: string } };
  };

  it("creates a container from a bundle, runs the agent's tools inside it, and deletes it safely", { timeout: 180_000 }, async () => {
    const ws = await create("box1");
    expect(ws.runtime).toMatchObject({ type: "docker", image: TEST_IMAGE, path: "/src" });
    const c = ws.runtime.container;
    expect(c).toMatch(/^mux-app-box1-[0-9a-f]{6}$/);
    expect(containerState(c)).toBe("running");
    expect(inContainer(c, "cat /src/README.md /src/.env; git -C /src branch --show-current")).toBe("# app\nTOKEN=local-only\nbox1\n");
    // docker.json's limits and network were applied.
    const limits = JSON.parse(execFileSync("docker", ["inspect", "-f", "{{json .HostConfig}}", c], { encoding: "utf8" }));
    expect([limits.NetworkMode, limits.Memory, limits.NanoCpus, limits.PidsLimit]).toEqual(["none", 512 * 1024 * 1024, 1.5e9, 256]);

    fake.enqueue(
      { toolCalls: [{ name: "bash", args: { script: 'pwd; echo "runtime=$MUX_RUNTIME"; test -e /.dockerenv && echo in-container' } }] },
      { toolCalls: [{ name: "file_write", args: { path: "notes.txt", content: "written in the container\n" } }] },
      { toolCalls: [{ name: "grep", args: { pattern: "container" } }] },
      { text: "Done in Docker." },
    );
    const r = await run(["--workspace", "box1", "work there"]);
    expect(r.code, r.stderr).toBe(0);
    const ends = r.events.filter((e) => e.type === "tool-call-end");
    expect(ends.map((e) => e.isError)).toEqual([false, false, false]);
    expect((ends[0].result as { output: string }).output).toBe("/src\nruntime=docker\nin-container\n");
    expect(JSON.stringify(ends[2].result)).toContain("notes.txt");
    expect(inContainer(c, "cat /src/notes.txt")).toBe("written in the container\n");
    // The host's working copy is untouched.
    expect(fs.existsSync(path.join(repo, "notes.txt"))).toBe(false);
    expect(lastEvent(r.events, "run-complete")?.text).toBe("Done in Docker.");
    expect(inContainer(c, "cat /tmp/init-ran.txt")).toBe("init ran in docker at /src\n");

    // git status and the diff come from the container.
    const list = await mux(["workspace", "list", "--json"]);
    const row = (JSON.parse(list.stdout) as { name: string; git: { dirtyFiles: number } | null }[]).find((w) => w.name === "box1");
    expect(row?.git?.dirtyFiles).toBe(1);
    const diff = await mux(["workspace", "diff", "box1"]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("notes.txt");

    const refused = await mux(["workspace", "delete", "box1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("uncommitted change");
    expect(containerState(c)).toBe("running");
    const deleted = await mux(["workspace", "delete", "box1", "--force"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(containerState(c)).toBeNull();
  });

  it("a stopped container is started again; commits merge into trunk and forks carry them", { timeout: 180_000 }, async () => {
    const ws = await create("box2");
    const c = ws.runtime.container;
    // As after a reboot or a Mux restart with the engine restarted.
    execFileSync("docker", ["stop", "-t", "1", c]);
    expect(containerState(c)).toBe("exited");
    fake.enqueue(
      { toolCalls: [{ name: "bash", args: { script: "echo feature > feature.txt && git add -A && git commit -qm 'add feature' && git log --format=%s -1" } }] },
      { text: "Committed." },
    );
    const r = await run(["--workspace", "box2", "commit something"]);
    expect(r.code, r.stderr).toBe(0);
    expect((lastEvent(r.events, "tool-call-end")!.result as { output: string }).output).toBe("add feature\n");
    expect(containerState(c)).toBe("running");

    // A fork starts from the container's branch, in a container of its own.
    const fork = await mux(["workspace", "fork", "box2", "box2-fork", "--json"]);
    expect(fork.code, fork.stderr).toBe(0);
    const forked = JSON.parse(fork.stdout) as { runtime: { container: string } };
    expect(forked.runtime.container).not.toBe(c);
    expect(inContainer(forked.runtime.container, "git -C /src log --format=%s -1; cat /src/feature.txt")).toBe("add feature\nfeature\n");

    // An unmerged commit refuses the delete; merging it into trunk lets it go.
    const refused = await mux(["workspace", "delete", "box2"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("1 commit(s) on no other branch");
    const merged = await mux(["workspace", "merge", "box2", "--json"]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(gitIn(repo, "show", "main:feature.txt")).toBe("feature");
    const deleted = await mux(["workspace", "delete", "box2"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(containerState(c)).toBeNull();
    expect(gitIn(repo, "for-each-ref", "refs/mux/docker/box2")).toBe("");
    expect((await mux(["workspace", "delete", "box2-fork", "--force"])).code).toBe(0);
  });

  it("a helper of a Docker workspace works in a container of its own; its commit applies to the parent's", { timeout: 240_000 }, async () => {
    const lead = await create("lead");
    fake.setResponder(
      scripted(
        delegateAndApply({
          parent: "PARENT-BOX",
          child: "CHILD-BOX",
          title: "Box notes",
          script: `echo "runtime=$MUX_RUNTIME" && ${commitScript("notes.txt", "from the helper")}`,
          childAnswer: "wrote notes.txt",
          parentAnswer: "applied",
        }),
      ),
    );
    const r = await run(["--workspace", "lead", "PARENT-BOX: take notes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(lastEvent(r.events, "run-complete")).toMatchObject({ status: "completed", text: "applied" });
    const child = new ConfigStore(dirs.muxRoot).read().workspaces.find((w) => w.parentWorkspaceId === lead.id)!;
    const box = child.runtime as { type: string; image: string; container: string };
    expect(box).toMatchObject({ type: "docker", image: TEST_IMAGE });
    expect(box.container).not.toBe(lead.runtime.container);
    const childBash = r.events.find((e) => e.type === "child-event" && e.event.type === "tool-call-end" && e.event.toolName === "bash");
    expect(JSON.stringify(childBash)).toContain("runtime=docker");
    expect(inContainer(box.container, "git -C /src log --format=%s -1")).toBe("add notes.txt\n");
    // Applied in the parent's container, not on the host.
    expect(inContainer(lead.runtime.container, "cat /src/notes.txt")).toBe("from the helper\n");
    expect(fs.existsSync(path.join(repo, "notes.txt"))).toBe(false);
    for (const name of [child.name, "lead"]) expect((await mux(["workspace", "delete", name, "--force"])).code).toBe(0);
  });

  it("records Docker workspaces as the original Mux does, and refuses a rename", { timeout: 120_000 }, async () => {
    const ws = await create("box3");
    const registry = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));
    expect(OriginalRegistrySchema.safeParse(registry).error).toBeUndefined();
    const records = registry.projects.flatMap(([, p]: [string, { workspaces: Record<string, unknown>[] }]) => p.workspaces);
    expect(records.find((w: Record<string, unknown>) => w.id === ws.id)).toMatchObject({
      path: "/src",
      runtimeConfig: { type: "docker", image: TEST_IMAGE, containerName: ws.runtime.container },
    });
    const rename = await mux(["workspace", "rename", "box3", "box4"]);
    expect(rename.code).toBe(1);
    expect(rename.stderr).toContain("cannot be renamed");
    expect((await mux(["workspace", "delete", "box3", "--force"])).code).toBe(0);
  });

  it("says clearly when the image is missing or docker.json is wrong, and leaves nothing behind", { timeout: 120_000 }, async () => {
    const missing = await mux(["workspace", "create", "nope", "--runtime", "docker mux-test/no-such-image:1"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("mux-test/no-such-image:1");
    expect(missing.stderr).toMatch(/not on this machine|pull access denied|No such image|not found/i);

    const noImage = await mux(["workspace", "create", "nope2", "--runtime", "docker"]);
    expect(noImage.code).toBe(1);
    // Both places a default image can be set are named.
    expect(noImage.stderr).toContain(path.join(repo, ".mux", "docker.json"));
    expect(noImage.stderr).toContain(
      `Settings → Runtimes or with "mux runtimes default-image IMAGE" (defaultDockerImage in ${path.join(dirs.muxRoot, "config.json")})`,
    );

    // The engine is not running (a socket nobody answers on).
    const down = await runMux(["workspace", "create", "nope4", "--runtime", `docker ${TEST_IMAGE}`], {
      cwd: repo,
      env: { ...env(), DOCKER_HOST: `unix://${path.join(dirs.base, "no-engine.sock")}` },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("is the Docker engine running?");

    const file = path.join(repo, ".mux", "docker.json");
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `{\n  "image": "${TEST_IMAGE}",\n  "memory": "lots"\n}\n`);
    try {
      const bad = await mux(["workspace", "create", "nope3", "--runtime", "docker"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`${file}:3`);
      expect(bad.stderr).toContain("memory");
    } finally {
      fs.writeFileSync(file, good);
    }
    const list = await mux(["workspace", "list", "--json"]);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((w) => w.name).filter((n) => n.startsWith("nope"))).toEqual([]);
  });

  it("a container removed outside Mux is reported as such, and its workspace can still be deleted", { timeout: 120_000 }, async () => {
    const ws = await create("box9");
    execFileSync("docker", ["rm", "-f", ws.runtime.container]);
    const diff = await mux(["workspace", "diff", "box9"]);
    expect(diff.code).toBe(1);
    expect(diff.stderr).toContain(`container ${ws.runtime.container} no longer exists (removed outside Mux?)`);
    // Nothing is left in it to lose: no --force needed.
    const deleted = await mux(["workspace", "delete", "box9"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const list = JSON.parse((await mux(["workspace", "list", "--json"])).stdout) as { name: string }[];
    expect(list.map((w) => w.name)).not.toContain("box9");
  });

  // Needs root to run Mux as a user outside the docker group (the socket is root:docker 0660).
  it.skipIf(process.getuid?.() !== 0)("says clearly when the user may not use Docker", { timeout: 60_000 }, () => {
    const home = fs.mkdtempSync(path.join(dirs.base, "nobody-"));
    fs.chmodSync(dirs.base, 0o755);
    fs.chmodSync(home, 0o777);
    const project = makeRepo(path.join(home, "app"));
    const r = spawnSync("runuser", ["-u", "nobody", "--", process.execPath, MUX_BIN, "workspace", "create", "x", "--runtime", `docker ${TEST_IMAGE}`], {
      cwd: project,
      encoding: "utf8",
      // The project is root's: git is told to read it anyway.
      env: {
        PATH: process.env.PATH,
        HOME: home,
        MUX_ROOT: path.join(home, "mux"),
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "safe.directory",
        GIT_CONFIG_VALUE_0: "*",
      },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("permission denied");
    expect(r.stderr).toContain("(your user may not use Docker: add it to the docker group)");
  });

  it("plain docker: the image of the project's docker.json, else the default set in Settings; an explicit one wins", { timeout: 180_000 }, async () => {
    // Set as the web app's Settings → Runtimes does, through the server.
    const server = await startServer({ muxRoot: dirs.muxRoot });
    const conn = await connect(server);
    try {
      expect(await conn.api.runtimes.defaults()).toEqual({ dockerImage: null });
      expect((await conn.api.runtimes.forProject({ path: repo })).dockerImage).toBeNull();
      expect(await conn.api.runtimes.setDefaults({ dockerImage: TEST_IMAGE })).toEqual({ dockerImage: TEST_IMAGE });
      expect(await conn.api.runtimes.forProject({ path: repo })).toEqual({
        devcontainer: null,
        dockerImage: { image: TEST_IMAGE, from: "settings" },
        dockerConfigError: null,
      });
      await expect(conn.api.runtimes.setDefaults({ dockerImage: "--privileged" })).rejects.toThrow();
    } finally {
      conn.close();
      await server.stop();
    }
    const registry = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));
    expect(registry.defaultDockerImage).toBe(TEST_IMAGE);
    expect(OriginalRegistrySchema.safeParse(registry).error).toBeUndefined();

    // `mux run --runtime docker` makes its workspace from the settings' default.
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "test -e /.dockerenv && echo in-container" } }] }, { text: "Ran." });
    const r = await run(["--runtime", "docker", "--workspace", "box7", "where am I"]);
    expect(r.code, r.stderr).toBe(0);
    expect((lastEvent(r.events, "tool-call-end")!.result as { output: string }).output).toBe("in-container\n");
    const made = (JSON.parse((await mux(["workspace", "list", "--json"])).stdout) as { name: string; runtime: { image: string; container: string } }[]).find(
      (w) => w.name === "box7",
    );
    expect(made?.runtime.image).toBe(TEST_IMAGE);
    expect(containerState(made!.runtime.container)).toBe("running");
    expect((await mux(["workspace", "delete", "box7", "--force"])).code).toBe(0);

    // The project's docker.json wins over the settings: here an image this machine lacks.
    const file = path.join(repo, ".mux", "docker.json");
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `{ "image": "mux-test/project-image:9", "network": "none" }\n`);
    try {
      const fromProject = await mux(["workspace", "create", "box8", "--runtime", "docker"]);
      expect(fromProject.code).toBe(1);
      expect(fromProject.stderr).toContain("mux-test/project-image:9");
      // An image named explicitly wins over both.
      const ws = await create("box8");
      expect(ws.runtime.image).toBe(TEST_IMAGE);
      expect((await mux(["workspace", "delete", "box8", "--force"])).code).toBe(0);
    } finally {
      fs.writeFileSync(file, good);
      const reset = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));
      delete reset.defaultDockerImage;
      fs.writeFileSync(path.join(dirs.muxRoot, "config.json"), JSON.stringify(reset, null, 2));
    }
  });

  it("from the server's API: created, its changes in the review, a terminal in the container that ends with it, deleted", { timeout: 180_000 }, async () => {
    const server = await startServer({ muxRoot: dirs.muxRoot });
    const conn = await connect(server);
    try {
      const ws = await conn.api.workspaces.create({ projectPath: repo, name: "box5", runtime: { type: "docker", image: TEST_IMAGE } });
      expect(ws.runtime).toMatchObject({ type: "docker", image: TEST_IMAGE, path: "/src" });
      const container = (ws.runtime as { container: string }).container;
      // The review reads the container's git: a commit on the branch and an untracked file.
      inContainer(
        container,
        "cd /src && echo hi > committed.txt && git add . && git -c user.name=a -c user.email=a@x commit -qm c && echo new > untracked.txt",
      );
      const summary = await conn.api.review.summary({ workspaceId: ws.id });
      expect(summary.files.map((f) => [f.path, f.status])).toEqual([
        ["committed.txt", "added"],
        ["untracked.txt", "added"],
      ]);
      const page = await conn.api.review.files({ workspaceId: ws.id, paths: ["committed.txt"], version: summary.version });
      expect(JSON.stringify(page.files[0].hunks)).toContain("hi");
      const t = await conn.api.terminal.create({ workspaceId: ws.id, cols: 100, rows: 30 });
      const term = await attachTerminal(server, t.id);
      term.send('echo "cwd=$(pwd) rt=$MUX_RUNTIME term=$TERM sh=$$"\r');
      const m = await term.waitForText(/cwd=(\/\S+) rt=([\w-]+) term=([\w-]+) sh=(\d+)/);
      expect(m.slice(1, 4)).toEqual(["/src", "docker", "xterm-256color"]);
      const shellAlive = () => inContainer(container, `test -d /proc/${m[4]} && echo yes || echo no`).trim() === "yes";
      expect(shellAlive()).toBe(true);
      await conn.api.terminal.close({ terminalId: t.id });
      await waitFor(() => !shellAlive(), "the container's shell to end");
      await conn.api.workspaces.delete({ workspaceId: ws.id, force: true });
      expect(containerState(container)).toBeNull();
    } finally {
      conn.close();
      await server.stop();
    }
  });

  it("kill -9 of mux mid-command leaves nothing running in the container", { timeout: 180_000 }, async () => {
    const ws = await create("box6");
    const c = ws.runtime.container;
    const sleeping = () => inContainer(c, "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '").includes("sleep 77");
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "touch started; sleep 77; touch finished" } }] }, { text: "never" });
    let child: ChildProcess | undefined;
    const running = runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "--workspace", "box6", "wait a while"], {
      env: env(),
      onSpawn: (p) => {
        child = p;
      },
    });
    await waitFor(() => sleeping(), "the command to start in the container", 60_000);
    child?.kill("SIGKILL");
    await running;
    await waitFor(() => !sleeping(), "the container's command to be killed", 30_000);
    expect(inContainer(c, "ls /src")).not.toContain("finished");
    expect((await mux(["workspace", "delete", "box6", "--force"])).code).toBe(0);
  });
});
