import { z } from "zod";
import { ModeSchema, ThinkingLevelSchema } from "../agent/basicSchemas.js";
import { EDITOR_NAMES, type EditorSetting, templateProblem } from "./editorLink.js";

/**
 * The registry as Mux works with it (and as it wrote config.json before it shared the original
 * Mux's format, which registry/ reads and writes). Browser-safe: no Node imports here.
 */

/**
 * The Coder workspace an SSH workspace lives in, reached through `coder ssh --stdio`; the same
 * fields as the original Mux's `runtimeConfig.coder`.
 */
export const CoderWorkspaceConfigSchema = z.object({
  workspaceName: z.string(),
  /** The template Mux created it from (absent when Mux attached to an existing one). */
  template: z.string().optional(),
  /** The template's organization, when the user is in several (the original's field). */
  templateOrg: z.string().optional(),
  /** The template's preset it was created with (the original's field). */
  preset: z.string().optional(),
  /** Template parameters given at creation (`coder create --parameter NAME=VALUE`); the original has no such field. */
  parameters: z.record(z.string(), z.string()).optional(),
  /** Mux attached to a workspace the user already had (and does not delete it unasked). */
  existingWorkspace: z.boolean().optional(),
});
export type CoderWorkspaceConfig = z.infer<typeof CoderWorkspaceConfigSchema>;

export const RuntimeConfigSchema = z.discriminatedUnion("type", [
  /** Runs in the project directory itself: no isolation. */
  z.object({ type: z.literal("local") }),
  /** A git worktree on this machine. */
  z.object({ type: z.literal("worktree"), path: z.string() }),
  /** A git worktree on a remote host reached with the system ssh (a Coder workspace's, with `coder`). */
  z.object({ type: z.literal("ssh"), host: z.string(), path: z.string(), coder: CoderWorkspaceConfigSchema.optional() }),
  /** A long-lived container made from `image`, the workspace at `path` inside it. */
  z.object({ type: z.literal("docker"), image: z.string(), container: z.string(), path: z.string() }),
  /** A worktree here (`path`) opened in the project's dev container (`configPath`, relative to the worktree). */
  z.object({ type: z.literal("devcontainer"), path: z.string(), configPath: z.string() }),
  /**
   * A runtime the original Mux has and this one does not yet (docker, devcontainer, coder, a
   * workspace spanning several projects, or one from a newer version): listed, never used.
   */
  z.object({ type: z.literal("unsupported"), kind: z.string(), path: z.string() }),
]);
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;
export type RemoteRuntimeConfig = Extract<RuntimeConfig, { type: "ssh" | "docker" }>;

/** Runtimes whose files live elsewhere (a host, a container) and reach this machine only through git bundles. */
export function isRemote(runtime: RuntimeConfig): runtime is RemoteRuntimeConfig {
  return runtime.type === "ssh" || runtime.type === "docker";
}

/** The Coder workspace an SSH workspace is in, if it is in one. */
export function coderPart(runtime: RuntimeConfig): CoderWorkspaceConfig | undefined {
  return runtime.type === "ssh" ? runtime.coder : undefined;
}

/** The git worktree on this machine a workspace works in (a worktree, or a dev container's), if it has one. */
export function localWorktree(runtime: RuntimeConfig): string | undefined {
  return runtime.type === "worktree" || runtime.type === "devcontainer" ? runtime.path : undefined;
}

/** A Docker image reference as `docker run` takes it (`node:20`, `ghcr.io/org/img@sha256:…`): no spaces, no leading dash. */
export const DockerImageSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[a-zA-Z0-9][^\s]*$/, "an image like node:20 or ghcr.io/org/image:tag");

/** See editorLink.ts. */
export const EditorSettingSchema: z.ZodType<EditorSetting> = z.union([
  z.enum(EDITOR_NAMES),
  z
    .string()
    .trim()
    .max(500)
    .superRefine((t, ctx) => {
      const problem = templateProblem(t);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
]);

/** An agent's id is its file's name (`review.md` → `review`): lowercase letters, digits, `-` and `_`. */
export const AGENT_ID = /^[a-z0-9][a-z0-9_-]*$/;

export const WorkspaceSettingsSchema = z.object({
  model: z.string().optional(),
  mode: ModeSchema.optional(),
  /** A custom agent (`.mux/agents/ID.md`, `~/.mux/agents/ID.md`) the workspace runs as; its mode wins over `mode`. */
  agent: z.string().regex(AGENT_ID).optional(),
  thinking: ThinkingLevelSchema.optional(),
  /** How full the model's window (in %) may be before a turn compacts the chat first; 0: never (default 70). */
  autoCompactPercent: z.number().int().min(0).max(100).optional(),
  /** false: the agent is not offered web_fetch in this workspace (default: on). */
  webFetch: z.boolean().optional(),
});

/** A sub-agent task's state, as the original Mux records it (`taskStatus`). */
export const TaskStatusSchema = z.enum(["queued", "running", "awaiting_report", "interrupted", "reported"]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const WorkspaceSchema = z
  .object({
    id: z.string(),
    projectPath: z.string(),
    /** Human name; also the branch name for worktree and ssh workspaces. */
    name: z.string(),
    /** A longer human title (set by the original Mux; shown, not edited here). */
    title: z.string().optional(),
    /** The branch this workspace works on (null for local: whatever the project has checked out). */
    branch: z.string().nullable(),
    /** What ahead/behind and diffs are measured against. */
    base: z.string().nullable(),
    runtime: RuntimeConfigSchema,
    createdAt: z.number(),
    settings: WorkspaceSettingsSchema.default({}),
    forkedFrom: z.string().optional(),
    /** A sub-agent's workspace: the workspace whose agent started it (the `task` tool); the original's field. */
    parentWorkspaceId: z.string().optional(),
    /** Where a sub-agent's task is, in the original's words (it resumes or lists them by it). */
    taskStatus: TaskStatusSchema.optional(),
  })
  .loose();
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const ProjectSchema = z
  .object({
    path: z.string(),
    name: z.string(),
    addedAt: z.number(),
    /** The directory holding its workspaces (see projectDirs.ts); absent in records made before it. */
    dirName: z.string().optional(),
    /** The user trusts the repository's own settings that run programs (its `.mux/mcp.jsonc`); the original's flag. */
    trusted: z.boolean().optional(),
  })
  .loose();
export type Project = z.infer<typeof ProjectSchema>;

export const MuxConfigSchema = z
  .object({
    version: z.literal(1).default(1),
    projects: z.array(ProjectSchema).default([]),
    workspaces: z.array(WorkspaceSchema).default([]),
    /** The editor "Open in editor" opens (see editorLink.ts); absent: VS Code. */
    editorLink: EditorSettingSchema.optional(),
    /** The image of a Docker workspace when neither the user nor the project's .mux/docker.json names one (see dockerConfig.ts). */
    defaultDockerImage: DockerImageSchema.optional(),
  })
  .loose();
export type MuxConfig = z.infer<typeof MuxConfigSchema>;
