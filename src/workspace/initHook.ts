import * as fs from "node:fs";
import * as path from "node:path";
import type { AgentEvent } from "../agent/events.js";
import { isProcessAlive } from "../common/processInfo.js";
import type { Runtime } from "../runtime/types.js";
import { workspaceEnv } from "../runtime/workspaceEnv.js";

export const INIT_HOOK = ".mux/init";

export interface InitHookStatus {
  state: "running" | "succeeded" | "failed" | "none";
  exitCode?: number | null;
  startedAt?: number;
  finishedAt?: number;
  pid?: number;
}

export interface InitHookOptions {
  workspaceId: string;
  projectPath: string;
  workspaceName: string;
  /** Where the output and status are kept (the workspace's session directory). */
  stateDir: string;
  emit?: (event: AgentEvent) => void;
  signal?: AbortSignal;
}

/**
 * Runs the project's executable `.mux/init` once in a new workspace, streaming and keeping its
 * output. A failing hook is reported, never fatal: the user can still chat.
 */
export async function runInitHook(runtime: Runtime, opts: InitHookOptions): Promise<InitHookStatus> {
  const hook = path.posix.join(runtime.root, INIT_HOOK);
  const probe = await runtime.exec(`test -f ${JSON.stringify(hook)} && test -x ${JSON.stringify(hook)}`);
  if (probe.exitCode !== 0) return { state: "none" };
  fs.mkdirSync(opts.stateDir, { recursive: true });
  const logFile = path.join(opts.stateDir, "init.log");
  const statusFile = path.join(opts.stateDir, "init.json");
  const log = fs.openSync(logFile, "w", 0o600);
  const status: InitHookStatus = { state: "running", startedAt: Date.now(), pid: process.pid };
  const save = () => fs.writeFileSync(statusFile, JSON.stringify(status));
  save();
  opts.emit?.({ type: "init-start", workspaceId: opts.workspaceId, hook });
  const output = (stream: "stdout" | "stderr") => (text: string) => {
    fs.writeSync(log, text);
    opts.emit?.({ type: "init-output", workspaceId: opts.workspaceId, stream, text });
  };
  try {
    const result = await runtime.exec(JSON.stringify(hook), {
      env: workspaceEnv(runtime.type, opts.projectPath, opts.workspaceName),
      signal: opts.signal,
      onStdout: output("stdout"),
      onStderr: output("stderr"),
    });
    status.exitCode = result.exitCode;
  } catch (err) {
    fs.writeSync(log, `\n${(err as Error).message}\n`);
    status.exitCode = null;
  } finally {
    fs.closeSync(log);
  }
  status.state = status.exitCode === 0 ? "succeeded" : "failed";
  status.finishedAt = Date.now();
  save();
  opts.emit?.({
    type: "init-end",
    workspaceId: opts.workspaceId,
    exitCode: status.exitCode ?? null,
    ok: status.state === "succeeded",
    durationMs: status.finishedAt - (status.startedAt ?? status.finishedAt),
  });
  return status;
}

/** The hook's status as another process left it (a running hook whose process died is failed). */
export function readInitStatus(stateDir: string): InitHookStatus {
  try {
    const status = JSON.parse(fs.readFileSync(path.join(stateDir, "init.json"), "utf8")) as InitHookStatus;
    if (status.state === "running" && status.pid && !isProcessAlive(status.pid)) return { ...status, state: "failed" };
    return status;
  } catch {
    return { state: "none" };
  }
}

/** Resolves once a hook started by another process has finished (polling its status file). */
export async function waitForInitHook(stateDir: string, signal?: AbortSignal): Promise<InitHookStatus> {
  for (;;) {
    const status = readInitStatus(stateDir);
    if (status.state !== "running" || signal?.aborted) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}
