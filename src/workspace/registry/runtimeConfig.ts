import * as os from "node:os";
import * as path from "node:path";
import { coderHost, isCoderName } from "../../runtime/coderCli.js";
import { containerNameFor } from "../../runtime/dockerCli.js";
import type { RuntimeConfig } from "../schemas.js";
import { isObject, type RawObject, type RawWorkspace } from "./raw.js";

/** Where a Docker workspace is inside its container (both apps put it there). */
export const DOCKER_WORKSPACE_PATH = "/src";

/**
 * A workspace's runtime from its record. The original writes `runtimeConfig` beside `path` (the
 * workspace's directory, always `<srcBaseDir>/<project>/<name>` for worktrees and SSH):
 * - none at all: a workspace from before runtimes, a worktree (the original's default);
 * - `local` with a `srcBaseDir`: its older name for a worktree; without one, the project itself;
 * - `ssh` with a `coder` part: an SSH workspace in a Coder workspace (reached with `coder ssh`);
 * - `docker`: a container named `containerName` (or as the original names it), the workspace at /src;
 * - `devcontainer`: a worktree opened in the project's dev container (its `configPath`);
 * - anything newer: kept and listed, not usable here yet.
 * A workspace attributed to several projects (the original's `projects` list) is not usable either.
 */
export function runtimeFromRaw(raw: RawWorkspace, projectPath: string, name: string): RuntimeConfig {
  const dir = expandHome(raw.path);
  if (Array.isArray(raw.projects) && raw.projects.length > 1) return { type: "unsupported", kind: "multi-project", path: dir };
  const rc = raw.runtimeConfig;
  if (!isObject(rc)) return { type: "worktree", path: dir };
  switch (rc.type) {
    case "local":
      return typeof rc.srcBaseDir === "string" ? { type: "worktree", path: dir } : { type: "local" };
    case "worktree":
      return { type: "worktree", path: dir };
    case "ssh":
      if (rc.coder !== undefined) return coderFromRaw(rc.coder, rc.host, raw.path);
      if (typeof rc.host !== "string" || !rc.host) return { type: "unsupported", kind: "ssh without a host", path: raw.path };
      // The host's own path: a leading ~ is the home directory there, not here.
      return { type: "ssh", host: rc.host, path: raw.path };
    case "docker":
      if (typeof rc.image !== "string" || !rc.image) return { type: "unsupported", kind: "docker without an image", path: raw.path };
      return {
        type: "docker",
        image: rc.image,
        container: typeof rc.containerName === "string" && rc.containerName ? rc.containerName : containerNameFor(projectPath, name),
        path: DOCKER_WORKSPACE_PATH,
      };
    case "devcontainer":
      // A worktree here, like the original's own worktrees; its folder in the container is asked at start.
      return {
        type: "devcontainer",
        path: dir,
        configPath: typeof rc.configPath === "string" && rc.configPath ? rc.configPath : ".devcontainer/devcontainer.json",
      };
    default:
      return { type: "unsupported", kind: typeof rc.type === "string" && rc.type ? rc.type : "unknown", path: raw.path };
  }
}

/**
 * The `runtimeConfig` the original reads for a runtime of ours. `srcBaseDir` is the directory two
 * levels up from the workspace (`<srcBaseDir>/<project>/<name>`). Undefined for a runtime this
 * Mux never makes (an unsupported one keeps whatever it had).
 */
export function runtimeConfigFor(runtime: RuntimeConfig): RawObject | undefined {
  switch (runtime.type) {
    case "local":
      return { type: "local" };
    case "worktree":
      return { type: "worktree", srcBaseDir: path.dirname(path.dirname(runtime.path)) };
    case "ssh":
      // Until the remote worktree exists its path is unknown: the original's default base then.
      return {
        type: "ssh",
        host: runtime.host,
        srcBaseDir: runtime.path ? path.posix.dirname(path.posix.dirname(runtime.path)) : "~/mux",
        ...(runtime.coder ? { coder: { ...runtime.coder } } : {}),
      };
    case "docker":
      return runtime.container ? { type: "docker", image: runtime.image, containerName: runtime.container } : { type: "docker", image: runtime.image };
    case "devcontainer":
      return { type: "devcontainer", configPath: runtime.configPath };
    case "unsupported":
      return undefined;
  }
}

/** The record's `path`: the workspace's directory (the project itself for a local workspace). */
export function rawPathFor(runtime: RuntimeConfig, projectPath: string): string {
  return runtime.type === "local" ? projectPath : runtime.path;
}

/** Why a workspace with this runtime cannot be used here, in words a user can act on. */
export function unsupportedRuntimeMessage(name: string, runtime: Extract<RuntimeConfig, { type: "unsupported" }>): string {
  const what = runtime.kind === "multi-project" ? "spans several projects" : `needs the ${runtime.kind} runtime`;
  return `workspace "${name}" ${what}, which this Mux does not have yet: use it from the original Mux`;
}

/** The original's `coder` part ({workspaceName, template, existingWorkspace…}); unusable without a valid name. */
function coderFromRaw(coder: unknown, host: unknown, rawPath: string): RuntimeConfig {
  const c = isObject(coder) ? coder : {};
  const workspaceName = typeof c.workspaceName === "string" ? c.workspaceName : "";
  if (!isCoderName(workspaceName)) return { type: "unsupported", kind: "coder without a workspace name", path: rawPath };
  return {
    type: "ssh",
    // The original may keep a placeholder (`coder://`) until the workspace is made.
    host: typeof host === "string" && /^[\w.-]+$/.test(host) ? host : coderHost(workspaceName),
    path: rawPath,
    coder: {
      workspaceName,
      ...(typeof c.template === "string" && c.template ? { template: c.template } : {}),
      ...(typeof c.templateOrg === "string" && c.templateOrg ? { templateOrg: c.templateOrg } : {}),
      ...(typeof c.preset === "string" && c.preset ? { preset: c.preset } : {}),
      ...(isObject(c.parameters) && Object.values(c.parameters).every((v) => typeof v === "string")
        ? { parameters: c.parameters as Record<string, string> }
        : {}),
      ...(c.existingWorkspace === true ? { existingWorkspace: true } : {}),
    },
  };
}

function expandHome(p: string): string {
  if (p === "~") return os.homedir();
  return p.startsWith("~/") ? path.join(os.homedir(), p.slice(2)) : p;
}
