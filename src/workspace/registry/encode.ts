import { isDeepStrictEqual } from "node:util";
import type { MuxConfig, Project, Workspace } from "../schemas.js";
import { writeSettings } from "./aiSettings.js";
import type { Decoded } from "./decode.js";
import { isObject, type RawObject, type RawProject, type RawRegistry, type RawWorkspace, stripTrailingSlashes } from "./raw.js";
import { rawPathFor, runtimeConfigFor } from "./runtimeConfig.js";

/**
 * Writes the changes from `decoded.config` (the registry as read) to `after` into the records it
 * was read from, in place: only what changed is written, so every field and key this Mux does
 * not know stays as it was and where it was. New projects and workspaces are appended in the
 * original's shape; removed ones are taken out of their project.
 */
export function encodeRegistry(doc: RawRegistry, decoded: Decoded, after: MuxConfig): RawRegistry {
  const before = decoded.config;
  if (before.editorLink !== after.editorLink) setOrDelete(doc, "editorLink", after.editorLink);
  if (before.defaultDockerImage !== after.defaultDockerImage) setOrDelete(doc, "defaultDockerImage", after.defaultDockerImage);
  const projects = new Map(decoded.projects);
  const list = (doc.projects ??= []);

  const beforeProjects = new Map(before.projects.map((p) => [p.path, p]));
  for (const project of after.projects) {
    const was = beforeProjects.get(project.path);
    const record = projects.get(project.path);
    if (was && record) writeProject(record[1], was, project);
    else if (!record) {
      const added: RawProject = [project.path, newProjectConfig(project)];
      list.push(added);
      projects.set(project.path, added);
    }
  }

  const beforeWorkspaces = new Map(before.workspaces.map((w) => [w.id, w]));
  const afterIds = new Set(after.workspaces.map((w) => w.id));
  for (const [id, record] of decoded.workspaces) {
    if (afterIds.has(id)) continue;
    for (const [, config] of list) {
      if (Array.isArray(config.workspaces)) config.workspaces = config.workspaces.filter((w) => w !== record);
    }
  }
  for (const ws of after.workspaces) {
    const was = beforeWorkspaces.get(ws.id);
    const record = decoded.workspaces.get(ws.id);
    if (was && record) writeWorkspace(record, was, ws);
    else {
      let project = projects.get(ws.projectPath);
      if (!project) {
        project = [ws.projectPath, { workspaces: [] }];
        list.push(project);
        projects.set(ws.projectPath, project);
      }
      (project[1].workspaces ??= []).push(newWorkspace(ws));
    }
  }

  // A removed project goes only once nothing is left in it (it may hold records not read as workspaces).
  const afterPaths = new Set(after.projects.map((p) => p.path));
  doc.projects = list.filter(([key, config]) => {
    const projectPath = stripTrailingSlashes(key);
    const removed = decoded.projects.has(projectPath) && !afterPaths.has(projectPath);
    return !(removed && (config.workspaces ?? []).length === 0);
  });
  return doc;
}

/** Ours: when it was added and its directory (see projectDirs.ts); the original keeps unknown project keys. */
function newProjectConfig(project: Project): RawProject[1] {
  const config: RawProject[1] = { workspaces: [], addedAt: project.addedAt };
  if (project.dirName) config.dirName = project.dirName;
  return config;
}

function writeProject(raw: RawProject[1], before: Project, after: Project): void {
  if (before.addedAt !== after.addedAt) raw.addedAt = after.addedAt;
  if (before.dirName !== after.dirName) setOrDelete(raw, "dirName", after.dirName);
  if (before.trusted !== after.trusted) setOrDelete(raw, "trusted", after.trusted || undefined);
}

/** A workspace in the original's shape and key order, with our fields after its own. */
function newWorkspace(ws: Workspace): RawWorkspace {
  const raw: RawWorkspace = { path: rawPathFor(ws.runtime, ws.projectPath), id: ws.id, name: ws.name };
  if (ws.title) raw.title = ws.title;
  raw.createdAt = new Date(ws.createdAt).toISOString();
  const runtimeConfig = runtimeConfigFor(ws.runtime);
  if (runtimeConfig) raw.runtimeConfig = runtimeConfig;
  writeSettings(raw, {}, ws.settings);
  if (ws.branch !== defaultBranch(ws)) raw.branch = ws.branch;
  if (ws.base !== null) raw.base = ws.base;
  if (ws.forkedFrom) raw.forkedFrom = ws.forkedFrom;
  if (ws.parentWorkspaceId) raw.parentWorkspaceId = ws.parentWorkspaceId;
  if (ws.taskStatus) raw.taskStatus = ws.taskStatus;
  return raw;
}

function writeWorkspace(raw: RawWorkspace, before: Workspace, after: Workspace): void {
  if (before.name !== after.name) raw.name = after.name;
  const dir = rawPathFor(after.runtime, after.projectPath);
  if (rawPathFor(before.runtime, before.projectPath) !== dir) raw.path = dir;
  const runtimeConfig = runtimeConfigFor(after.runtime);
  if (runtimeConfig && !isDeepStrictEqual(runtimeConfigFor(before.runtime), runtimeConfig)) {
    // Same kind of runtime: the original's other settings for it (port, identity file) stay.
    const old = raw.runtimeConfig as RawObject | undefined;
    const merged = old?.type === runtimeConfig.type ? { ...old, ...runtimeConfig } : runtimeConfig;
    // A Coder part's other fields (preset, template organization) stay as well.
    const [was, now] = [old?.coder, runtimeConfig.coder];
    if (isObject(was) && isObject(now)) merged.coder = { ...was, ...now };
    raw.runtimeConfig = merged;
  }
  if (before.title !== after.title) setOrDelete(raw, "title", after.title);
  if (before.createdAt !== after.createdAt) raw.createdAt = new Date(after.createdAt).toISOString();
  if (before.branch !== after.branch || before.name !== after.name) {
    if (after.branch === defaultBranch(after)) delete raw.branch;
    else raw.branch = after.branch;
  }
  if (before.base !== after.base) raw.base = after.base;
  if (before.forkedFrom !== after.forkedFrom) setOrDelete(raw, "forkedFrom", after.forkedFrom);
  if (before.parentWorkspaceId !== after.parentWorkspaceId) setOrDelete(raw, "parentWorkspaceId", after.parentWorkspaceId);
  if (before.taskStatus !== after.taskStatus) setOrDelete(raw, "taskStatus", after.taskStatus);
  writeSettings(raw, before.settings, after.settings);
}

/** The branch a workspace has when nothing says otherwise: its name, or none for a local one. */
function defaultBranch(ws: Workspace): string | null {
  return ws.runtime.type === "local" ? null : ws.name;
}

function setOrDelete(raw: RawObject, key: string, value: unknown): void {
  if (value === undefined) delete raw[key];
  else raw[key] = value;
}
