import { spawn } from "node:child_process";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { SshConnection, SshRuntime } from "../runtime/ssh.js";
import { execCapture } from "../runtime/types.js";
import { shq } from "../tools/shellQuote.js";
import type { Project, Workspace } from "./config.js";
import { git } from "./git.js";
import { ignoredFilesToCopy } from "./muxignore.js";
import type { RemoteWorkspaces } from "./service.js";

export interface SshWorkspacesOptions {
  /** Where ControlMaster sockets live (MUX_ROOT/ssh). */
  controlDir: string;
  /** An ssh_config file passed as -F (MUX_SSH_CONFIG); the user's ~/.ssh/config otherwise. */
  configFile?: string;
  /** Remote directory holding projects; `~/mux` by default (MUX_SSH_REMOTE_ROOT). */
  remoteRoot?: string;
}

/** Streams a local command's stdout into a remote script's stdin. */
function localStream(cwd: string, cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  const done = new Promise<void>((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args[0]} failed: ${stderr.trim()}`)))),
  );
  return { stdout: child.stdout, done };
}

/**
 * SSH workspaces: the project travels as a git bundle into a bare repository on the host
 * (`~/mux/<project>/.base.git`), and each workspace is a remote worktree beside it. Nothing of
 * the user's local credentials is forwarded; one shared ssh connection per host.
 */
export class SshWorkspaces implements RemoteWorkspaces {
  private readonly connections = new Map<string, SshConnection>();

  constructor(private readonly options: SshWorkspacesOptions) {}

  private connection(host: string): SshConnection {
    let c = this.connections.get(host);
    if (!c) {
      c = new SshConnection({ host, controlDir: this.options.controlDir, configFile: this.options.configFile });
      this.connections.set(host, c);
    }
    return c;
  }

  private runtimeAt(host: string, root: string): SshRuntime {
    return new SshRuntime({ host, root, controlDir: this.options.controlDir, connection: this.connection(host) });
  }

  runtime(ws: Workspace): SshRuntime {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path) throw new ConfigError(`workspace "${ws.name}" has no remote path`);
    return this.runtimeAt(ws.runtime.host, ws.runtime.path);
  }

  /** The project's directory on the host, with `~` resolved there. */
  private async remoteProjectDir(host: string, project: Project): Promise<string> {
    const root = this.options.remoteRoot ?? "~/mux";
    const r = await execCapture(this.runtimeAt(host, "/"), 'printf %s "$HOME"');
    if (r.exitCode !== 0) throw new ConfigError(`cannot reach ${host}: ${r.stderr.trim()}`);
    const abs = root === "~" ? r.stdout : root.startsWith("~/") ? path.posix.join(r.stdout, root.slice(2)) : root;
    return path.posix.join(abs, project.name);
  }

  async create(ws: Workspace, project: Project): Promise<void> {
    if (ws.runtime.type !== "ssh") return;
    const host = ws.runtime.host;
    const projectDir = await this.remoteProjectDir(host, project);
    const bare = `${projectDir}/.base.git`;
    const worktree = `${projectDir}/${ws.name}`;
    const rt = this.runtimeAt(host, "/");

    // 1. The whole project history, as a bundle, into the bare repo (under refs/mux-local/).
    const bundle = localStream(project.path, "git", ["bundle", "create", "-", "--all"]);
    const fetch = await rt.execWithStdinStream(
      [
        "set -e",
        `mkdir -p ${shq(projectDir)}`,
        `test -d ${shq(bare)} || git init -q --bare ${shq(bare)}`,
        't=$(mktemp)',
        'trap \'rm -f "$t"\' EXIT',
        'cat > "$t"',
        `git -C ${shq(bare)} fetch -q "$t" '+refs/heads/*:refs/mux-local/heads/*' '+refs/remotes/*:refs/mux-local/remotes/*'`,
      ].join("\n"),
      bundle.stdout,
    );
    await bundle.done;
    if (fetch.exitCode !== 0) throw new ConfigError(`sending ${project.name} to ${host} failed: ${fetch.stderr.trim()}`);

    // 2. The workspace: a remote worktree on a new branch at the base commit.
    const base = (await git(project.path, ["rev-parse", `${ws.base ?? "HEAD"}^{commit}`])).trim();
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

    // 3. Files git ignores but the project wants in every workspace (.muxignore).
    const files = await ignoredFilesToCopy(project.path);
    if (files.length > 0) {
      const tar = localStream(project.path, "tar", ["-cf", "-", "--", ...files]);
      const untar = await rt.execWithStdinStream(`tar -C ${shq(worktree)} -xf -`, tar.stdout);
      await tar.done;
      if (untar.exitCode !== 0) throw new ConfigError(`copying .muxignore files to ${host} failed: ${untar.stderr.trim()}`);
    }
    ws.runtime.path = worktree;
  }

  async remove(ws: Workspace, force: boolean): Promise<void> {
    if (ws.runtime.type !== "ssh" || !ws.runtime.path) return;
    const worktree = ws.runtime.path;
    const bare = `${path.posix.dirname(worktree)}/.base.git`;
    const rt = this.runtimeAt(ws.runtime.host, "/");
    const branch = ws.branch!;
    if (!force) {
      const check = await execCapture(
        rt,
        `cd ${shq(worktree)} 2>/dev/null && git status --porcelain | wc -l || echo 0
git -C ${shq(bare)} rev-list ${shq(`refs/heads/${branch}`)} --not --exclude=${shq(branch)} --branches --glob='refs/mux-local/*' 2>/dev/null | wc -l`,
      );
      const [dirty, unmerged] = check.stdout.trim().split(/\s+/).map(Number);
      const problems = [
        dirty ? `${dirty} uncommitted change(s)` : "",
        unmerged ? `${unmerged} commit(s) on no other branch or remote` : "",
      ].filter(Boolean);
      if (problems.length) throw new ConfigError(`workspace "${ws.name}" has ${problems.join(" and ")} on ${ws.runtime.host}; use --force to delete anyway`);
    }
    const r = await execCapture(
      rt,
      `git -C ${shq(bare)} worktree remove --force ${shq(worktree)} 2>/dev/null || rm -rf ${shq(worktree)}
git -C ${shq(bare)} worktree prune
git -C ${shq(bare)} branch -D ${shq(branch)} >/dev/null 2>&1 || true`,
    );
    if (r.exitCode !== 0) throw new ConfigError(`deleting the workspace on ${ws.runtime.host} failed: ${r.stderr.trim()}`);
  }
}
