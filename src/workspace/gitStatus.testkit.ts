/**
 * Shared helpers for the git status tests (gitStatus.test.ts, gitStatusMonitor.test.ts): a real
 * repository per test, git with a fixed identity and no user config, and an exec-counting runtime.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { LocalRuntime } from "../runtime/local.js";
import type { ExecOptions, ExecResult, Runtime } from "../runtime/types.js";
import type { StatusTarget } from "./gitStatus.js";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The current test's temp dir and its repository (set by useRepo's beforeEach; live bindings). */
export let tmp: string;
export let repo: string;

/** A fresh repository (main, one commit) in a temp dir for each test of the calling describe. */
export function useRepo() {
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-gitstatus-")));
    repo = path.join(tmp, "repo");
    fs.mkdirSync(repo);
    git(repo, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(repo, "a.txt"), "one\ntwo\nthree\n");
    fs.writeFileSync(path.join(repo, "b.txt"), "bee\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "init");
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
}

/** `git worktree add -b name` from main; returns its directory. */
export function addWorkspace(name: string, base = "main"): string {
  const dir = path.join(tmp, "ws", name);
  git(repo, "worktree", "add", "-q", "-b", name, dir, base);
  return dir;
}

export function commitFile(dir: string, file: string, content: string, msg = `edit ${file}`) {
  fs.writeFileSync(path.join(dir, file), content);
  git(dir, "add", "--", file);
  git(dir, "commit", "-qm", msg);
}

export function target(dir: string, base = "main", id = path.basename(dir)): StatusTarget {
  return { id, runtime: new LocalRuntime(dir), base };
}

/** Wraps a runtime, counting (and optionally gating) its exec calls. */
export function instrument(rt: Runtime) {
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  const wrapped: Runtime = Object.create(rt) as Runtime;
  wrapped.exec = async (script: string, options?: ExecOptions): Promise<ExecResult> => {
    calls.push(script);
    if (gate) await gate;
    return rt.exec(script, options);
  };
  return {
    runtime: wrapped,
    calls,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => {
        release = () => {
          gate = undefined;
          r();
        };
      });
      return release;
    },
  };
}
