import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Readable } from "node:stream";

export interface DockerResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The docker executable (MUX_DOCKER lets tests and unusual installs name another). */
export function dockerBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.MUX_DOCKER || "docker";
}

/** Runs one docker CLI command to completion; never rejects (a missing binary is code null). */
export function docker(args: string[], opts: { stdin?: Readable | string; timeoutMs?: number; bin?: string } = {}): Promise<DockerResult> {
  return runCaptured(opts.bin ?? dockerBin(), args, opts);
}

/** Runs a command to completion, collecting its output; never rejects (one that cannot start is code null). */
export function runCaptured(file: string, args: string[], opts: { stdin?: Readable | string; timeoutMs?: number } = {}): Promise<DockerResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    child.stdin.on("error", () => {});
    if (opts.stdin === undefined) child.stdin.end();
    else if (typeof opts.stdin === "string") child.stdin.end(opts.stdin);
    else opts.stdin.pipe(child.stdin);
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `cannot run ${path.basename(file)}: ${err.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Docker's own message, with what to do about the usual causes. */
export function explainDockerError(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^Run 'docker .*--help'/.test(l));
  const msg = lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? "docker failed";
  if (/Cannot connect to the Docker daemon|docker daemon running|ENOENT.*docker\.sock/i.test(stderr)) return `${msg} (is the Docker engine running?)`;
  if (/permission denied.*docker\.sock|docker\.sock.*permission denied/i.test(stderr))
    return `${msg} (your user may not use Docker: add it to the docker group)`;
  if (/cannot run docker: .*ENOENT/.test(stderr)) return "the docker command is not installed (or not on PATH)";
  if (/Unable to find image|No such image|pull access denied|manifest unknown|repository does not exist/i.test(stderr)) {
    return `${msg} (the image is not on this machine and could not be pulled)`;
  }
  return msg;
}

/** "No such container/object": Docker answered, and the container is not there. */
export function isNoSuchContainer(stderr: string): boolean {
  return /No such (container|object)/i.test(stderr);
}

/**
 * A workspace's container name, as the original Mux derives it (so each app finds the other's
 * containers): `mux-<project>-<workspace>` made safe for Docker, plus a hash of both against collisions.
 */
export function containerNameFor(projectPath: string, workspaceName: string): string {
  const hash = createHash("sha256").update(`${projectPath}:${workspaceName}`).digest("hex").slice(0, 6);
  const base = `mux-${path.basename(projectPath)}-${workspaceName}`
    .replace(/[^a-zA-Z0-9_.-]/g, "-")
    .replace(/^[^a-zA-Z0-9]+/, "")
    .replace(/-+/g, "-")
    .slice(0, 56);
  return `${base}-${hash}`;
}
