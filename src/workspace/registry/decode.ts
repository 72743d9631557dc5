import * as fs from "node:fs";
import * as path from "node:path";
import { DockerImageSchema, EditorSettingSchema, type MuxConfig, type Project, TaskStatusSchema, type Workspace } from "../schemas.js";
import { settingsFromRaw } from "./aiSettings.js";
import { isObject, type RawProject, type RawRegistry, type RawWorkspace, RegistryFormatError, stripTrailingSlashes } from "./raw.js";
import { runtimeFromRaw } from "./runtimeConfig.js";

/** The registry as this Mux uses it, with the records each project and workspace came from. */
export interface Decoded {
  config: MuxConfig;
  projects: Map<string, RawProject>;
  workspaces: Map<string, RawWorkspace>;
}

/**
 * Reads the shared format (see raw.ts) into projects and workspaces. Only what this Mux needs
 * must be well-formed: each project a `[path, { ... }]` pair, each workspace an object with a
 * `path`; anything else unexpected is left alone, as the original leaves it. A key that is not
 * an absolute path (the original's `_multi` bucket) holds no project of its own.
 */
export function decodeRegistry(doc: RawRegistry, muxRoot: string): Decoded {
  const decoded: Decoded = { config: { version: 1, projects: [], workspaces: [] }, projects: new Map(), workspaces: new Map() };
  // Ours, at the top level (the original carries keys it does not know); a value we cannot use is left alone.
  const editor = EditorSettingSchema.safeParse(doc.editorLink);
  if (editor.success) decoded.config.editorLink = editor.data;
  const image = DockerImageSchema.safeParse(doc.defaultDockerImage);
  if (image.success) decoded.config.defaultDockerImage = image.data;
  if (doc.projects === undefined) return decoded;
  if (!Array.isArray(doc.projects)) throw new RegistryFormatError("projects", "expected a list of projects");
  doc.projects.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string" || !isObject(entry[1])) {
      throw new RegistryFormatError(`projects.${i}`, 'expected ["/path/to/project", { "workspaces": [...] }]');
    }
    const [key, projectConfig] = entry as RawProject;
    const projectPath = stripTrailingSlashes(key);
    if (path.isAbsolute(projectPath) && !decoded.projects.has(projectPath)) {
      decoded.projects.set(projectPath, entry as RawProject);
      decoded.config.projects.push(projectFromRaw(projectPath, projectConfig));
    }
    const workspaces: unknown = projectConfig.workspaces ?? [];
    if (!Array.isArray(workspaces)) throw new RegistryFormatError(`projects.${i}.1.workspaces`, "expected a list of workspaces");
    workspaces.forEach((raw: unknown, j) => {
      const at = `projects.${i}.1.workspaces.${j}`;
      if (!isObject(raw) || typeof raw.path !== "string") throw new RegistryFormatError(at, 'expected a workspace with a "path"');
      for (const field of ["id", "name"]) {
        if (raw[field] !== undefined && typeof raw[field] !== "string") throw new RegistryFormatError(`${at}.${field}`, "expected text");
      }
      const ws = workspaceFromRaw(raw as RawWorkspace, projectPath, muxRoot);
      // The same id twice: the first is the workspace (as the original finds it), the other is kept as it is.
      if (decoded.workspaces.has(ws.id)) return;
      decoded.workspaces.set(ws.id, raw as RawWorkspace);
      decoded.config.workspaces.push(ws);
    });
  });
  return decoded;
}

function projectFromRaw(projectPath: string, raw: RawProject[1]): Project {
  const project: Project = {
    path: projectPath,
    name: path.basename(projectPath),
    addedAt: typeof raw.addedAt === "number" ? raw.addedAt : 0,
  };
  if (typeof raw.dirName === "string" && raw.dirName) project.dirName = raw.dirName;
  if (raw.trusted === true) project.trusted = true;
  return project;
}

/**
 * One workspace. The original's fields give its identity, name, directory, runtime, creation time
 * and model choice; ours (`branch`, `base`, `forkedFrom`, `mode`) add what it has no word for,
 * and each has a default for when the original dropped it: the branch is the name (none for a
 * local workspace), the base is the trunk (found when needed), a task's trunk when it has one.
 */
function workspaceFromRaw(raw: RawWorkspace, bucket: string, muxRoot: string): Workspace {
  const attributed = Array.isArray(raw.projects) && isObject(raw.projects[0]) ? raw.projects[0].projectPath : undefined;
  const projectPath = typeof attributed === "string" ? stripTrailingSlashes(attributed) : bucket;
  const name = raw.name || path.basename(raw.path);
  const runtime = runtimeFromRaw(raw, projectPath, name);
  const ws: Workspace = {
    id: raw.id || legacyId(muxRoot, projectPath, raw.path),
    projectPath,
    name,
    branch: "branch" in raw && (typeof raw.branch === "string" || raw.branch === null) ? raw.branch : runtime.type === "local" ? null : name,
    base:
      "base" in raw && (typeof raw.base === "string" || raw.base === null) ? raw.base : typeof raw.taskTrunkBranch === "string" ? raw.taskTrunkBranch : null,
    runtime,
    createdAt: createdAtOf(raw.createdAt),
    settings: settingsFromRaw(raw),
  };
  if (typeof raw.title === "string" && raw.title) ws.title = raw.title;
  if (typeof raw.forkedFrom === "string") ws.forkedFrom = raw.forkedFrom;
  if (typeof raw.parentWorkspaceId === "string" && raw.parentWorkspaceId) ws.parentWorkspaceId = raw.parentWorkspaceId;
  const taskStatus = TaskStatusSchema.safeParse(raw.taskStatus);
  if (taskStatus.success) ws.taskStatus = taskStatus.data;
  return ws;
}

/** The original writes ISO 8601 text; ours wrote milliseconds. Unknown: 0 (sorted first). */
function createdAtOf(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : 0;
}

/**
 * The id of a workspace recorded before the original gave them ids, as the original finds it:
 * the one in `sessions/<project>-<dir>/metadata.json`, else `<project>-<dir>` itself (which is
 * also the directory of its chat).
 */
function legacyId(muxRoot: string, projectPath: string, workspacePath: string): string {
  const id = `${path.basename(projectPath)}-${path.basename(workspacePath)}`;
  try {
    const metadata: unknown = JSON.parse(fs.readFileSync(path.join(muxRoot, "sessions", id, "metadata.json"), "utf8"));
    if (isObject(metadata) && typeof metadata.id === "string" && metadata.id) return metadata.id;
  } catch {
    // no metadata (or unreadable): the derived id
  }
  return id;
}
