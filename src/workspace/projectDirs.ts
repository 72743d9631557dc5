import { createHash } from "node:crypto";
import type { Project } from "./schemas.js";

/**
 * Where a project's workspaces live: `MUX_ROOT/src/<dir>/` here and `~/mux/<dir>/` on SSH hosts.
 * `<dir>` is the project's folder name, like the original mux's layout, unless another project
 * already uses it (`~/work/app` and `~/personal/app`): then the name plus a short hash of the path.
 * It is stored in the project record once chosen, so removing the other project never moves it.
 */
export function projectDirName(project: Project): string {
  return project.dirName ?? project.name;
}

/**
 * Chooses and stores the directory of every project that has none yet, in registry order: the
 * earliest of several same-named projects (all registered before directories were chosen, and
 * all sharing `<name>/` until now) keeps the plain name, whichever of them is used first.
 */
export function assignDirNames(projects: Project[]): void {
  for (const project of projects) {
    if (project.dirName) continue;
    const taken = new Set(projects.filter((p) => p !== project && p.dirName).map((p) => p.dirName));
    project.dirName = freeDirName(project, taken);
  }
}

function freeDirName(project: Project, taken: Set<string | undefined>): string {
  if (!taken.has(project.name)) return project.name;
  const hash = createHash("sha256").update(project.path).digest("hex");
  for (let length = 6; ; length += 2) {
    const candidate = `${project.name}-${hash.slice(0, length)}`;
    if (!taken.has(candidate) || length >= hash.length) return candidate;
  }
}
