import { createRequire } from "node:module";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { DockerRuntime } from "../runtime/docker.js";
import { docker, explainDockerError, runCaptured } from "../runtime/dockerCli.js";
import { dockerShell } from "../runtime/dockerShell.js";
import { execCapture } from "../runtime/types.js";
import type { Workspace } from "./config.js";
import { gitIdentity } from "./dockerWorkspaces.js";

/** The Dev Containers CLI (`@devcontainers/cli`) from Mux's own dependencies. */
function devcontainerCli(): string {
  return createRequire(import.meta.url).resolve("@devcontainers/cli/devcontainer.js");
}

type DevcontainerRuntime = Extract<Workspace["runtime"], { type: "devcontainer" }>;

function devcontainerOf(ws: Workspace): DevcontainerRuntime {
  if (ws.runtime.type !== "devcontainer") throw new ConfigError(`workspace "${ws.name}" is not a dev container workspace`);
  return ws.runtime;
}

/**
 * Dev container workspaces: a worktree on this machine (git, review and landing work on it as on
 * any worktree) opened in the project's dev container by the official Dev Containers CLI, which
 * builds or starts it, mounts the worktree and runs postCreateCommand. The project's .git is
 * mounted at the same path too, so git works inside. Tools and terminals run there via docker exec.
 */
export class Devcontainers {
  private readonly found = new Map<string, Promise<Opened>>();
  /** Containers found or started, by workspace id (what runtime() uses). */
  private readonly ready = new Map<string, Opened>();

  /**
   * `devcontainer up` for the workspace: builds or starts its container (idempotent), returns the
   * container and the workspace folder inside it.
   */
  async up(ws: Workspace): Promise<Opened> {
    const rt = devcontainerOf(ws);
    const config = path.resolve(rt.path, rt.configPath);
    const gitDir = path.join(ws.projectPath, ".git");
    const args = [
      devcontainerCli(),
      "up",
      "--workspace-folder",
      rt.path,
      "--config",
      config,
      "--mount",
      `type=bind,source=${gitDir},target=${gitDir}`,
      "--id-label",
      `mux.workspace=${ws.id}`,
    ];
    // Building an image can take long: the limit is for a CLI that hangs, not a slow build.
    const r = await runCaptured(process.execPath, args, { timeoutMs: 60 * 60_000 });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    let out: { outcome?: string; containerId?: string; remoteWorkspaceFolder?: string; message?: string; description?: string } = {};
    try {
      out = JSON.parse(line);
    } catch {
      // reported below
    }
    if (out.outcome !== "success" || !out.containerId) {
      const why = out.message || out.description || lastLine(r.stderr) || `exit ${r.code}`;
      throw new ConfigError(`starting the dev container of "${ws.name}" (${rt.configPath}) failed: ${why}`);
    }
    const opened = { container: out.containerId, folder: out.remoteWorkspaceFolder ?? `/workspaces/${path.basename(rt.path)}` };
    // The user's git author, unless the image sets one (the project's config is shared, not the user's).
    const identity = await gitIdentity(ws.projectPath, "--global");
    if (identity) {
      await execCapture(new DockerRuntime("/", dockerShell(opened.container)), `git config --global user.email >/dev/null || {\n${identity}\n}`).catch(
        () => {},
      );
    }
    this.ready.set(ws.id, opened);
    this.found.set(ws.id, Promise.resolve(opened));
    return opened;
  }

  /**
   * Finds the workspace's container (by Mux's label) and where the worktree is mounted in it,
   * or starts one with `devcontainer up` when there is none.
   */
  prepare(ws: Workspace): Promise<void> {
    let f = this.found.get(ws.id);
    if (!f) {
      f = this.find(ws).then((o) => o ?? this.up(ws));
      this.found.set(ws.id, f);
      f.catch(() => this.found.delete(ws.id));
    }
    return f.then((o) => {
      this.ready.set(ws.id, o);
    });
  }

  private async find(ws: Workspace): Promise<Opened | undefined> {
    const rt = devcontainerOf(ws);
    const ps = await docker(["ps", "-aq", "--filter", `label=mux.workspace=${ws.id}`]);
    const container = ps.code === 0 ? ps.stdout.trim().split("\n")[0] : "";
    if (!container) return undefined;
    const inspect = await docker(["inspect", "-f", "{{json .Mounts}}", container]);
    const mounts = inspect.code === 0 ? (JSON.parse(inspect.stdout) as { Source?: string; Destination?: string }[]) : [];
    const folder = mounts.find((m) => m.Source === rt.path)?.Destination;
    return folder ? { container, folder } : undefined;
  }

  /** The workspace's runtime inside its container; prepare() first. */
  runtime(ws: Workspace): DockerRuntime {
    const opened = this.ready.get(ws.id);
    if (!opened) throw new ConfigError(`the dev container of "${ws.name}" is not started yet`);
    return new DockerRuntime(opened.folder, dockerShell(opened.container), "devcontainer");
  }

  /** Removes the workspace's container(s); the worktree is removed as any worktree. */
  async remove(ws: Workspace): Promise<void> {
    this.found.delete(ws.id);
    this.ready.delete(ws.id);
    const ps = await docker(["ps", "-aq", "--filter", `label=mux.workspace=${ws.id}`]);
    const ids = ps.stdout.split("\n").filter(Boolean);
    if (!ids.length) return;
    const rm = await docker(["rm", "-f", "-v", ...ids]);
    if (rm.code !== 0) throw new ConfigError(`removing the dev container of "${ws.name}" failed: ${explainDockerError(rm.stderr)}`);
  }
}

interface Opened {
  container: string;
  folder: string;
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).pop() ?? "";
}
