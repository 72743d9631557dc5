/**
 * Fault suite: processes. A Mux process killed with -9 (mid-tool, or left a zombie), and tools
 * that print floods of text or binary. Real `mux run` processes against the fake provider.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { TOOL_PROCESSES_FILE } from "../../src/session/toolProcesses.js";
import type { ChatItem } from "../../src/api/schemas.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { cleanEnv, lastEvent, MUX_BIN, runMux } from "../helpers/mux.js";
import { hasProcStat, isZombie, pinnedProcess, underNonReapingParent, waitFor } from "../helpers/processes.js";
import { connect, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-ant-processes-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, TMPDIR: dirs.base });
const run = (args: string[]) => runMux(["run", "--json", "--dir", dirs.workspace, "-m", "sonnet", ...args], { env: env() });

interface BashResult {
  output: string;
  binary?: boolean;
  truncated?: { fullOutputPath?: string; totalBytes: number; totalLines: number };
}

it("a tool printing 30 MB of text: the model gets head and tail, the rest is saved whole, the live view stays small", async () => {
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "seq 1 3600000" } }] }, { text: "Read it." });
  const r = await run(["count"]);
  expect(r.code, r.stderr).toBe(0);
  const result = lastEvent(r.events, "tool-call-end")!.result as BashResult;
  expect(result.truncated).toMatchObject({ totalLines: 3600000 });
  expect(fs.statSync(result.truncated!.fullOutputPath!).size).toBe(result.truncated!.totalBytes);
  expect(result.output.startsWith("1\n2\n")).toBe(true);
  expect(result.output.endsWith("3599999\n3600000\n")).toBe(true);
  // The --json stream (and what the server would keep) carries a bounded glimpse, not 30 MB.
  expect(r.stdout.length).toBeLessThan(3 * 1024 * 1024);
  expect(JSON.stringify(fake.requests.at(-1)!.body).length).toBeLessThan(200_000);
});

it("a tool printing 20 MB of NUL bytes is reported as binary with its size, and saved byte for byte", async () => {
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "head -c 20000000 /dev/zero" } }] }, { text: "Binary." });
  const r = await run(["dump"]);
  expect(r.code, r.stderr).toBe(0);
  const result = lastEvent(r.events, "tool-call-end")!.result as BashResult;
  expect(result.binary).toBe(true);
  expect(result.output).toMatch(/^\[binary output \(NUL bytes\), 19\.1 MB, not shown; saved to /);
  expect(fs.statSync(result.truncated!.fullOutputPath!).size).toBe(20_000_000);
  expect(r.stdout).not.toContain("\\u0000");
  // Saved under this run's TMPDIR, in the per-user scratch directory Mux sweeps.
  expect(result.truncated!.fullOutputPath!.startsWith(path.join(dirs.base, `mux-${process.getuid!()}`))).toBe(true);
});

/** A tool that records its pid, says it started, then works for a while before writing a file. */
const SLOW_TOOL = "echo $$ > tool.pid; echo tool-started; sleep 60; echo x > done.txt";

/**
 * True once the tool has started and Mux has recorded its process group: killing Mux between
 * the spawn and the record (a few microseconds, but a loaded machine can stretch them) leaves
 * nothing for the next start to find, which is the watchdog's case, not the record's.
 */
function toolStartedAndRecorded(cwd: string): boolean {
  if (!fs.existsSync(path.join(cwd, "tool.pid"))) return false;
  const sessions = path.join(dirs.muxRoot, "sessions");
  return fs.existsSync(sessions) && fs.readdirSync(sessions).some((id) => fs.existsSync(path.join(sessions, id, TOOL_PROCESSES_FILE)));
}

/** `mux run` in the workspace, killed with -9 once its tool has started; whether the tool still runs. */
async function killMidTool(extraEnv: Record<string, string> = {}): Promise<() => boolean> {
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: SLOW_TOOL } }] }, { text: "never reached" });
  const r = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", "sonnet", "work"], {
    env: { ...env(), ...extraEnv },
    onStdout: (_chunk, child) => {
      if (toolStartedAndRecorded(dirs.workspace) && !child.killed) child.kill("SIGKILL");
    },
  });
  expect(r.signal).toBe("SIGKILL");
  return pinnedProcess(Number(fs.readFileSync(path.join(dirs.workspace, "tool.pid"), "utf8")));
}

it.runIf(hasProcStat)("kill -9 of mux mid-tool: the tool's processes die with it, so its work never lands", async () => {
  const toolAlive = await killMidTool();
  await waitFor(() => !toolAlive(), "the tool's shell to be killed by the watchdog");
  expect(fs.existsSync(path.join(dirs.workspace, "done.txt"))).toBe(false);
});

it.runIf(hasProcStat)("a tool left running by a killed mux (no watchdog) is stopped by the next run, which says so", async () => {
  const toolAlive = await killMidTool({ MUX_TOOL_WATCHDOG: "0" });
  expect(toolAlive()).toBe(true); // nothing stopped it: only the next start can
  const sessionId = fs.readdirSync(path.join(dirs.muxRoot, "sessions"))[0];
  fake.enqueue({ text: "Carrying on." });
  const next = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", "sonnet", "--session", sessionId, "continue"], { env: env() });
  expect(next.code, next.stderr).toBe(0);
  const notice = lastEvent(next.events, "notice");
  expect(notice?.text).toContain("sleep 60; echo x > done.txt");
  expect(notice?.text).toMatch(/^Stopped a command that was still running after Mux stopped in the middle of a tool call/);
  expect(toolAlive()).toBe(false);
  expect(fs.existsSync(path.join(dirs.workspace, "done.txt"))).toBe(false);
  // The note is part of the chat (the web app shows it from there), and the default output says it too.
  const chat = fs.readFileSync(path.join(dirs.muxRoot, "sessions", sessionId, "chat.jsonl"), "utf8");
  expect(chat).toContain("Stopped a command that was still running");
  fake.enqueue({ text: "Fine." });
  const pretty = await runMux(["run", "--dir", dirs.workspace, "-m", "sonnet", "--session", sessionId, "again"], { env: env() });
  expect(pretty.stderr).not.toContain("Stopped a command"); // nothing left to stop this time
});

it.runIf(hasProcStat)("a workspace whose last agent was killed and is still an unreaped zombie is not busy for the next run", async () => {
  const repo = makeRepo(path.join(dirs.base, "app"));
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: SLOW_TOOL } }] }, { text: "never reached" });
  const wsDir = path.join(dirs.muxRoot, "src", "app", "zw");
  const holder = await underNonReapingParent(
    [process.execPath, MUX_BIN, "run", "--json", "--dir", repo, "--workspace", "zw", "-m", "sonnet", "work"],
    cleanEnv({ ...env(), MUX_TOOL_WATCHDOG: "0" }),
  );
  try {
    await waitFor(() => toolStartedAndRecorded(wsDir), "the tool to start");
    process.kill(holder.childPid, "SIGKILL");
    await waitFor(() => isZombie(holder.childPid), "the killed mux to be a zombie");
    fake.enqueue({ text: "Not busy." });
    const next = await runMux(["run", "--json", "--dir", repo, "--workspace", "zw", "-m", "sonnet", "again"], { env: env() });
    expect(next.stderr).not.toContain("busy");
    expect(next.code, next.stderr).toBe(0);
    expect(isZombie(holder.childPid)).toBe(true); // still unreaped: the lock was judged by its state
    expect(lastEvent(next.events, "notice")?.text).toContain("sleep 60");
  } finally {
    await holder.dispose();
  }
});

it.runIf(hasProcStat)("a server killed mid-tool (no watchdog): the restarted server stops the command it left, and the next answer says so", async () => {
  const repo = makeRepo(path.join(dirs.base, "srv-app"));
  const serverEnv = { ...env(), MUX_TOOL_WATCHDOG: "0" };
  const first = await startServer({ muxRoot: dirs.muxRoot, env: serverEnv });
  let second: ServerProcess | undefined;
  try {
    const c1 = await connect(first);
    const ws = await c1.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "srv" });
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: SLOW_TOOL } }] }, { text: "never reached" });
    await c1.api.chat.send({ workspaceId: ws.id, text: "work", model: "sonnet" });
    await waitFor(() => toolStartedAndRecorded(repo), "the tool to start");
    const toolAlive = pinnedProcess(Number(fs.readFileSync(path.join(repo, "tool.pid"), "utf8")));
    c1.close();
    await first.kill();
    expect(toolAlive()).toBe(true);

    second = await startServer({ muxRoot: dirs.muxRoot, env: { ...env(), TMPDIR: dirs.base } });
    const c2 = await connect(second);
    const stream = await c2.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    await waitFor(() => !toolAlive(), `the restarted server to stop the command (server stderr: ${second.output().stderr})`);
    expect(fs.existsSync(path.join(repo, "done.txt"))).toBe(false);
    fake.enqueue({ text: "Back." });
    await c2.api.chat.send({ workspaceId: ws.id, text: "continue", model: "sonnet" });
    const items = await readUntil(stream, isAssistantMessage);
    const answer = items.find(isAssistantMessage) as Extract<ChatItem, { type: "message" }>;
    expect(answer.message.metadata?.notices?.[0]).toContain("sleep 60; echo x > done.txt");
    c2.close();
  } finally {
    await first.kill();
    await second?.stop();
  }
});
