import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/**
 * A `config.json` as the original Mux writes it (its public format: projects as `[path, config]`
 * pairs, workspaces nested in them, app-level settings beside), with every runtime it has, a
 * workspace from before ids and runtimes, a child task, one spanning two projects, and keys
 * neither app knows at every level. Written by tests; no real user's data.
 */
export function originalRegistry(p: { muxRoot: string; app: string; api: string }) {
  const src = path.join(p.muxRoot, "src");
  return {
    projects: [
      [
        p.app,
        {
          workspaces: [
            {
              path: path.join(src, "app", "feature-x"),
              id: "a1b2c3d4e5",
              name: "feature-x",
              title: "Add feature X",
              createdAt: "2025-06-01T10:00:00.000Z",
              aiSettingsByAgent: {
                plan: { model: "openai:gpt-5", thinkingLevel: "medium" },
                exec: { model: "anthropic:claude-sonnet-4-5", thinkingLevel: "high" },
              },
              runtimeConfig: { type: "worktree", srcBaseDir: src, bgOutputDir: "/tmp/mux-bashes" },
              aiSettings: { model: "anthropic:claude-sonnet-4-5", thinkingLevel: "high" },
              mcp: { disabledServers: ["github"] },
              sectionId: "bugs1234",
              unknownWorkspaceKey: { nested: [1, 2, { deep: true }] },
            },
            {
              // From before runtimes: a worktree (the original's default).
              path: path.join(src, "app", "legacy-ws"),
              id: "0f1e2d3c4b",
              name: "legacy-ws",
              createdAt: "2024-11-20T08:30:00.000Z",
            },
            {
              // The older name of a worktree runtime.
              path: path.join(src, "app", "old-local"),
              id: "9a8b7c6d5e",
              name: "old-local",
              createdAt: "2025-01-05T12:00:00.000Z",
              runtimeConfig: { type: "local", srcBaseDir: "~/.mux/src" },
            },
            {
              path: p.app,
              id: "1122334455",
              name: "here",
              createdAt: "2025-06-02T09:00:00.000Z",
              runtimeConfig: { type: "local" },
              aiSettings: { model: "openai:gpt-5", thinkingLevel: "xhigh" },
            },
            {
              // A child task the original's agent spawned.
              path: path.join(src, "app", "explore-7f3a"),
              id: "6677889900",
              name: "explore-7f3a",
              createdAt: "2025-06-03T09:00:00.000Z",
              runtimeConfig: { type: "worktree", srcBaseDir: src },
              parentWorkspaceId: "a1b2c3d4e5",
              agentType: "explore",
              taskStatus: "reported",
              reportedAt: "2025-06-03T09:10:00.000Z",
              taskTrunkBranch: "main",
              archivedAt: "2025-06-04T00:00:00.000Z",
            },
            // From before ids: only its directory.
            { path: path.join(src, "app", "ancient") },
          ],
          sections: [{ id: "bugs1234", name: "Bugs", color: "#ff6b6b", nextId: null }],
          idleCompactionHours: 24,
          runtimeEnablement: { docker: false },
          trusted: true,
          unknownProjectKey: "kept",
        },
      ],
      [
        p.api,
        {
          workspaces: [
            {
              path: "/home/dev/mux/api/remote-ws",
              id: "abcdef0123",
              name: "remote-ws",
              createdAt: "2025-05-01T00:00:00.000Z",
              runtimeConfig: { type: "ssh", host: "devbox", srcBaseDir: "/home/dev/mux", port: 2222, identityFile: "~/.ssh/id_dev" },
            },
            {
              path: "~/mux/api/coder-ws",
              id: "c0de000001",
              name: "coder-ws",
              createdAt: "2025-05-02T00:00:00.000Z",
              runtimeConfig: { type: "ssh", host: "coder://", srcBaseDir: "~/mux", coder: { workspaceName: "mux-coder-ws", template: "docker" } },
            },
            {
              path: path.join(src, "api", "dock"),
              id: "d0c4e40001",
              name: "dock",
              createdAt: "2025-05-03T00:00:00.000Z",
              runtimeConfig: { type: "docker", image: "node:20", containerName: "mux-api-dock", shareCredentials: true },
            },
            {
              path: path.join(src, "api", "devc"),
              id: "dece000001",
              name: "devc",
              createdAt: "2025-05-04T00:00:00.000Z",
              runtimeConfig: { type: "devcontainer", configPath: ".devcontainer/devcontainer.json" },
            },
          ],
          defaultRuntime: "worktree",
        },
      ],
      [
        "_multi",
        {
          workspaces: [
            {
              path: path.join(src, "_multi", "both"),
              id: "b0b0b0b0b0",
              name: "both",
              createdAt: "2025-06-05T00:00:00.000Z",
              runtimeConfig: { type: "worktree", srcBaseDir: src },
              projects: [
                { projectPath: p.app, projectName: "app" },
                { projectPath: p.api, projectName: "api" },
              ],
            },
          ],
        },
      ],
    ],
    taskSettings: { maxParallelAgentTasks: 3, maxTaskNestingDepth: 3 },
    defaultModel: "anthropic:claude-sonnet-4-5",
    hiddenModels: ["openai:gpt-4o"],
    agentAiDefaults: { exec: { modelString: "anthropic:claude-sonnet-4-5", thinkingLevel: "medium" } },
    featureFlagOverrides: { someFlag: "on" },
    viewedSplashScreens: ["welcome"],
    routePriority: ["direct"],
    coderWorkspaceArchiveBehavior: "stop",
    worktreeArchiveBehavior: "keep",
    deleteWorktreeOnArchive: false,
    apiServerPort: 0,
    unknownAppKey: { from: "a newer original" },
  };
}

export type OriginalRegistry = ReturnType<typeof originalRegistry>;

/** Writes it as the original does (2-space JSON, no newline at the end). */
export function writeOriginalRegistry(muxRoot: string, registry: object): string {
  const file = path.join(muxRoot, "config.json");
  fs.mkdirSync(muxRoot, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(registry, null, 2));
  return file;
}

/** Every workspace record in a registry document, by id (or path for one without). */
export function recordsOf(registry: { projects: unknown[] }): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [, config] of registry.projects as [string, { workspaces: Record<string, unknown>[] }][]) {
    for (const w of config.workspaces) out.set((w.id as string | undefined) ?? (w.path as string), w);
  }
  return out;
}

// ── the original's schema, as its public source defines it (the fields it types; zod drops the rest) ──

const ThinkingLevel = z.enum(["off", "low", "medium", "high", "xhigh", "max"]);
const AiSettings = z.object({ model: z.string(), thinkingLevel: ThinkingLevel });
const RuntimeConfig = z.union([
  z.object({ type: z.literal("local"), srcBaseDir: z.string(), bgOutputDir: z.string().optional() }),
  z.object({ type: z.literal("local"), bgOutputDir: z.string().optional() }),
  z.object({ type: z.literal("worktree"), srcBaseDir: z.string(), bgOutputDir: z.string().optional() }),
  z.object({
    type: z.literal("ssh"),
    host: z.string(),
    srcBaseDir: z.string(),
    identityFile: z.string().optional(),
    port: z.number().optional(),
    coder: z.object({ workspaceName: z.string().optional(), template: z.string().optional() }).optional(),
  }),
  z.object({ type: z.literal("docker"), image: z.string(), containerName: z.string().optional(), shareCredentials: z.boolean().optional() }),
  z.object({ type: z.literal("devcontainer"), configPath: z.string(), shareCredentials: z.boolean().optional() }),
]);
const WorkspaceConfig = z.object({
  path: z.string(),
  id: z.string().optional(),
  name: z.string().optional(),
  title: z.string().optional(),
  createdAt: z.iso.datetime().optional(),
  aiSettingsByAgent: z.record(z.string().min(1), AiSettings).optional(),
  runtimeConfig: RuntimeConfig.optional(),
  aiSettings: AiSettings.optional(),
  parentWorkspaceId: z.string().optional(),
  agentType: z.string().optional(),
  taskStatus: z.enum(["queued", "running", "awaiting_report", "interrupted", "reported"]).optional(),
  reportedAt: z.string().optional(),
  taskTrunkBranch: z.string().optional(),
  archivedAt: z.string().optional(),
  sectionId: z.string().optional(),
});
const ProjectConfig = z.object({
  workspaces: z.array(WorkspaceConfig),
  sections: z.array(z.object({ id: z.string(), name: z.string(), color: z.string().optional(), nextId: z.string().nullable().optional() })).optional(),
  idleCompactionHours: z.number().min(1).nullable().optional(),
  trusted: z.boolean().optional(),
});
/** What the original reads: it fails on nothing else, so neither may what we write. */
export const OriginalRegistrySchema = z.object({ projects: z.array(z.tuple([z.string(), ProjectConfig])) });
