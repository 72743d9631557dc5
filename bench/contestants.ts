/**
 * The two contestants of `npm run bench` and the workload they share: a session of 20 `echo`
 * tool calls against the fake provider. Each run gets a clean environment (no provider keys from
 * the machine, as in the e2e tests) and its own temporary MUX_ROOT / workspace / TMPDIR.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { countToolResults } from "../test/fake-provider/scenarios.js";
import type { FakeProtocol, FakeProvider, RecordedRequest } from "../test/fake-provider/server.js";
import { cleanEnv } from "../test/helpers/mux.js";
import type { ChildRun } from "./measure.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(REPO_ROOT, "dist");
export const FLOOR = path.join(REPO_ROOT, "bench/floor.mjs");

export const TOOL_CALLS = 20;
export const EXPECTED_REQUESTS = TOOL_CALLS + 1;
export const PROMPT = "run the echo steps";
export const TOKEN = "sk-bench-fake";
export const RUN_TIMEOUT_MS = 30_000;

/** Set by the bench: a private copy of dist/, so a rebuild running meanwhile cannot break the runs. */
export const bin = { mux: path.join(DIST, "mux.js") };

export type ContestantId = "mux" | "floor";

export interface Contestant {
  id: ContestantId;
  label: string;
  args(workspace: string, model?: string): string[];
  /** Checks the contestant's own output; throws when the run did not complete. */
  checkOutput(run: ChildRun): void;
}

export function fail(message: string): never {
  throw new Error(message);
}

export const CONTESTANTS: Contestant[] = [
  {
    id: "mux",
    label: "mux run",
    args: (workspace, model = "openai:gpt-5") => [bin.mux, "run", "--json", "--dir", workspace, "-m", model, PROMPT],
    checkOutput(run) {
      const last = runComplete(run);
      if (last.type !== "run-complete" || last.status !== "completed") {
        throw new Error(`mux did not end with a completed run-complete event (got ${JSON.stringify(last).slice(0, 200)})`);
      }
      if (last.text !== "All done.") throw new Error(`mux answered ${JSON.stringify(last.text)}, not "All done."`);
    },
  },
  {
    id: "floor",
    label: "floor (AI SDK)",
    args: () => [FLOOR, PROMPT],
    checkOutput(run) {
      if (!run.stdout.includes("All done.")) throw new Error(`floor did not print the final answer "All done."`);
    },
  },
];

/** The last line of `mux run --json`: its run-complete event. */
export function runComplete(run: ChildRun): { type?: string; status?: string; text?: string; usage?: Record<string, number>; costUsd?: number } {
  const lines = run.stdout.split("\n").filter((l) => l.trim());
  return lines.length ? JSON.parse(lines[lines.length - 1]) : {};
}

/** The tool results a request carried back, in order, as text. */
function toolOutputs(req: RecordedRequest): string[] {
  const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  if (req.protocol === "anthropic") {
    return (req.body.messages as { content?: unknown }[])
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .filter((b: { type?: string }) => b?.type === "tool_result")
      .map((b: { content?: unknown }) => text(b.content));
  }
  return (req.body.input as { type?: string; output?: unknown }[]).filter((item) => item?.type === "function_call_output").map((item) => text(item.output));
}

/**
 * Every LLM request of one session authorized, the loop ran to the end, and each tool actually
 * ran. `requests` may hold several sessions' requests (started together): each must be complete.
 */
export function verifyRequests(requests: RecordedRequest[], protocol: FakeProtocol, sessions = 1): void {
  if (requests.length !== EXPECTED_REQUESTS * sessions) fail(`expected ${EXPECTED_REQUESTS * sessions} LLM requests, got ${requests.length}`);
  for (const r of requests) {
    if (!r.authorized) fail(`request ${r.index} was not authorized`);
    if (r.protocol !== protocol) fail(`request ${r.index} used ${r.protocol}, not ${protocol}`);
  }
  const lasts = requests.filter((r) => countToolResults(r) === TOOL_CALLS);
  if (lasts.length !== sessions) fail(`${lasts.length} of ${sessions} sessions sent all ${TOOL_CALLS} tool results`);
  for (const last of lasts) {
    toolOutputs(last).forEach((out, i) => {
      if (!out.includes(`step-${i + 1}`)) fail(`tool result ${i + 1} does not contain "step-${i + 1}": ${out.slice(0, 200)}`);
    });
  }
}

const tempBases = new Set<string>();

export function makeTemp(prefix: string): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempBases.add(base);
  return base;
}

export function removeTemp(base: string): void {
  fs.rmSync(base, { recursive: true, force: true });
  tempBases.delete(base);
}

export function removeAllTemps(): void {
  for (const base of [...tempBases]) removeTemp(base);
}

export interface RunDirs {
  base: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
}

/** Fresh MUX_ROOT, workspace and TMPDIR for one run, with keys and base URLs for the fake provider. */
export function runDirs(fake: FakeProvider): RunDirs {
  const base = makeTemp("mux-bench-");
  const muxRoot = path.join(base, "mux-root");
  const workspace = path.join(base, "workspace");
  const tmp = path.join(base, "tmp"); // anything either contestant writes to $TMPDIR goes here
  for (const d of [muxRoot, workspace, tmp]) fs.mkdirSync(d, { recursive: true });
  const env = cleanEnv({
    MUX_ROOT: muxRoot,
    OPENAI_API_KEY: TOKEN,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    ANTHROPIC_API_KEY: TOKEN,
    ANTHROPIC_BASE_URL: fake.url,
    TMPDIR: tmp,
    NODE_OPTIONS: undefined,
  });
  return { base, workspace, env };
}

/** Copies dist/ (without source maps, which the CLI never reads) to a private place and runs mux from there. */
export function runFromPrivateDist(): void {
  const distCopy = makeTemp("mux-bench-dist-");
  fs.cpSync(DIST, path.join(distCopy, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") });
  bin.mux = path.join(distCopy, "dist/mux.js");
  if (!fs.existsSync(bin.mux)) throw new Error(`could not copy ${DIST} (was a build running?)`);
}

/** The run's output tails, for a failure report. */
export function withOutput(label: string, run: ChildRun, e: unknown): Error {
  const tail = (s: string) => s.split("\n").slice(-15).join("\n");
  return new Error(`${label}: ${(e as Error).message}\n--- stdout (tail) ---\n${tail(run.stdout)}\n--- stderr (tail) ---\n${tail(run.stderr)}`);
}
