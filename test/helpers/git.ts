import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export function sh(cwd: string, cmd: string, args: string[]): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@x" },
  });
}

export const gitIn = (cwd: string, ...args: string[]) => sh(cwd, "git", args).trim();

/** A real repository with one commit on `main`. */
export function makeRepo(dir: string, files: Record<string, string> = { "README.md": "# demo\n" }): string {
  fs.mkdirSync(dir, { recursive: true });
  gitIn(dir, "init", "-q", "-b", "main");
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-q", "-m", "initial");
  return fs.realpathSync(dir);
}

export function commitFile(dir: string, name: string, content: string, message = `add ${name}`) {
  fs.writeFileSync(path.join(dir, name), content);
  gitIn(dir, "add", name);
  gitIn(dir, "commit", "-q", "-m", message);
}

/**
 * Commits project scripts into `.mux/scripts/`: `hello` and `dev` (executable; each prints where
 * it runs and its first argument-free greeting) and `notes.txt` (not executable: not a script).
 */
export function commitScripts(dir: string): void {
  const scripts = path.join(dir, ".mux", "scripts");
  fs.mkdirSync(scripts, { recursive: true });
  for (const name of ["hello", "dev"]) {
    fs.writeFileSync(path.join(scripts, name), `#!/bin/sh\necho "script-${name} in $(pwd) as $MUX_WORKSPACE_NAME: $((6*7))"\n`, { mode: 0o755 });
  }
  fs.writeFileSync(path.join(scripts, "notes.txt"), "not a script\n", { mode: 0o644 });
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-q", "-m", "project scripts");
}
