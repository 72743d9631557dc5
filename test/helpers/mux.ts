import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentEvent, AgentEventSchema } from "../../src/agent/events.js";
import { DELTA_LOG_FILE, readDeltaLog } from "../../src/history/deltaLog.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const MUX_BIN = path.join(REPO_ROOT, "dist/mux.js");

/** A fresh MUX_ROOT and workspace directory per test; removed by cleanup(). */
export function tempDirs() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-test-"));
  const muxRoot = path.join(base, "mux-root");
  const workspace = path.join(base, "workspace");
  fs.mkdirSync(muxRoot, { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  return { base, muxRoot, workspace, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

export interface MuxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed and schema-validated `--json` lines (empty when not in JSON mode). */
  events: AgentEvent[];
}

export interface MuxOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string;
  /** Called once the child is spawned (to send signals mid-run). */
  onSpawn?: (child: ChildProcess) => void;
  onStdout?: (chunk: string, child: ChildProcess) => void;
}

/** The environment a test run starts from: no provider keys leak in from the machine. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/_API_KEY$|_AUTH_TOKEN$|_BASE_URL$|^OLLAMA_HOST$|^OPENAI_ORG_ID$|^MUX_/.test(k)) continue;
    env[k] = v;
  }
  // Fast retries keep fault tests quick; the policy itself is the production one.
  env.MUX_RETRY_BASE_MS = "20";
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs the built `mux` CLI as a child process, as a user would. */
export function runMux(args: string[], opts: MuxOptions = {}): Promise<MuxResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MUX_BIN, ...args], {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (c: string) => {
      stdout += c;
      opts.onStdout?.(c, child);
    });
    child.stderr.on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.stdin.end(opts.stdin ?? "");
    opts.onSpawn?.(child);
    child.on("close", (code, signal) => {
      try {
        const events = args[0] === "run" && args.includes("--json") ? parseEvents(stdout) : [];
        resolve({ code, signal, stdout, stderr, events });
      } catch (e) {
        reject(new Error(`bad --json output (${(e as Error).message}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

export function parseEvents(stdout: string): AgentEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((line) => AgentEventSchema.parse(JSON.parse(line)));
}

export function writeProviders(muxRoot: string, text: string) {
  fs.writeFileSync(path.join(muxRoot, "providers.jsonc"), text);
}

export function lastEvent<T extends AgentEvent["type"]>(events: AgentEvent[], type: T) {
  return events.filter((e) => e.type === type).at(-1) as Extract<AgentEvent, { type: T }> | undefined;
}

/**
 * The answer in progress as a crash would leave it, for every session under a sessions directory
 * (its delta log replayed, or the original format's partial.json), as JSON, joined.
 */
export function savedPartialText(sessionsDir: string): string {
  if (!fs.existsSync(sessionsDir)) return "";
  return fs
    .readdirSync(sessionsDir)
    .map((id) => {
      const logged = readDeltaLog(path.join(sessionsDir, id, DELTA_LOG_FILE)).message;
      if (logged) return JSON.stringify(logged);
      try {
        return fs.readFileSync(path.join(sessionsDir, id, "partial.json"), "utf8");
      } catch {
        return "";
      }
    })
    .join("\n");
}
