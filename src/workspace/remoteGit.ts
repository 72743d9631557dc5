import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import type { ShellRuntime } from "../runtime/shellRuntime.js";
import { execCapture } from "../runtime/types.js";
import { shq } from "../tools/shellQuote.js";
import { git, gitMaybe } from "./git.js";
import { ignoredFilesToCopy } from "./muxignore.js";

/**
 * Git between the local project and a repository on the other side of a remote shell (an SSH
 * host, a container): history goes there as a bundle through stdin, a branch comes back as one
 * through stdout. The other side keeps the project's branches under refs/mux-local/.
 */

/** Streams a local command's stdout into a remote script's stdin. */
export function localStream(cwd: string, cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  const done = new Promise<void>((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args[0]} failed: ${stderr.trim()}`)))),
  );
  return { stdout: child.stdout, done };
}

/** execCapture, with a connection or cwd failure reported like a failed command (stderr says why). */
export function captureOrError(rt: ShellRuntime, script: string): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return execCapture(rt, script).catch((err: Error) => ({ exitCode: null, stdout: "", stderr: err.message }));
}

/**
 * The commit a new remote workspace starts from. Branch names resolve locally (the other side
 * holds them under refs/mux-local/); a full commit id that is not here is one made over there (a
 * fork of a remote workspace's HEAD), and git there checks that it exists.
 */
export async function startCommit(projectPath: string, base: string): Promise<string> {
  const local = await gitMaybe(projectPath, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
  if (local) return local.trim();
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(base)) return base;
  throw new ConfigError(`${base} is not a branch or commit in ${projectPath}`);
}

/**
 * The local project's history, as a git bundle, into repository `repo` over `rt` (its branches
 * and remote branches under refs/mux-local/, plus `extraRefspecs`).
 */
export async function sendHistory(rt: ShellRuntime, projectPath: string, repo: string, extraRefspecs: string[] = []): Promise<void> {
  const bundle = localStream(projectPath, "git", ["bundle", "create", "-", "--all"]);
  const refspecs = ["+refs/heads/*:refs/mux-local/heads/*", "+refs/remotes/*:refs/mux-local/remotes/*", ...extraRefspecs];
  const fetch = await rt.execWithStdinStream(
    ["set -e", "t=$(mktemp)", "trap 'rm -f \"$t\"' EXIT", 'cat > "$t"', `git -C ${shq(repo)} fetch -q "$t" ${refspecs.map(shq).join(" ")}`].join("\n"),
    bundle.stdout,
  );
  await bundle.done;
  if (fetch.exitCode !== 0) throw new ConfigError(`sending ${path.basename(projectPath)} to ${rt.shell.label} failed: ${fetch.stderr.trim()}`);
}

/**
 * Brings `branch` from the workspace's repository (rt's root) into the local project as
 * `localRef` (a git bundle through the shell) and returns its tip.
 */
export async function fetchBranchInto(rt: ShellRuntime, projectPath: string, branch: string, localRef: string): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mux-fetch-"));
  const file = path.join(tmp, "branch.bundle");
  try {
    const sink = fs.openSync(file, "w");
    let stderr = "";
    const r = await rt
      .exec(`git bundle create -q - ${shq(`refs/heads/${branch}`)}`, {
        onOutputBytes: (stream, chunk) => {
          if (stream === "stdout") fs.writeSync(sink, chunk);
          else stderr += chunk.toString();
        },
      })
      .finally(() => fs.closeSync(sink));
    if (r.exitCode !== 0) throw new ConfigError(`fetching branch ${branch} from ${rt.shell.label} failed: ${stderr.trim() || `exit ${r.exitCode}`}`);
    await git(projectPath, ["fetch", "-q", file, `+refs/heads/${branch}:${localRef}`]);
    return (await git(projectPath, ["rev-parse", localRef])).trim();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Records over there that `commit` of `branch` has landed, where a safe delete looks (refs/mux-local/). */
export async function recordLandedOn(rt: ShellRuntime, branch: string, commit: string): Promise<void> {
  const r = await captureOrError(rt, `git update-ref ${shq(`refs/mux-local/landed/${branch}`)} ${shq(commit)}`);
  if (r.exitCode !== 0) throw new ConfigError(`the merge is done, but recording it in ${rt.shell.label} failed: ${r.stderr.trim()}`);
}

/** Files git ignores but the project wants in every workspace (.muxignore), copied into `dir` over there. */
export async function copyMuxIgnoredTo(rt: ShellRuntime, projectPath: string, dir: string): Promise<void> {
  const files = await ignoredFilesToCopy(projectPath);
  if (files.length === 0) return;
  const tar = localStream(projectPath, "tar", ["-cf", "-", "--", ...files]);
  const untar = await rt.execWithStdinStream(`tar -C ${shq(dir)} -xf -`, tar.stdout);
  await tar.done;
  if (untar.exitCode !== 0) throw new ConfigError(`copying .muxignore files to ${rt.shell.label} failed: ${untar.stderr.trim()}`);
}
