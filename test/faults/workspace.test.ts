import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";
import { connect, type ServerProcess, startServer } from "../helpers/server.js";
import { startSshd, type TestSshd } from "../helpers/sshd.js";

/**
 * Workspaces when git fails or directories collide: nothing the user made is lost, and nothing
 * lands where it does not belong.
 */

// Git refuses a repository owned by another user ("dubious ownership"); chown needs root.
const isRoot = process.getuid?.() === 0;
const hasSshd = fs.existsSync("/usr/sbin/sshd");

let dirs: ReturnType<typeof tempDirs>;
let repo: string;
beforeEach(() => {
  dirs = tempDirs();
  repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\n" });
});
afterEach(() => dirs.cleanup());

const mux = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runMux(args, { cwd: repo, env: { MUX_ROOT: dirs.muxRoot, ...env } });
  return { ...r, json: () => JSON.parse(r.stdout) };
};
const wsDir = (name: string) => path.join(dirs.muxRoot, "src", "app", name);

/** A workspace with an untracked file and a chat: everything a delete must keep when it refuses. */
async function workspaceWithWork(name: string) {
  const r = await mux(["workspace", "create", name, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const ws = r.json();
  fs.writeFileSync(path.join(wsDir(name), "notes.txt"), "unsaved\n");
  const chat = path.join(dirs.muxRoot, "sessions", ws.id, "chat.jsonl");
  fs.mkdirSync(path.dirname(chat), { recursive: true });
  fs.writeFileSync(chat, '{"id":"m1","role":"user","createdAt":1,"parts":[{"type":"text","text":"hi"}]}\n');
  return { ws, chat };
}

async function expectKept(name: string, chat: string) {
  expect(fs.readFileSync(path.join(wsDir(name), "notes.txt"), "utf8")).toBe("unsaved\n");
  expect(gitIn(repo, "branch", "--list", name)).toContain(name);
  expect(fs.existsSync(chat)).toBe(true);
  expect((await mux(["workspace", "list", "--json"])).json().map((w: { name: string }) => w.name)).toContain(name);
}

describe("delete when git cannot say whether work would be lost", () => {
  it.skipIf(!isRoot)("refuses with git's reason when git distrusts the worktree, keeps everything; --force still deletes", async () => {
    const { chat } = await workspaceWithWork("owned");
    fs.chownSync(wsDir("owned"), 65534, 65534);
    const r = await mux(["workspace", "delete", "owned"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("nothing was deleted");
    expect(r.stderr).toContain("dubious ownership");
    expect(r.stderr).toContain("--force");
    await expectKept("owned", chat);

    const forced = await mux(["workspace", "delete", "owned", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.existsSync(wsDir("owned"))).toBe(false);
    expect(fs.existsSync(chat)).toBe(false);
  });

  it("refuses when git is not on PATH, keeps everything", async () => {
    const { chat } = await workspaceWithWork("nogit");
    const emptyPath = path.join(dirs.base, "empty-bin");
    fs.mkdirSync(emptyPath);
    const r = await mux(["workspace", "delete", "nogit"], { PATH: emptyPath });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was deleted");
    expect(r.stderr).toContain("git: it is not installed or not on PATH");
    await expectKept("nogit", chat);
  });

  it("refuses to delete a directory that is no longer a worktree but holds files", async () => {
    const { chat } = await workspaceWithWork("replaced");
    fs.rmSync(path.join(wsDir("replaced"), ".git"));
    const r = await mux(["workspace", "delete", "replaced"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no longer a git worktree");
    expect(fs.readFileSync(path.join(wsDir("replaced"), "notes.txt"), "utf8")).toBe("unsaved\n");
    expect(fs.existsSync(chat)).toBe(true);
  });

  it("recreate keeps files found where the worktree was instead of deleting them", async () => {
    await workspaceWithWork("inplace");
    fs.rmSync(path.join(wsDir("inplace"), ".git"));
    const r = await mux(["workspace", "recreate", "inplace"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is in the way");
    expect(fs.readFileSync(path.join(wsDir("inplace"), "notes.txt"), "utf8")).toBe("unsaved\n");
  });

  describe.skipIf(!isRoot)("in the web app", () => {
    let server: ServerProcess;
    beforeAll(async () => {
      // The server's MUX_ROOT outlives the per-test dirs.
      serverDirs = tempDirs();
      server = await startServer({ muxRoot: serverDirs.muxRoot });
    });
    afterAll(async () => {
      await server?.stop();
      serverDirs?.cleanup();
    });
    let serverDirs: ReturnType<typeof tempDirs>;

    it("refuses with git's reason when git distrusts the worktree, keeps everything", async () => {
      const { api, close } = await connect(server);
      try {
        const ws = await api.workspaces.create({ projectPath: repo, name: "served" });
        if (ws.runtime.type !== "worktree") throw new Error("expected a worktree");
        const dir = ws.runtime.path;
        fs.writeFileSync(path.join(dir, "notes.txt"), "unsaved\n");
        fs.chownSync(dir, 65534, 65534);
        await expect(api.workspaces.delete({ workspaceId: ws.id })).rejects.toThrow(/nothing was deleted[\s\S]*dubious ownership/);
        expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("unsaved\n");
        expect(gitIn(repo, "branch", "--list", "served")).toContain("served");
        expect((await api.workspaces.list()).map((w) => w.id)).toContain(ws.id);
        await api.workspaces.delete({ workspaceId: ws.id, force: true });
        expect(fs.existsSync(dir)).toBe(false);
      } finally {
        close();
      }
    });
  });
});

describe.skipIf(!hasSshd || !isRoot)("delete of an SSH workspace when git fails on the host", () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  }, 60_000);
  afterAll(() => sshd?.stop());

  it("refuses with the host's reason, keeps the remote worktree and the registry entry", { timeout: 120_000 }, async () => {
    const remoteRoot = path.join(dirs.base, "remote-home", "mux");
    const env = { MUX_SSH_CONFIG: sshd.configFile, MUX_SSH_REMOTE_ROOT: remoteRoot };
    const created = await mux(["workspace", "create", "far", "--runtime", `ssh ${sshd.host}`, "--json"], env);
    expect(created.code, created.stderr).toBe(0);
    const remoteWs = path.join(remoteRoot, "app", "far");
    fs.writeFileSync(path.join(remoteWs, "notes.txt"), "unsaved\n");
    fs.chownSync(remoteWs, 65534, 65534);
    const r = await mux(["workspace", "delete", "far"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nothing was deleted");
    expect(r.stderr).toContain("dubious ownership");
    expect(fs.readFileSync(path.join(remoteWs, "notes.txt"), "utf8")).toBe("unsaved\n");
    expect(gitIn(path.join(remoteRoot, "app", ".base.git"), "branch", "--list", "far")).toContain("far");
    expect((await mux(["workspace", "list", "--json"], env)).json().map((w: { name: string }) => w.name)).toEqual(["far"]);
  });
});

/** `~/work/app` and `~/personal/app`: two projects with the same folder name. */
function twinProjects() {
  const work = makeRepo(path.join(dirs.base, "work", "app"), { "README.md": "# work app\n" });
  const personal = makeRepo(path.join(dirs.base, "personal", "app"), { "README.md": "# personal app\n" });
  return { work, personal, personalDir: `app-${createHash("sha256").update(personal).digest("hex").slice(0, 6)}` };
}
const muxIn = async (cwd: string, args: string[], env: Record<string, string> = {}) => {
  const r = await runMux(args, { cwd, env: { MUX_ROOT: dirs.muxRoot, ...env } });
  return { ...r, json: () => JSON.parse(r.stdout) };
};

describe("projects with the same folder name", () => {
  it("each gets its own workspace directory, kept in the project record", async () => {
    const { work, personal, personalDir } = twinProjects();
    for (const repoPath of [work, personal]) {
      const r = await muxIn(repoPath, ["workspace", "create", "fix"]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(fs.readFileSync(path.join(dirs.muxRoot, "src", "app", "fix", "README.md"), "utf8")).toBe("# work app\n");
    expect(fs.readFileSync(path.join(dirs.muxRoot, "src", personalDir, "fix", "README.md"), "utf8")).toBe("# personal app\n");
    const projects = (await muxIn(work, ["project", "list", "--json"])).json();
    expect(projects).toEqual([expect.objectContaining({ path: work, dirName: "app" }), expect.objectContaining({ path: personal, dirName: personalDir })]);

    // Removing the first does not move the second's directory.
    expect((await muxIn(work, ["workspace", "delete", "fix"])).code).toBe(0);
    expect((await muxIn(work, ["project", "remove", work])).code).toBe(0);
    const again = await muxIn(personal, ["workspace", "create", "more", "--json"]);
    expect(again.json().runtime.path).toBe(path.join(dirs.muxRoot, "src", personalDir, "more"));
  });

  it("registered before they had directories of their own: existing workspaces stay, new ones separate", async () => {
    const { work, personal, personalDir } = twinProjects();
    expect((await muxIn(work, ["workspace", "create", "old"])).code).toBe(0);
    // The registry as the original Mux (or an earlier version) wrote it: no dirName, both projects under src/app/.
    const file = path.join(dirs.muxRoot, "config.json");
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    delete config.projects[0][1].dirName;
    config.projects.push([personal, { workspaces: [] }]);
    fs.writeFileSync(file, JSON.stringify(config));

    const r = await muxIn(personal, ["workspace", "create", "old", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().runtime.path).toBe(path.join(dirs.muxRoot, "src", personalDir, "old"));
    const list = (await muxIn(work, ["workspace", "list", "--all", "--json"])).json();
    expect(list.map((w: { runtime: { path: string }; health: string }) => [w.runtime.path, w.health])).toEqual([
      [path.join(dirs.muxRoot, "src", "app", "old"), "ok"],
      [path.join(dirs.muxRoot, "src", personalDir, "old"), "ok"],
    ]);
  });

  it("a directory in the way of a new worktree is refused and left as it is", async () => {
    fs.mkdirSync(wsDir("taken"), { recursive: true });
    fs.writeFileSync(path.join(wsDir("taken"), "mine.txt"), "not Mux's\n");
    const r = await mux(["workspace", "create", "taken"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${wsDir("taken")} already exists (a directory with 1 entry) and is not this workspace's`);
    expect(fs.readFileSync(path.join(wsDir("taken"), "mine.txt"), "utf8")).toBe("not Mux's\n");
    expect((await mux(["workspace", "list", "--json"])).json()).toEqual([]);
    expect(gitIn(repo, "branch", "--list", "taken")).toBe("");
  });
});

describe.skipIf(!hasSshd)("projects with the same folder name on an SSH host", () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  }, 60_000);
  afterAll(() => sshd?.stop());
  const sshEnv = () => ({ MUX_SSH_CONFIG: sshd.configFile, MUX_SSH_REMOTE_ROOT: path.join(dirs.base, "remote-home", "mux") });
  const remote = (...parts: string[]) => path.join(dirs.base, "remote-home", "mux", ...parts);

  it("each has its own base repository, marked with the project it belongs to", { timeout: 120_000 }, async () => {
    const { work, personal, personalDir } = twinProjects();
    for (const repoPath of [work, personal]) {
      const r = await muxIn(repoPath, ["workspace", "create", "fix", "--runtime", `ssh ${sshd.host}`], sshEnv());
      expect(r.code, r.stderr).toBe(0);
    }
    expect(fs.readFileSync(remote("app", "fix", "README.md"), "utf8")).toBe("# work app\n");
    expect(fs.readFileSync(remote(personalDir, "fix", "README.md"), "utf8")).toBe("# personal app\n");
    expect(gitIn(remote("app", ".base.git"), "config", "mux.projectPath")).toBe(work);
    expect(gitIn(remote(personalDir, ".base.git"), "config", "mux.projectPath")).toBe(personal);
  });

  it("a base repository that belongs to another project is refused before anything is sent into it", { timeout: 120_000 }, async () => {
    const bare = remote("app", ".base.git");
    fs.mkdirSync(bare, { recursive: true });
    gitIn(bare, "init", "-q", "--bare");
    gitIn(bare, "config", "mux.projectPath", "/elsewhere/app");
    const r = await mux(["workspace", "create", "fix", "--runtime", `ssh ${sshd.host}`], sshEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bare} belongs to the project at /elsewhere/app, not ${repo}`);
    expect(gitIn(bare, "for-each-ref")).toBe("");
    expect(fs.existsSync(remote("app", "fix"))).toBe(false);
    expect((await mux(["workspace", "list", "--json"])).json()).toEqual([]);

    // A directory there that is not a Mux project directory at all is refused too.
    fs.rmSync(remote("app"), { recursive: true });
    fs.mkdirSync(remote("app"));
    fs.writeFileSync(remote("app", "notes.txt"), "mine\n");
    const plain = await mux(["workspace", "create", "fix", "--runtime", `ssh ${sshd.host}`], sshEnv());
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(`${remote("app")} exists and is not a Mux project directory`);
    expect(fs.readdirSync(remote("app"))).toEqual(["notes.txt"]);
  });
});
