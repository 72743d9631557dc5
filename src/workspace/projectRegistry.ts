import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import type { ConfigStore, Project } from "./config.js";
import { assignDirNames } from "./projectDirs.js";
import { projectName, resolveProjectPath } from "./projects.js";

/** The projects in config.json: adding, trusting and forgetting them, under the config's lock. */

export async function setProjectTrusted(store: ConfigStore, input: string, trusted: boolean): Promise<Project> {
  const projectPath = await resolveProjectPath(input);
  return store.update((config) => {
    const project = sameProject(config.projects, projectPath);
    if (!project) throw new ConfigError(`${projectPath} is not a project of Mux (add it first: mux project add)`);
    project.trusted = trusted || undefined;
    return project;
  });
}

export async function addProject(store: ConfigStore, input: string): Promise<Project> {
  const projectPath = await resolveProjectPath(input);
  return store.update((config) => {
    let project = sameProject(config.projects, projectPath);
    if (!project) {
      project = { path: projectPath, name: projectName(projectPath), addedAt: Date.now() };
      config.projects.push(project);
    }
    assignDirNames(config.projects);
    return project;
  });
}

export async function removeProject(store: ConfigStore, input: string): Promise<void> {
  const projectPath = path.resolve(input);
  await store.update((config) => {
    const project = sameProject(config.projects, projectPath);
    if (!project) throw new ConfigError(`no project ${projectPath}`);
    const left = config.workspaces.filter((w) => w.projectPath === project.path);
    if (left.length > 0) {
      throw new ConfigError(`${project.path} still has workspaces (${left.map((w) => w.name).join(", ")}); delete them first`);
    }
    config.projects = config.projects.filter((p) => p !== project);
  });
}

/**
 * The registered project at `projectPath`: the same path, or one reaching the same directory
 * through links (the original Mux records a project's path as it was given, links and all).
 */
export function sameProject(projects: Project[], projectPath: string): Project | undefined {
  const exact = projects.find((p) => p.path === projectPath);
  if (exact) return exact;
  const real = safeRealpath(projectPath);
  return projects.find((p) => safeRealpath(p.path) === real);
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
