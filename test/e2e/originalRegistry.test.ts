import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitIn, makeRepo } from "../helpers/git.js";
import { runMux, tempDirs } from "../helpers/mux.js";
import { OriginalRegistrySchema, originalRegistry, recordsOf, writeOriginalRegistry } from "../helpers/originalRegistry.js";
import { connect, type ServerProcess, startServer } from "../helpers/server.js";

let dirs: ReturnType<typeof tempDirs>;
let app: string;
let api: string;
let sshConfig: string;
let server: ServerProcess | undefined;
beforeEach(() => {
  dirs = tempDirs();
  app = makeRepo(path.join(dirs.base, "app"));
  api = makeRepo(path.join(dirs.base, "api"));
  // The fixture's SSH host must fail fast and never reach a real machine.
  sshConfig = path.join(dirs.base, "ssh_config");
  fs.writeFileSync(sshConfig, "Host devbox\n  HostName 127.0.0.1\n  Port 1\n  ConnectTimeout 2\n");
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  dirs.cleanup();
});

const mux = async (muxRoot: string, args: string[], cwd = app) => {
  const r = await runMux(args, { cwd, env: { MUX_ROOT: muxRoot, MUX_SSH_CONFIG: sshConfig } });
  return { ...r, json: () => JSON.parse(r.stdout) };
};

/** The original's worktree for `name`, made as it makes them: `git worktree add -b <name>`. */
const originalWorktree = (srcRoot: string, name: string) => gitIn(app, "worktree", "add", "-q", "-b", name, path.join(srcRoot, "src", "app", name));

describe("a ~/.mux written by the original Mux", () => {
  it("shows its projects and workspaces in the CLI and the web app's list, and nothing is reported corrupt", { timeout: 120_000 }, async () => {
    originalWorktree(dirs.muxRoot, "feature-x");
    const registry = originalRegistry({ muxRoot: dirs.muxRoot, app, api });
    // In the host's home, which an unreachable host cannot tell: the list goes on without its status.
    (recordsOf(registry).get("abcdef0123") as { path: string }).path = "~/mux/api/remote-ws";
    const file = writeOriginalRegistry(dirs.muxRoot, registry);
    const before = fs.readFileSync(file, "utf8");

    const projects = await mux(dirs.muxRoot, ["project", "list", "--json"]);
    expect(projects.code, projects.stderr).toBe(0);
    expect(projects.json().map((p: { path: string }) => p.path)).toEqual([app, api]);

    const list = await mux(dirs.muxRoot, ["workspace", "list", "--all", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const rows = new Map(list.json().map((w: { name: string }) => [w.name, w]));
    expect([...rows.keys()].sort()).toEqual(
      ["ancient", "both", "coder-ws", "devc", "dock", "explore-7f3a", "feature-x", "here", "legacy-ws", "old-local", "remote-ws"].sort(),
    );
    expect(rows.get("feature-x")).toMatchObject({ id: "a1b2c3d4e5", health: "ok", runtime: { type: "worktree" }, git: { ahead: 0, behind: 0 } });
    expect(rows.get("here")).toMatchObject({ health: "ok", runtime: { type: "local" }, settings: { model: "openai:gpt-5", thinking: "max" } });
    expect(rows.get("legacy-ws")).toMatchObject({ health: "missing-worktree" });
    expect(rows.get("remote-ws")).toMatchObject({ runtime: { type: "ssh", host: "devbox", path: "~/mux/api/remote-ws" }, git: null });
    expect(rows.get("dock")).toMatchObject({ runtime: { type: "docker", image: "node:20", container: "mux-api-dock", path: "/src" } });

    const table = await mux(dirs.muxRoot, ["workspace", "list", "--all"]);
    expect(table.stdout).toMatch(/dock\td0c4e40001\tdocker\t.*mux-api-dock:\/src/);
    expect(table.stdout).toMatch(/devc\tdece000001\tdevcontainer\t/);
    // Its Coder workspace, reached with the coder CLI, which this machine lacks: each use says so.
    expect(table.stdout).toMatch(/coder-ws\t.*\tssh\t.*coder:mux-coder-ws:~\/mux\/api\/coder-ws/);
    const refused = await mux(dirs.muxRoot, ["workspace", "delete", "coder-ws", "--project", api, "--coder", "stop", "--force"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the coder command is not installed");
    const run = await mux(dirs.muxRoot, ["run", "--workspace", "coder-ws", "hello"], api);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the coder command is not installed");

    server = await startServer({ muxRoot: dirs.muxRoot, env: { MUX_SSH_CONFIG: sshConfig } });
    const c = await connect(server);
    try {
      expect((await c.api.projects.list()).map((p) => p.path)).toEqual([app, api]);
      const summaries = new Map((await c.api.workspaces.list()).map((w) => [w.name, w]));
      expect(summaries.size).toBe(rows.size);
      expect(summaries.get("feature-x")).toMatchObject({ id: "a1b2c3d4e5", title: "Add feature X", runtime: { type: "worktree" } });
      expect(summaries.get("coder-ws")).toMatchObject({ health: "ok", runtime: { type: "ssh", coder: { workspaceName: "mux-coder-ws" } } });
      expect(summaries.get("both")).toMatchObject({ health: "unsupported-runtime" });
      expect(summaries.get("devc")).toMatchObject({ runtime: { type: "devcontainer" } });
      await expect(c.api.chat.send({ workspaceId: "b0b0b0b0b0", text: "hi" })).rejects.toThrow("spans several projects");
    } finally {
      c.close();
    }
    expect(server.output().stderr).not.toContain("corrupt");
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });
});

describe("~/.mux as a link to ~/.xum", () => {
  /** `.xum` holds the data (spelled that way in the registry); MUX_ROOT is the `.mux` link. */
  function linkedRoot() {
    const xum = path.join(dirs.base, ".xum");
    const mux = path.join(dirs.base, ".mux");
    fs.mkdirSync(xum);
    fs.symlinkSync(xum, mux);
    originalWorktree(xum, "feature-x");
    writeOriginalRegistry(xum, originalRegistry({ muxRoot: xum, app, api }));
    return { xum, mux };
  }

  it("creates, renames and deletes workspaces through the link, which stays a link", { timeout: 60_000 }, async () => {
    const { xum, mux: muxRoot } = linkedRoot();
    const created = await mux(muxRoot, ["workspace", "create", "through-link", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const renamed = await mux(muxRoot, ["workspace", "rename", "feature-x", "feature-z", "--json"]);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(gitIn(path.join(xum, "src/app/feature-z"), "branch", "--show-current")).toBe("feature-z");

    const list = (await mux(muxRoot, ["workspace", "list", "--json"])).json();
    const health = Object.fromEntries(list.map((w: { name: string; health: string }) => [w.name, w.health]));
    expect(health).toMatchObject({ "through-link": "ok", "feature-z": "ok" });
    expect((await mux(muxRoot, ["workspace", "delete", "through-link"])).code).toBe(0);
    expect((await mux(muxRoot, ["workspace", "delete", "feature-z"])).code).toBe(0);

    expect(fs.lstatSync(muxRoot).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(xum, "config.json")).isFile()).toBe(true);
    expect(fs.readdirSync(xum).filter((f) => f.startsWith(".") || f.endsWith(".lock"))).toEqual([]);
    const registry = JSON.parse(fs.readFileSync(path.join(xum, "config.json"), "utf8"));
    expect(OriginalRegistrySchema.safeParse(registry).error).toBeUndefined();
    const records = recordsOf(registry);
    expect(records.has("a1b2c3d4e5")).toBe(false);
    expect(records.get("d0c4e40001")).toMatchObject({ runtimeConfig: { type: "docker", image: "node:20" } });
  });

  it("a config.json that is itself a link stays one, and its target gets the new registry", { timeout: 60_000 }, async () => {
    const { xum, mux: muxRoot } = linkedRoot();
    const dotfiles = path.join(dirs.base, "dotfiles");
    fs.mkdirSync(dotfiles);
    fs.renameSync(path.join(xum, "config.json"), path.join(dotfiles, "mux.json"));
    fs.symlinkSync(path.join(dotfiles, "mux.json"), path.join(xum, "config.json"));

    const created = await mux(muxRoot, ["workspace", "create", "via-file-link", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    expect(fs.lstatSync(path.join(xum, "config.json")).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(dotfiles)).toEqual(["mux.json"]);
    expect(recordsOf(JSON.parse(fs.readFileSync(path.join(dotfiles, "mux.json"), "utf8"))).get(created.json().id)).toMatchObject({ name: "via-file-link" });
  });
});
