/**
 * `npm run bench:output` (also run by `npm run bench`): what a tool call that prints a flood
 * costs `mux run`. One fake-provider turn calls bash with a command printing ~50 MB, the next
 * answers "Done."; measured per case (median over the runs): wall time from spawn to exit and
 * the peak resident memory of the mux process (VmHWM). Targets: < 10 s and < 200 MB.
 *
 *   text    `head -c 37500000 /dev/urandom | base64`  (~50 MB of base64 lines)
 *   yes     `yes | head -c 50000000`                  (50 MB of "y\n")
 *   nul     `head -c 50000000 /dev/zero`              (50 MB of NUL bytes: binary)
 *
 * Then the server: `mux server` runs one turn whose bash call prints 20 MB (`yes | head -c
 * 20000000`) while a client watches the chat, and GET /health is polled every 10 ms meanwhile:
 * reported are the slowest /health answer (how long the server's event loop was blocked) and the
 * server's peak RSS. Target: /health never waits 100 ms or more. The slowest answer during a
 * silent `sleep 2` turn is shown beside it: on a busy machine the scheduler alone delays answers.
 *
 * Each run also checks that the output was handled, not just survived: the run must complete
 * (else the bench fails), and a row says WRONG when the result miscounts the bytes, the saved
 * full output is not whole, or NUL bytes are not reported as binary.
 * Every run gets its own MUX_ROOT, workspace and TMPDIR (removed after). Nothing here asserts
 * timing. Flags: --runs N (default 3), --json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeProvider, startFakeProvider } from "../test/fake-provider/server.js";
import { makeRepo } from "../test/helpers/git.js";
import { cleanEnv } from "../test/helpers/mux.js";
import { connect, isAssistantMessage, readUntil, startServer } from "../test/helpers/server.js";
import { killAllChildren, median, readPeakRss, runChild, wallNow } from "./measure.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "sk-bench-output-fake";
const RUN_TIMEOUT_MS = 180_000;
const TARGET_MS = 10_000;
const TARGET_RSS_MB = 200;
const TARGET_HEALTH_MS = 100;
const MB = 1024 * 1024;

const CASES = [
  { id: "text", script: "head -c 37500000 /dev/urandom | base64", bytes: 50_657_895, binary: false },
  { id: "yes", script: "yes | head -c 50000000", bytes: 50_000_000, binary: false },
  { id: "nul", script: "head -c 50000000 /dev/zero", bytes: 50_000_000, binary: true },
];

interface BashResult {
  exitCode?: number;
  output?: string;
  binary?: boolean;
  truncated?: { fullOutputPath?: string; totalBytes: number };
}

function args(): { runs: number; json: boolean } {
  const a = process.argv.slice(2);
  const i = a.indexOf("--runs");
  return { runs: i >= 0 ? Number(a[i + 1]) : 3, json: a.includes("--json") };
}

/** A private copy of dist/ (without the web app): a rebuild meanwhile cannot break the runs. */
function privateDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-dist-"));
  fs.cpSync(path.join(REPO_ROOT, "dist"), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}web`) });
  return dir;
}

async function runCase(fake: FakeProvider, bin: string, c: (typeof CASES)[number]) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-output-"));
  try {
    const [muxRoot, workspace, tmp] = ["mux-root", "workspace", "tmp"].map((d) => path.join(base, d));
    for (const d of [muxRoot, workspace, tmp]) fs.mkdirSync(d);
    fake.reset();
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: c.script } }] }, { text: "Done." });
    const run = await runChild({
      args: [bin, "run", "--json", "--dir", workspace, "-m", "openai:gpt-5", "flood"],
      cwd: workspace,
      env: cleanEnv({ MUX_ROOT: muxRoot, TMPDIR: tmp, OPENAI_API_KEY: TOKEN, OPENAI_BASE_URL: `${fake.url}/v1` }),
      timeoutMs: RUN_TIMEOUT_MS,
    });
    const events = run.stdout
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { type: string; status?: string; result?: BashResult });
    const done = events.at(-1);
    if (run.code !== 0 || done?.type !== "run-complete" || done.status !== "completed") {
      throw new Error(`${c.id}: the run did not complete (exit ${run.code}): ${run.stderr.slice(-500)}`);
    }
    const result = events.find((e) => e.type === "tool-call-end")?.result;
    const saved = result?.truncated?.fullOutputPath;
    const problems: string[] = [];
    if (result?.truncated?.totalBytes !== c.bytes) problems.push(`result reports ${result?.truncated?.totalBytes} bytes, not ${c.bytes}`);
    const savedBytes = saved && fs.existsSync(saved) ? fs.statSync(saved).size : 0;
    if (savedBytes !== c.bytes) problems.push(`${savedBytes} bytes saved, not ${c.bytes}`);
    if (c.binary && !result?.binary) problems.push("not reported as binary");
    const ndjsonMb = run.stdout.length / MB;
    return { ms: run.exitAt - run.spawnAt, rssMb: (run.peakRssBytes ?? 0) / MB, cpuMs: run.cpuMs ?? 0, ndjsonMb, problems };
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** One server turn printing 20 MB while /health is polled; returns the slowest answer and peak RSS. */
async function serverCase(fake: FakeProvider) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-output-server-"));
  const muxRoot = path.join(base, "mux-root");
  fs.mkdirSync(muxRoot);
  const server = await startServer({ muxRoot, env: { TMPDIR: base, OPENAI_API_KEY: TOKEN, OPENAI_BASE_URL: `${fake.url}/v1` } });
  const conn = await connect(server);
  let polling = true;
  let peak = 0;
  const samples: { at: number; ms: number }[] = [];
  const poll = (async () => {
    while (polling) {
      const at = wallNow();
      await fetch(`${server.url}health`).then((r) => r.arrayBuffer());
      samples.push({ at, ms: wallNow() - at });
      peak = Math.max(peak, readPeakRss(server.child.pid!) ?? 0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  let worstMs = 0;
  let controlMs = 0;
  try {
    const repo = makeRepo(path.join(base, "repo"));
    const ws = await conn.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "flood" });
    const stream = await conn.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    // A first turn loads the agent and provider code (lazily imported): not what is measured.
    fake.reset();
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "echo warm" } }] }, { text: "Warm." });
    await conn.api.chat.send({ workspaceId: ws.id, text: "warm up", model: "openai:gpt-5" });
    await readUntil(stream, isAssistantMessage, RUN_TIMEOUT_MS);
    /** Runs one turn calling bash with `script`; the slowest /health answer while the command ran. */
    const worstDuring = async (script: string) => {
      fake.enqueue({ toolCalls: [{ name: "bash", args: { script } }] }, { text: "Done." });
      await conn.api.chat.send({ workspaceId: ws.id, text: script, model: "openai:gpt-5" });
      let start = Number.POSITIVE_INFINITY;
      let end = Number.POSITIVE_INFINITY;
      await readUntil(
        stream,
        (i) => {
          if (i.type === "event" && i.event.type === "tool-call-args") start = wallNow();
          if (i.type === "event" && i.event.type === "tool-call-end") end = wallNow();
          return isAssistantMessage(i);
        },
        RUN_TIMEOUT_MS,
      );
      return Math.max(0, ...samples.filter((x) => x.at >= start && x.at <= end).map((x) => x.ms));
    };
    // The same while a silent command runs: what a busy machine alone costs /health.
    controlMs = await worstDuring("sleep 2");
    worstMs = await worstDuring("yes | head -c 20000000");
    return { worstHealthMs: worstMs, controlHealthMs: controlMs, rssMb: peak / MB };
  } finally {
    polling = false;
    await poll.catch(() => {});
    conn.close();
    await server.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

async function main() {
  const { runs, json } = args();
  const dist = privateDist();
  const fake = await startFakeProvider({ token: TOKEN });
  const rows: Record<string, { ms: number; rssMb: number; cpuMs: number; ndjsonMb: number; problems: string[] }> = {};
  let serverRow = { worstHealthMs: Number.NaN, controlHealthMs: Number.NaN, rssMb: Number.NaN };
  try {
    for (const c of CASES) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await runCase(fake, path.join(dist, "mux.js"), c));
      rows[c.id] = {
        ms: median(results.map((r) => r.ms)),
        rssMb: median(results.map((r) => r.rssMb)),
        cpuMs: median(results.map((r) => r.cpuMs)),
        ndjsonMb: median(results.map((r) => r.ndjsonMb)),
        problems: [...new Set(results.flatMap((r) => r.problems))],
      };
    }
    const servers = [];
    for (let i = 0; i < runs; i++) servers.push(await serverCase(fake));
    serverRow = {
      worstHealthMs: median(servers.map((r) => r.worstHealthMs)),
      controlHealthMs: median(servers.map((r) => r.controlHealthMs)),
      rssMb: median(servers.map((r) => r.rssMb)),
    };
  } finally {
    await fake.close();
    killAllChildren();
    fs.rmSync(dist, { recursive: true, force: true });
  }
  console.log(`mux run, one bash call printing ~50 MB (median of ${runs}; targets < ${TARGET_MS / 1000} s, < ${TARGET_RSS_MB} MB)`);
  console.log("case   wall      peak RSS   mux CPU   --json output");
  for (const c of CASES) {
    const r = rows[c.id];
    const ok = r.problems.length ? `WRONG: ${r.problems.join("; ")}` : r.ms < TARGET_MS && r.rssMb < TARGET_RSS_MB ? "ok" : "OVER TARGET";
    console.log(
      `${c.id.padEnd(6)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${r.rssMb.toFixed(0).padStart(5)} MB  ${(r.cpuMs / 1000).toFixed(2).padStart(6)} s  ${r.ndjsonMb.toFixed(2).padStart(6)} MB  ${ok}`,
    );
  }
  const h = serverRow.worstHealthMs;
  console.log(
    `\nmux server, one turn printing 20 MB while a client watches: slowest GET /health ${h.toFixed(0)} ms (target < ${TARGET_HEALTH_MS}; ` +
      `${serverRow.controlHealthMs.toFixed(0)} ms during \`sleep 2\` on this machine now), peak RSS ${serverRow.rssMb.toFixed(0)} MB  ${h < TARGET_HEALTH_MS ? "ok" : "OVER TARGET"}`,
  );
  if (json) console.log(JSON.stringify({ run: rows, server: serverRow }));
}

main().catch((err) => {
  killAllChildren();
  console.error(err);
  process.exit(1);
});
