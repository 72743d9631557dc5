import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { SshConnection, SshRuntime } from "../runtime/ssh.js";
import { execCapture } from "../runtime/types.js";
import { shq } from "../tools/shellQuote.js";
import type { Project, Workspace } from "./config.js";
import { projectDirName } from "./projectDirs.js";
import { captureOrError, copyMuxIgnoredTo, fetchBranchInto, recordLandedOn, sendHistory, startCommit } from "./remoteGit.js";
import type { RemoteWorkspaces } from "./remoteWorkspaces.js";

export interface SshWorkspacesOptions {
  /** Where ControlMaster sockets live (MUX_ROOT/ssh). */
  controlDir: string;
  /** An ssh_config file passed as -F (MUX_SSH_CONFIG); the user's ~/.ssh/config otherwise. */
  configFile?: string;
  /** Remote directory holding projects; `~/mux` by default (MUX_SSH_REMOTE_ROOT). */
  remoteRoot?: string;
}

/**
 * SSH workspaces: the project travels as a git bundle into a bare repository on the host
 * (`~/mux/<project>/.base.git`), and each workspace is a remote worktree beside it. Nothing of
 * the user's local credentials is forwarded; one shared ssh connection per host.
 */
export class SshWorkspaces implements RemoteWorkspaces {
  private readonly connections = new Map<string, SshConnection>();
  /** Each host's home directory, once asked: the original Mux records paths there as `~/…`. */
  private readonly homes = new Map<string, string>();
  /** ssh options particular to a host (a Coder workspace's ProxyCommand), set before its first use. */
  private readonly hostOptions = new Map<string, string[]>();

  constructor(private readonly options: SshWorkspacesOptions) {}

  /** Reaches `host` with these extra ssh options from now on (a Coder workspace through `coder ssh`). */
  route(host: string, extraOptions: string[]): void {
    const known = this.hostOptions.get(host);
    if (known && known.join("\0") === extraOptions.join("\0")) return;
    this.hostOptions.set(host, extraOptions);
    this.connections.delete(host);
  }

  /** Ends the shared connection to `host` (its other side is going away). */
  /** Closes the shared connection to `host`, whichever Mux process opened it. */
  async disconnect(host: string): Promise<void> {
    const c = this.connection(host);
    this.connections.delete(host);
    await c.close();
  }

  private connection(host: string): SshConnection {
    let c = this.connections.get(host);
    if (!c) {
      const extraOptions = this.hostOptions.get(host);
      c = new SshConnection({ host, controlDir: this.options.controlDir, configFile: this.options.configFile, extraOptions });
      this.connections.set(host, c);
    }
    return c;
  }

  private runtimeAt(host: string, root: string): SshRuntime {
    return new SshRuntime({ host, root, controlDir: this.options.controlDir, connection: this.connection(host) });
  }

  runtime(ws: Workspace): SshRuntime {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path) throw new ConfigError(`workspace "${ws.name}" has no remote path`);
    const dir = this.onHost(ws.runtime.host, ws.runtime.path);
    if (!dir) throw new ConfigError(`workspace "${ws.name}" is at ${ws.runtime.path} on ${ws.runtime.host}, whose home directory is not known yet`);
    return this.runtimeAt(ws.runtime.host, dir);
  }

  /** Learns the host's home directory when the workspace's path starts with `~` (see onHost). */
  async prepare(ws: Workspace): Promise<void> {
    if (ws.runtime.type === "ssh" && isHomeRelative(ws.runtime.path)) await this.home(ws.runtime.host);
  }

  /** The host's home directory, asked once. */
  private async home(host: string): Promise<string> {
    const known = this.homes.get(host);
    if (known) return known;
    const r = await execCapture(this.runtimeAt(host, "/"), 'printf %s "$HOME"');
    if (r.exitCode !== 0 || !r.stdout.startsWith("/")) throw new ConfigError(`cannot reach ${host}: ${r.stderr.trim() || "no home directory"}`);
    this.homes.set(host, r.stdout);
    return r.stdout;
  }

  /** `p` as an absolute path on the host (`~/x` in its home), or undefined while the home is unknown. */
  private onHost(host: string, p: string): string | undefined {
    if (!isHomeRelative(p)) return p;
    const home = this.homes.get(host);
    return home && path.posix.join(home, p.slice(1));
  }

  /** The project's directory on the host, with `~` resolved there. */
  private async remoteProjectDir(host: string, project: Project): Promise<string> {
    const root = this.options.remoteRoot ?? "~/mux";
    const abs = isHomeRelative(root) ? path.posix.join(await this.home(host), root.slice(1)) : root;
    return path.posix.join(abs, projectDirName(project));
  }

  async create(ws: Workspace, project: Project): Promise<void> {
    if (ws.runtime.type !== "ssh") return;
    const host = ws.runtime.host;
    const projectDir = await this.remoteProjectDir(host, project);
    const bare = `${projectDir}/.base.git`;
    const worktree = `${projectDir}/${ws.name}`;
    const rt = this.runtimeAt(host, "/");

    // 1. The bare repo, once it is certain that it is this project's (before any bundle is sent).
    const claim = await captureOrError(rt, `set -e\nd=${shq(projectDir)} b=${shq(bare)} p=${shq(project.path)}\n${CLAIM_BASE_REPO_SCRIPT}`);
    if (claim.exitCode !== 0) throw new ConfigError(`cannot send ${project.path} to ${host}: ${claim.stderr.trim() || `exit ${claim.exitCode}`}`);

    // 2. The whole project history, as a bundle, into the bare repo (under refs/mux-local/).
    await sendHistory(rt, project.path, bare);

    // 3. The workspace: a remote worktree on a new branch at the base commit.
    const base = await startCommit(project.path, ws.base ?? "HEAD");
    const add = await execCapture(
      rt,
      `set -e
if git -C ${shq(bare)} show-ref --verify --quiet ${shq(`refs/heads/${ws.branch}`)}; then
  git -C ${shq(bare)} worktree add -q ${shq(worktree)} ${shq(ws.branch!)}
else
  git -C ${shq(bare)} worktree add -q -b ${shq(ws.branch!)} ${shq(worktree)} ${base}
fi`,
    );
    if (add.exitCode !== 0) throw new ConfigError(`creating the worktree on ${host} failed: ${add.stderr.trim()}`);

    // 4. Files git ignores but the project wants in every workspace (.muxignore).
    await copyMuxIgnoredTo(rt, project.path, worktree);
    ws.runtime.path = worktree;
  }

  /** Sends the project's branches as they are now to a workspace's host (its refs/mux-local/). */
  async refreshBase(ws: Workspace): Promise<void> {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path) throw new ConfigError(`workspace "${ws.name}" has no remote worktree`);
    await this.prepare(ws);
    const worktree = this.onHost(ws.runtime.host, ws.runtime.path)!;
    await sendHistory(this.runtimeAt(ws.runtime.host, "/"), ws.projectPath, `${path.posix.dirname(worktree)}/.base.git`);
  }

  /** A fork is made on the same host, from the worktree's HEAD there. */
  forkBase(ws: Workspace): Promise<string> {
    return this.head(ws);
  }

  localRefs(ws: Workspace): string[] {
    return [`refs/mux/ssh/${ws.branch}`];
  }

  /** The commit checked out in the remote worktree. */
  async head(ws: Workspace): Promise<string> {
    const host = ws.runtime.type === "ssh" ? ws.runtime.host : "";
    await this.prepare(ws);
    const r = await captureOrError(this.runtime(ws), "git rev-parse --verify HEAD");
    if (r.exitCode !== 0) throw new ConfigError(`reading the HEAD of "${ws.name}" on ${host} failed: ${r.stderr.trim()}`);
    return r.stdout.trim();
  }

  /**
   * Moves the remote worktree to `<project dir>/<name>` and renames its branch to `name`, undoing
   * the move if the branch rename fails, so the host never keeps half a rename. Returns the new path.
   */
  async rename(ws: Workspace, name: string): Promise<string> {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path || !ws.branch) throw new ConfigError(`workspace "${ws.name}" has no remote worktree`);
    const host = ws.runtime.host;
    await this.prepare(ws);
    const from = this.onHost(host, ws.runtime.path)!;
    const to = path.posix.join(path.posix.dirname(from), name);
    const bare = `${path.posix.dirname(from)}/.base.git`;
    const r = await captureOrError(
      this.runtimeAt(host, "/"),
      `set -e
b=${shq(bare)}
${ours(ws.name)}
if [ -e ${shq(to)} ]; then echo ${shq(`${to} already exists`)} >&2; exit 3; fi
if git -C "$b" show-ref --verify --quiet ${shq(`refs/heads/${name}`)}; then echo ${shq(`branch ${name} already exists`)} >&2; exit 3; fi
git -C "$b" worktree move ${shq(from)} ${shq(to)}
if ! git -C "$b" branch -m ${shq(ws.branch)} ${shq(name)}; then git -C "$b" worktree move ${shq(to)} ${shq(from)}; exit 1; fi`,
    );
    if (r.exitCode !== 0) throw new ConfigError(`renaming "${ws.name}" to "${name}" on ${host} failed: ${r.stderr.trim()}`);
    return to;
  }

  /**
   * Brings the workspace's branch from the host into the local project, as
   * `refs/mux/ssh/<branch>` (a git bundle through the ssh connection), and returns its tip.
   */
  async fetchBranch(ws: Workspace): Promise<string> {
    await this.prepare(ws);
    return fetchBranchInto(this.runtime(ws), ws.projectPath, ws.branch!, `refs/mux/ssh/${ws.branch}`);
  }

  /** Records on the host that `commit` has landed, where its safe delete looks (refs/mux-local/). */
  recordLanded(ws: Workspace, commit: string): Promise<void> {
    return recordLandedOn(this.runtime(ws), ws.branch!, commit);
  }

  /**
   * Deletes the remote worktree and its branch. Unless forced, first proves on the host that this
   * loses nothing; a check that fails (git refusing, the host unreachable) refuses the delete.
   */
  async remove(ws: Workspace, force: boolean): Promise<void> {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path) return;
    const host = ws.runtime.host;
    await this.prepare(ws);
    const worktree = this.onHost(host, ws.runtime.path)!;
    const bare = `${path.posix.dirname(worktree)}/.base.git`;
    const rt = this.runtimeAt(host, "/");
    const branch = ws.branch!;
    const vars = `wt=${shq(worktree)}\nb=${shq(bare)}\nbr=${shq(branch)}\n${ours(ws.name)}`;
    if (!force) {
      const check = await captureOrError(rt, `${vars}\n${UNSAVED_WORK_SCRIPT}`);
      const counts = /^dirty=(\d+) unmerged=(\d+) stray=(\d+)$/m.exec(check.stdout);
      if (check.exitCode !== 0 || !counts) {
        throw new ConfigError(
          `cannot tell whether workspace "${ws.name}" has unsaved work on ${host}, so nothing was deleted: ${check.stderr.trim() || `exit ${check.exitCode}`}\n` +
            "Fix what it reports and try again, or use --force to delete it anyway.",
        );
      }
      const [dirty, unmerged, stray] = counts.slice(1).map(Number);
      const problems = [
        dirty ? `${dirty} uncommitted change(s)` : "",
        unmerged ? `${unmerged} commit(s) on no other branch or remote` : "",
        stray ? `${stray} file(s) in ${worktree}, which is no longer a git worktree` : "",
      ].filter(Boolean);
      if (problems.length) throw new ConfigError(`workspace "${ws.name}" has ${problems.join(" and ")} on ${host}; use --force to delete anyway`);
    }
    // Only --force lets a directory go that git will not remove as a worktree; else it must be empty.
    const r = await captureOrError(
      rt,
      `${vars}
set -e
if [ -f "$wt/.git" ]; then
  git -C "$b" worktree remove --force "$wt"${force ? ' 2>/dev/null || rm -rf "$wt"' : ""}
elif [ -d "$wt" ]; then
  ${force ? 'rm -rf "$wt"' : 'rmdir "$wt"'}
fi
git -C "$b" worktree prune
git -C "$b" branch -D "$br" >/dev/null 2>&1 || true`,
    );
    if (r.exitCode !== 0) throw new ConfigError(`deleting the workspace on ${host} failed: ${r.stderr.trim()}`);
  }
}

function isHomeRelative(p: string): boolean {
  return p === "~" || p.startsWith("~/");
}

/**
 * Refuses (exit 3) unless `$b` is a base repository this Mux made: the original Mux keeps its
 * SSH workspaces another way (a `.mux-base.git`, or a clone each), which these scripts would
 * misread; a workspace it made there is renamed and deleted from it.
 */
function ours(name: string): string {
  const why = `workspace "${name}" was made on this host by the original Mux (no .base.git beside it): rename or delete it from the original Mux`;
  return `if ! [ -d "$b" ]; then echo ${shq(why)} >&2; exit 3; fi`;
}

/**
 * Makes sure `$b` is the base repository of local project `$p`, creating it in project dir `$d`
 * if needed. The repo records its project (git config mux.projectPath): a bundle fetched into
 * another project's repo would let workspaces start from that project's code. An unmarked repo,
 * made by a Mux from before the mark, is adopted; a directory `$d` holding anything else is refused.
 */
const CLAIM_BASE_REPO_SCRIPT = `if [ -d "$b" ]; then
  owner=$(git -C "$b" config --get mux.projectPath) || [ $? -eq 1 ]
  if [ -n "$owner" ] && [ "$owner" != "$p" ]; then
    echo "$b belongs to the project at $owner, not $p: move it away on the host, or set MUX_SSH_REMOTE_ROOT to use another directory" >&2
    exit 3
  fi
elif [ -e "$d" ] && [ -n "$(ls -A "$d")" ]; then
  echo "$d exists and is not a Mux project directory (it has no .base.git): move it away on the host, or set MUX_SSH_REMOTE_ROOT to use another directory" >&2
  exit 3
else
  mkdir -p "$d"
  git init -q --bare "$b"
fi
git -C "$b" config mux.projectPath "$p"`;

/**
 * Counts on the host what deleting `$wt` and branch `$br` of `$b` would lose, as
 * `dirty=N unmerged=N stray=N`; any git failure exits non-zero instead (pipefail).
 */
const UNSAVED_WORK_SCRIPT = `set -eo pipefail
dirty=0 unmerged=0 stray=0
if [ -f "$wt/.git" ]; then
  dirty=$(git -C "$wt" status --porcelain | wc -l)
elif [ -d "$wt" ]; then
  # Not a worktree any more: git there would answer for an enclosing repository, if any.
  stray=$(ls -A "$wt" | wc -l)
fi
if git -C "$b" show-ref --verify --quiet "refs/heads/$br"; then
  unmerged=$(git -C "$b" rev-list "refs/heads/$br" --not --exclude="$br" --branches --glob='refs/mux-local/*' | wc -l)
else
  rc=$?
  # show-ref exits 1 for a missing branch; anything else is git failing.
  if [ "$rc" -ne 1 ]; then exit "$rc"; fi
fi
echo "dirty=$dirty unmerged=$unmerged stray=$stray"`;
