import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitIn, makeRepo } from "../../test/helpers/git.js";
import { OriginalRegistrySchema, originalRegistry, recordsOf, writeOriginalRegistry } from "../../test/helpers/originalRegistry.js";
import { formatModel, parseModelString } from "../providers/models.js";
import { ConfigStore } from "./config.js";
import { WorkspaceService } from "./service.js";

let base: string;
let root: string;
let app: string;
let api: string;
beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-shared-")));
  root = path.join(base, "mux-root");
  app = makeRepo(path.join(base, "app"));
  api = makeRepo(path.join(base, "api"));
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

const fixture = () => originalRegistry({ muxRoot: root, app, api });
const fileText = () => fs.readFileSync(path.join(root, "config.json"), "utf8");
const onDisk = () => JSON.parse(fileText());
const byId = (store: ConfigStore) => new Map(store.read().workspaces.map((w) => [w.id, w]));

describe("a config.json written by the original Mux", () => {
  it("lists its projects and workspaces, with their runtimes, names, times and model choices", () => {
    writeOriginalRegistry(root, fixture());
    const store = new ConfigStore(root);
    expect(store.read().projects.map((p) => [p.path, p.name])).toEqual([
      [app, "app"],
      [api, "api"],
    ]);
    const ws = byId(store);
    expect(ws.get("a1b2c3d4e5")).toMatchObject({
      projectPath: app,
      name: "feature-x",
      title: "Add feature X",
      branch: "feature-x",
      base: null,
      runtime: { type: "worktree", path: path.join(root, "src/app/feature-x") },
      createdAt: Date.parse("2025-06-01T10:00:00.000Z"),
      settings: { model: "anthropic:claude-sonnet-4-5", thinking: "high" },
    });
    expect(ws.get("0f1e2d3c4b")?.runtime).toEqual({ type: "worktree", path: path.join(root, "src/app/legacy-ws") });
    expect(ws.get("9a8b7c6d5e")?.runtime).toEqual({ type: "worktree", path: path.join(root, "src/app/old-local") });
    expect(ws.get("1122334455")).toMatchObject({ branch: null, runtime: { type: "local" }, settings: { model: "openai:gpt-5", thinking: "max" } });
    expect(ws.get("6677889900")?.base).toBe("main");
    expect(ws.get("abcdef0123")?.runtime).toEqual({ type: "ssh", host: "devbox", path: "/home/dev/mux/api/remote-ws" });
    // The original's Coder workspace: an SSH workspace reached through `coder ssh` (its placeholder host replaced).
    expect(ws.get("c0de000001")?.runtime).toEqual({
      type: "ssh",
      host: "mux-coder-ws.coder",
      path: "~/mux/api/coder-ws",
      coder: { workspaceName: "mux-coder-ws", template: "docker" },
    });
    // The original's Docker workspace: its container as it named it, the workspace at /src in it.
    expect(ws.get("d0c4e40001")?.runtime).toEqual({ type: "docker", image: "node:20", container: "mux-api-dock", path: "/src" });
    // The original's dev container workspace: its worktree here, opened in the project's dev container.
    expect(ws.get("dece000001")?.runtime).toMatchObject({ type: "devcontainer", configPath: ".devcontainer/devcontainer.json" });
    expect(ws.get("b0b0b0b0b0")).toMatchObject({ projectPath: app, runtime: { type: "unsupported", kind: "multi-project" } });
    // From before ids: named after its directory, with the id the original derives.
    expect(ws.get("app-ancient")).toMatchObject({ name: "ancient", createdAt: 0, runtime: { type: "worktree" } });
  });

  it("a project recorded through a link is found from its real directory, never registered twice", async () => {
    const linked = path.join(base, "link-to-app");
    fs.symlinkSync(app, linked);
    writeOriginalRegistry(root, originalRegistry({ muxRoot: root, app: linked, api }));
    const service = new WorkspaceService(root);
    expect((await service.addProject(app)).path).toBe(linked);
    expect(service.listProjects()).toHaveLength(2);
    expect((await service.listWorkspaces(app)).map((w) => w.name)).toContain("feature-x");
    expect(service.get("here", app).projectPath).toBe(linked);
  });

  it("a workspace from before ids keeps the id its chat was saved under", () => {
    writeOriginalRegistry(root, fixture());
    fs.mkdirSync(path.join(root, "sessions", "app-ancient"), { recursive: true });
    fs.writeFileSync(path.join(root, "sessions", "app-ancient", "metadata.json"), JSON.stringify({ id: "feedfacecafe", name: "ancient" }));
    expect(byId(new ConfigStore(root)).get("feedfacecafe")?.name).toBe("ancient");
  });

  it("is only read, never rewritten, when nothing is saved", async () => {
    writeOriginalRegistry(root, fixture());
    const before = fileText();
    const service = new WorkspaceService(root);
    service.listProjects();
    await service.listWorkspaces();
    service.get("feature-x", app);
    expect(fileText()).toBe(before);
  });

  it("a malformed entry is reported with the file and where it is, and the file is left as it is", async () => {
    const broken = { ...fixture(), projects: [...fixture().projects, "/not/a/pair"] };
    writeOriginalRegistry(root, broken);
    const before = fileText();
    const store = new ConfigStore(root);
    expect(() => store.read()).toThrow(`${path.join(root, "config.json")} is corrupt (projects.3: expected ["/path/to/project", { "workspaces": [...] }])`);
    await expect(store.update(() => {})).rejects.toThrow(/is corrupt/);
    expect(fileText()).toBe(before);
  });

  it("workspaces with a runtime this Mux lacks are refused by name when used, and kept", async () => {
    writeOriginalRegistry(root, fixture());
    const before = fileText();
    const service = new WorkspaceService(root);
    expect(() => service.runtime(service.get("both", app))).toThrow('workspace "both" spans several projects, which this Mux does not have yet');
    await expect(service.delete("both", { force: true })).rejects.toThrow("spans several projects");
    await expect(service.rename("both", "other")).rejects.toThrow("spans several projects");
    await expect(service.fork("both")).rejects.toThrow('workspace "both" spans several projects');
    expect(fileText()).toBe(before);
    const health = new Map((await service.listWorkspaces()).map((w) => [w.name, w.health]));
    expect(health.get("both")).toBe("unsupported-runtime");
    expect(health.get("dock")).toBe("ok");
  });
});

describe("writing a registry the original Mux shares", () => {
  it("every operation keeps every field the original wrote, and the result still parses as the original's", async () => {
    const original = fixture();
    writeOriginalRegistry(root, original);
    gitIn(app, "worktree", "add", "-q", "-b", "feature-x", path.join(root, "src/app/feature-x"));
    const extra = makeRepo(path.join(base, "extra"));
    const service = new WorkspaceService(root);

    await service.addProject(extra);
    const created = await service.create({ projectPath: app, name: "new-ws" });
    await service.rename("a1b2c3d4e5", "feature-y");
    const forked = await service.fork("a1b2c3d4e5");
    await service.updateSettings("1122334455", { model: "opus", thinking: "low" });
    await service.recreate("0f1e2d3c4b");
    await service.delete(created.id);
    await service.removeProject(extra);

    const result = onDisk();
    expect(OriginalRegistrySchema.safeParse(result).error).toBeUndefined();
    // App-level and project-level keys, all of them.
    const { projects: _p, ...appKeys } = original;
    expect(result).toMatchObject(appKeys);
    expect(result.projects.map(([p]: [string]) => p)).toEqual([app, api, "_multi"]);
    original.projects.forEach(([, config], i) => {
      const { workspaces: _w, ...projectKeys } = config as { workspaces: unknown };
      expect(result.projects[i][1]).toMatchObject(projectKeys);
    });
    // Every workspace record, field by field, in its order; only what was changed differs.
    const changed: Record<string, Record<string, unknown>> = {
      a1b2c3d4e5: { name: "feature-y", path: path.join(root, "src/app/feature-y") },
      "1122334455": { aiSettings: { model: formatModel(parseModelString("opus")), thinkingLevel: "low" } },
    };
    const after = recordsOf(result);
    for (const [key, record] of recordsOf(original)) {
      expect(after.get(key), key).toEqual({ ...record, ...changed[key] });
      expect(Object.keys(after.get(key) ?? {}), key).toEqual(Object.keys(record));
    }
    // The fork, in the original's shape, and nothing else new.
    expect(after.get(forked.id)).toMatchObject({
      path: path.join(root, "src/app/feature-y-fork"),
      id: forked.id,
      name: "feature-y-fork",
      runtimeConfig: { type: "worktree", srcBaseDir: path.join(root, "src") },
      aiSettings: { model: "anthropic:claude-sonnet-4-5", thinkingLevel: "high" },
      forkedFrom: "a1b2c3d4e5",
    });
    expect(new Date(after.get(forked.id)?.createdAt as string).getTime()).toBe(forked.createdAt);
    expect([...after.keys()].filter((k) => !recordsOf(original).has(k))).toEqual([forked.id]);
    expect(forked.id).toMatch(/^[0-9a-f]{10}$/);
    // And it reads back as what was done.
    const ws = byId(new ConfigStore(root));
    expect(ws.get("a1b2c3d4e5")).toMatchObject({ name: "feature-y", branch: "feature-y", runtime: { path: path.join(root, "src/app/feature-y") } });
    expect(ws.get("1122334455")?.settings).toEqual({ model: formatModel(parseModelString("opus")), thinking: "low" });
    expect(gitIn(path.join(root, "src/app/legacy-ws"), "branch", "--show-current")).toBe("legacy-ws");
  });

  it("reads the original's child tasks as sub-agents of their parent, and records their status where it keeps it", async () => {
    writeOriginalRegistry(root, fixture());
    const service = new WorkspaceService(root);
    expect(service.get("6677889900")).toMatchObject({ parentWorkspaceId: "a1b2c3d4e5", taskStatus: "reported" });
    expect(service.get("a1b2c3d4e5").parentWorkspaceId).toBeUndefined();
    await service.setTaskStatus("6677889900", "interrupted");
    const before = recordsOf(fixture()).get("6677889900");
    expect(recordsOf(onDisk()).get("6677889900")).toEqual({ ...before, taskStatus: "interrupted" });
    // A new child is written with the same fields.
    const child = await service.create({ projectPath: app, name: "helper", base: "main", parentWorkspaceId: "a1b2c3d4e5", taskStatus: "running" });
    expect(recordsOf(onDisk()).get(child.id)).toMatchObject({ parentWorkspaceId: "a1b2c3d4e5", taskStatus: "running" });
  });

  it("a model picked here is what the original sees, for the agent of the mode it was picked in", async () => {
    writeOriginalRegistry(root, fixture());
    const service = new WorkspaceService(root);
    await service.updateSettings("a1b2c3d4e5", { model: "openai:gpt-5-mini", thinking: "max" });
    const record = recordsOf(onDisk()).get("a1b2c3d4e5");
    expect(record?.aiSettings).toEqual({ model: "openai:gpt-5-mini", thinkingLevel: "xhigh" });
    expect(record?.aiSettingsByAgent).toEqual({
      plan: { model: "openai:gpt-5", thinkingLevel: "medium" },
      exec: { model: "openai:gpt-5-mini", thinkingLevel: "xhigh" },
    });
    await service.updateSettings("a1b2c3d4e5", { mode: "plan" });
    expect(service.get("a1b2c3d4e5").settings).toEqual({ model: "openai:gpt-5", thinking: "medium", mode: "plan" });
    await service.updateSettings("a1b2c3d4e5", { thinking: "low" });
    expect(recordsOf(onDisk()).get("a1b2c3d4e5")?.aiSettingsByAgent).toMatchObject({ plan: { model: "openai:gpt-5", thinkingLevel: "low" } });
  });

  it("a thinking level picked before any model is kept until a model gives it a place the original reads", async () => {
    writeOriginalRegistry(root, fixture());
    const service = new WorkspaceService(root);
    await service.updateSettings("0f1e2d3c4b", { thinking: "high" });
    expect(service.get("0f1e2d3c4b").settings).toEqual({ thinking: "high" });
    await service.updateSettings("0f1e2d3c4b", { model: "anthropic:claude-sonnet-4-5" });
    const record = recordsOf(onDisk()).get("0f1e2d3c4b");
    expect(record?.aiSettings).toEqual({ model: "anthropic:claude-sonnet-4-5", thinkingLevel: "high" });
    expect(record).not.toHaveProperty("thinking");
  });

  it("keeps a workspace's auto-compaction threshold in its record, and removes it when unset", async () => {
    writeOriginalRegistry(root, fixture());
    const service = new WorkspaceService(root);
    await service.updateSettings("0f1e2d3c4b", { autoCompactPercent: 0 });
    expect(recordsOf(onDisk()).get("0f1e2d3c4b")?.autoCompactPercent).toBe(0);
    expect(new WorkspaceService(root).get("0f1e2d3c4b").settings.autoCompactPercent).toBe(0);
    await service.updateSettings("0f1e2d3c4b", { autoCompactPercent: undefined });
    expect(recordsOf(onDisk()).get("0f1e2d3c4b")).not.toHaveProperty("autoCompactPercent");
  });

  it("keeps a workspace's web_fetch switch in its record, and removes it when unset", async () => {
    writeOriginalRegistry(root, fixture());
    const service = new WorkspaceService(root);
    await service.updateSettings("0f1e2d3c4b", { webFetch: false });
    expect(recordsOf(onDisk()).get("0f1e2d3c4b")?.webFetch).toBe(false);
    expect(new WorkspaceService(root).get("0f1e2d3c4b").settings.webFetch).toBe(false);
    await service.updateSettings("0f1e2d3c4b", { webFetch: undefined });
    expect(recordsOf(onDisk()).get("0f1e2d3c4b")).not.toHaveProperty("webFetch");
  });

  it("keeps the default Docker image at the top level beside the original's app settings, which stay as they were", async () => {
    writeOriginalRegistry(root, fixture());
    const before = onDisk();
    const store = new ConfigStore(root);
    await store.update((config) => {
      config.defaultDockerImage = "ghcr.io/acme/dev:1";
    });
    const after = onDisk();
    expect(after.defaultDockerImage).toBe("ghcr.io/acme/dev:1");
    const { defaultDockerImage: _, ...rest } = after;
    expect(rest).toEqual(before);
    expect(OriginalRegistrySchema.safeParse(after).error).toBeUndefined();
    expect(new ConfigStore(root).read().defaultDockerImage).toBe("ghcr.io/acme/dev:1");
    await store.update((config) => {
      config.defaultDockerImage = undefined;
    });
    expect(onDisk()).toEqual(before);
    // A value this Mux cannot use (written by hand) is left alone, and read as no default.
    fs.writeFileSync(path.join(root, "config.json"), JSON.stringify({ ...before, defaultDockerImage: "-rm me" }));
    expect(new ConfigStore(root).read().defaultDockerImage).toBeUndefined();
  });
});

describe("our own registry from before the shared format", () => {
  const ownFormat = () => ({
    version: 1,
    projects: [{ path: app, name: "app", addedAt: 1700000000000, dirName: "app", ownProjectKey: 1 }],
    workspaces: [
      {
        id: "Xy12Ab34Cd",
        projectPath: app,
        name: "mine",
        branch: "mine",
        base: "main",
        runtime: { type: "worktree", path: path.join(root, "src/app/mine") },
        createdAt: 1700000001000,
        settings: { model: "anthropic:claude-sonnet-4-5", thinking: "medium", mode: "plan" },
        ownWorkspaceKey: "kept",
      },
    ],
    ownAppKey: true,
  });

  it("is read as it is, and rewritten in the shared format at the first save, keeping every key", async () => {
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, "config.json"), JSON.stringify(ownFormat(), null, 2));
    const before = fileText();
    const service = new WorkspaceService(root);
    const mine = service.get("mine", app);
    expect(mine).toMatchObject({
      base: "main",
      createdAt: 1700000001000,
      settings: { model: "anthropic:claude-sonnet-4-5", thinking: "medium", mode: "plan" },
    });
    expect(fileText()).toBe(before);

    await service.updateSettings("mine", { thinking: "high" });
    const result = onDisk();
    expect(OriginalRegistrySchema.safeParse(result).error).toBeUndefined();
    expect(result).toEqual({
      projects: [
        [
          app,
          {
            workspaces: [
              {
                path: path.join(root, "src/app/mine"),
                id: "Xy12Ab34Cd",
                name: "mine",
                createdAt: new Date(1700000001000).toISOString(),
                runtimeConfig: { type: "worktree", srcBaseDir: path.join(root, "src") },
                mode: "plan",
                aiSettings: { model: "anthropic:claude-sonnet-4-5", thinkingLevel: "high" },
                base: "main",
                ownWorkspaceKey: "kept",
              },
            ],
            addedAt: 1700000000000,
            dirName: "app",
            ownProjectKey: 1,
          },
        ],
      ],
      ownAppKey: true,
    });
    expect(service.get("mine", app)).toMatchObject({ ...mine, settings: { ...mine.settings, thinking: "high" } });
  });
});
