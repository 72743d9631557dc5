/**
 * The registry file as it is on disk, in the format the original Mux writes (and this Mux now
 * writes too): `projects` is a list of `[path, projectConfig]` pairs, each project's workspaces
 * nested in it. Only the fields this Mux relies on are typed; everything else is carried along
 * untouched, because the original app (or a newer version of it) owns it.
 */
export type RawObject = Record<string, unknown>;

export interface RawWorkspace extends RawObject {
  /** The workspace's directory: a worktree here, a directory on an SSH host, or the project itself. */
  path: string;
  id?: string;
  name?: string;
}

export interface RawProjectConfig extends RawObject {
  workspaces?: RawWorkspace[];
}

export type RawProject = [string, RawProjectConfig];

export interface RawRegistry extends RawObject {
  projects?: RawProject[];
}

export function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A problem that makes the file unreadable, at a JSON path (`projects.2.1.workspaces.0`). */
export class RegistryFormatError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at}: ${problem}`);
    this.name = "RegistryFormatError";
  }
}

/** `/a/b/` → `/a/b` (the original strips them too, so both name the same project). */
export function stripTrailingSlashes(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") || "/" : p;
}
