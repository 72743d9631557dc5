import { ConfigError } from "../config/errors.js";
import { DockerRuntime } from "../runtime/docker.js";
import { containerNameFor, docker, explainDockerError, isNoSuchContainer } from "../runtime/dockerCli.js";
import { dockerShell, forgetDockerShell } from "../runtime/dockerShell.js";
import { shq } from "../tools/shellQuote.js";
import type { Project, Workspace } from "./config.js";
import { dockerRunOptions, readDockerConfig } from "./dockerConfig.js";
import { gitMaybe } from "./git.js";
import { DOCKER_WORKSPACE_PATH as CONTAINER_WORKSPACE } from "./registry/runtimeConfig.js";
import { captureOrError, copyMuxIgnoredTo, fetchBranchInto, recordLandedOn, sendHistory, startCommit } from "./remoteGit.js";
import type { RemoteWorkspaces } from "./remoteWorkspaces.js";

/** Where a Docker workspace's branch is kept locally once fetched (to merge, push or fork it). */
const FETCHED = "refs/mux/docker/";
/** PID 1 of a workspace container: idle, and quick to stop. */
const KEEP_ALIVE = ["bash", "-c", "trap 'exit 0' TERM; sleep infinity & wait"];

/**
 * Docker workspaces: one long-lived container per workspace (labelled with its ids), the
 * project inside it as a git repository filled from a bundle, so the host's working copy is never
 * mounted unless docker.json asks for a bind mount. Agent tools and terminals use `docker exec`.
 */
export class DockerWorkspaces implements RemoteWorkspaces {
  private runtimeIn(container: string, root = CONTAINER_WORKSPACE): DockerRuntime {
    return new DockerRuntime(root, dockerShell(container));
  }

  runtime(ws: Workspace): DockerRuntime {
    const rt = dockerRuntimeOf(ws);
    return this.runtimeIn(rt.container, rt.path || CONTAINER_WORKSPACE);
  }

  async prepare(_ws: Workspace): Promise<void> {}

  async create(ws: Workspace, project: Project): Promise<void> {
    const rt = dockerRuntimeOf(ws);
    const config = readDockerConfig(project.path);
    // Chosen when the workspace was recorded (see dockerImageFor).
    const image = rt.image;
    const container = rt.container || containerNameFor(project.path, ws.name);
    const run = await docker(
      [
        "run",
        "-d",
        "--name",
        container,
        "--label",
        `mux.workspace=${ws.id}`,
        "--label",
        `mux.project=${project.path}`,
        ...dockerRunOptions(config),
        image,
        ...KEEP_ALIVE,
      ],
      { timeoutMs: 10 * 60_000 },
    );
    if (run.code !== 0) {
      if (/already in use/.test(run.stderr))
        throw new ConfigError(`a container named ${container} already exists: remove it (docker rm -f ${container}) or pick another name`);
      throw new ConfigError(`creating the container for "${ws.name}" from ${image} failed: ${explainDockerError(run.stderr)}`);
    }
    try {
      const inside = this.runtimeIn(container, "/");
      const identity = await gitIdentity(project.path);
      const init = await captureOrError(
        inside,
        `set -e\nmkdir -p ${CONTAINER_WORKSPACE}\ngit init -q ${CONTAINER_WORKSPACE}\ncd ${CONTAINER_WORKSPACE}\ngit config mux.projectPath ${shq(project.path)}\n${identity}`,
      );
      if (init.exitCode !== 0) throw new ConfigError(`preparing ${container} failed: ${init.stderr.trim() || "git is missing from the image?"}`);
      // Branches fetched from other Docker workspaces travel too: a fork starts from one of them.
      await sendHistory(inside, project.path, CONTAINER_WORKSPACE, [`+${FETCHED}*:refs/mux-local/docker/*`]);
      const base = await startCommit(project.path, ws.base ?? "HEAD");
      const checkout = await captureOrError(inside, `git -C ${CONTAINER_WORKSPACE} checkout -q -b ${shq(ws.branch!)} ${shq(base)}`);
      if (checkout.exitCode !== 0) throw new ConfigError(`creating branch ${ws.branch} in ${container} failed: ${checkout.stderr.trim()}`);
      await copyMuxIgnoredTo(inside, project.path, CONTAINER_WORKSPACE);
    } catch (err) {
      await docker(["rm", "-f", "-v", container]);
      throw err;
    }
    ws.runtime = { ...rt, image, container, path: CONTAINER_WORKSPACE };
  }

  async head(ws: Workspace): Promise<string> {
    const r = await captureOrError(this.runtime(ws), "git rev-parse --verify HEAD");
    if (r.exitCode !== 0) throw new ConfigError(`reading the HEAD of "${ws.name}" in its container failed: ${r.stderr.trim()}`);
    return r.stdout.trim();
  }

  /** A fork starts from the branch as it is in the container, brought here first so the fork's container receives it. */
  forkBase(ws: Workspace): Promise<string> {
    return this.fetchBranch(ws);
  }

  async rename(ws: Workspace, _name: string): Promise<string> {
    // Both apps find a workspace's container by its name, which is made from the workspace's.
    throw new ConfigError(`Docker workspace "${ws.name}" cannot be renamed (its container is named after it): fork it under the new name instead`);
  }

  async refreshBase(ws: Workspace): Promise<void> {
    await sendHistory(this.runtime(ws), ws.projectPath, CONTAINER_WORKSPACE, [`+${FETCHED}*:refs/mux-local/docker/*`]);
  }

  fetchBranch(ws: Workspace): Promise<string> {
    return fetchBranchInto(this.runtime(ws), ws.projectPath, ws.branch!, `${FETCHED}${ws.branch}`);
  }

  recordLanded(ws: Workspace, commit: string): Promise<void> {
    return recordLandedOn(this.runtime(ws), ws.branch!, commit);
  }

  /** The refs fetching the workspace's branch left in the local project. */
  localRefs(ws: Workspace): string[] {
    return [`${FETCHED}${ws.branch}`];
  }

  /**
   * Removes the container (and its anonymous volumes). Unless forced, first proves inside it that
   * this loses nothing; a check that fails (Docker down, the container broken) refuses the delete.
   */
  async remove(ws: Workspace, force: boolean): Promise<void> {
    const { container } = dockerRuntimeOf(ws);
    if (!container) return;
    const exists = await docker(["inspect", "-f", "{{.Id}}", container]);
    if (exists.code !== 0 && isNoSuchContainer(exists.stderr)) return;
    if (!force) {
      const check = await captureOrError(this.runtime(ws), `br=${shq(ws.branch ?? "")}\n${UNSAVED_WORK_SCRIPT}`);
      const counts = /^dirty=(\d+) unmerged=(\d+)$/m.exec(check.stdout);
      if (check.exitCode !== 0 || !counts) {
        throw new ConfigError(
          `cannot tell whether workspace "${ws.name}" has unsaved work in ${container}, so nothing was deleted: ${check.stderr.trim() || `exit ${check.exitCode}`}\n` +
            "Fix what it reports and try again, or use --force to delete it anyway.",
        );
      }
      const [dirty, unmerged] = counts.slice(1).map(Number);
      const problems = [dirty ? `${dirty} uncommitted change(s)` : "", unmerged ? `${unmerged} commit(s) on no other branch or remote` : ""].filter(Boolean);
      if (problems.length) throw new ConfigError(`workspace "${ws.name}" has ${problems.join(" and ")} in ${container}; use --force to delete anyway`);
    }
    const rm = await docker(["rm", "-f", "-v", container]);
    if (rm.code !== 0 && !isNoSuchContainer(rm.stderr)) throw new ConfigError(`removing ${container} failed: ${explainDockerError(rm.stderr)}`);
    forgetDockerShell(container);
  }
}

function dockerRuntimeOf(ws: Workspace): Extract<Workspace["runtime"], { type: "docker" }> {
  if (ws.runtime.type !== "docker") throw new ConfigError(`workspace "${ws.name}" is not a Docker workspace`);
  return ws.runtime;
}

/**
 * The project's git author as commands that set it (`scope`: `--global` for a container's user),
 * for commits made in a container, which has no ~/.gitconfig of the user's.
 */
export async function gitIdentity(projectPath: string, scope = ""): Promise<string> {
  const lines: string[] = [];
  for (const key of ["user.name", "user.email"]) {
    const value = (await gitMaybe(projectPath, ["config", key]))?.trim();
    if (value) lines.push(`git config ${scope ? `${scope} ` : ""}${key} ${shq(value)}`);
  }
  return lines.join("\n");
}

/**
 * Counts in the workspace (cwd) what removing the container would lose, as `dirty=N unmerged=N`:
 * uncommitted files, and commits of the branch that no branch sent from the project (nor a
 * landed record) holds. Any git failure exits non-zero instead (pipefail).
 */
const UNSAVED_WORK_SCRIPT = `set -eo pipefail
dirty=$(git status --porcelain | wc -l)
tip=HEAD
if [ -n "$br" ] && git show-ref --verify --quiet "refs/heads/$br"; then tip="refs/heads/$br"; fi
unmerged=$(git rev-list "$tip" --not --glob='refs/mux-local/*' | wc -l)
echo "dirty=$dirty unmerged=$unmerged"`;
