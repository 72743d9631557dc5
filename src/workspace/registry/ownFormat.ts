import { MuxConfigSchema } from "../schemas.js";
import type { Decoded } from "./decode.js";
import { encodeRegistry } from "./encode.js";
import { isObject, type RawObject, type RawRegistry, RegistryFormatError } from "./raw.js";

/**
 * True for a registry in the format this Mux wrote before it shared the original's: objects in
 * `projects`, and every workspace in a top-level `workspaces` list.
 */
export function isOwnFormat(doc: RawObject): boolean {
  return "workspaces" in doc || (Array.isArray(doc.projects) && doc.projects.some((p) => isObject(p)));
}

const PROJECT_FIELDS = new Set(["path", "name", "addedAt", "dirName"]);
const WORKSPACE_FIELDS = new Set(["id", "projectPath", "name", "title", "branch", "base", "runtime", "createdAt", "settings", "forkedFrom"]);

/**
 * The same registry in the shared format: each workspace nested in its project, in the
 * original's shape, with every key this Mux did not know carried over at its level.
 */
export function ownFormatToShared(doc: RawObject): RawRegistry {
  const parsed = MuxConfigSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryFormatError(issue.path.join("."), issue.message);
  }
  const { version: _version, projects: _projects, workspaces: _workspaces, ...app } = doc;
  const empty: Decoded = { config: { version: 1, projects: [], workspaces: [] }, projects: new Map(), workspaces: new Map() };
  const shared = encodeRegistry({ projects: [], ...app }, empty, parsed.data);
  const rawProjects = new Map((doc.projects as RawObject[]).map((p) => [p.path, p]));
  const rawWorkspaces = new Map((doc.workspaces as RawObject[] | undefined)?.map((w) => [w.id, w]));
  for (const [projectPath, config] of shared.projects ?? []) {
    carryOver(config, rawProjects.get(projectPath), PROJECT_FIELDS);
    for (const ws of config.workspaces ?? []) carryOver(ws, rawWorkspaces.get(ws.id), WORKSPACE_FIELDS);
  }
  return shared;
}

/** Copies the fields of `from` this Mux did not know into `to`, never over one `to` has. */
function carryOver(to: RawObject, from: RawObject | undefined, known: Set<string>): void {
  for (const [key, value] of Object.entries(from ?? {})) if (!known.has(key) && !(key in to)) to[key] = value;
}
