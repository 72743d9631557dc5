import { execFileSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bashTool } from "./bash.js";
import { fileReadTool } from "./fileRead.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";
import { ToolError } from "./types.js";

let ws: TestWorkspace;
beforeEach(async () => {
  ws = await createTestWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

/** Gone, or a zombie nobody reaped yet (PID 1 in containers often does not reap). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)])
      .toString()
      .trim();
    return stat === "" || stat.startsWith("Z");
  } catch {
    return true;
  }
}

async function expectAllGone(pidFile: string) {
  const pids = (await fs.readFile(pidFile, "utf8")).split(/\s+/).filter(Boolean).map(Number);
  expect(pids.length).toBeGreaterThanOrEqual(3);
  const deadline = Date.now() + 5000;
  while (pids.some((p) => !isGone(p)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(pids.filter((p) => !isGone(p))).toEqual([]);
}

// A background child, a grandchild and a foreground sleep, all recording their PIDs.
const SPAWN_TREE = [
  "sleep 100 &",
  "echo $! >> pids",
  `bash -c 'echo $$ >> pids; sleep 100 & echo $! >> pids; wait' &`,
  "while [ $(wc -l < pids) -lt 3 ]; do sleep 0.05; done",
  "echo started",
  "sleep 100",
].join("\n");

describe("bash tool", () => {
  it("returns exit code and combined output, streams it live, and runs in the workspace root", async () => {
    const r = await ws.run(bashTool, { script: "pwd; echo out; echo err >&2; exit 3" });
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain("out\n");
    expect(r.output).toContain("err\n");
    expect(await fs.realpath(r.output.split("\n")[0])).toBe(await fs.realpath(ws.root));
    expect(r.truncated).toBeUndefined();
    expect(ws.outputs).toContainEqual({ stream: "stderr", text: "err\n" });
    expect(ws.outputs.some((o) => o.stream === "stdout" && o.text.includes("out"))).toBe(true);
  });

  it("is non-interactive: reads get EOF, editors are no-ops, MUX_RUNTIME is set", async () => {
    const r = await ws.run(bashTool, {
      script: 'read x; echo "read=$? x=[$x]"; echo "$GIT_EDITOR $PAGER $CI $TERM $MUX_RUNTIME $GIT_TERMINAL_PROMPT"',
      timeout_secs: 10,
    });
    expect(r.output).toContain("read=1 x=[]");
    expect(r.output).toContain("true cat 1 dumb local 0");
  });

  it("git commit without -m does not hang waiting for an editor", async () => {
    const script = [
      "git init -q . && git config user.email t@example.com && git config user.name T",
      "echo hi > a.txt && git add a.txt",
      "git commit; echo commit-exit=$?",
      "git log --oneline | wc -l",
    ].join("\n");
    const r = await ws.run(bashTool, { script, timeout_secs: 20 });
    expect(r.timedOut).toBeUndefined();
    expect(r.output).toMatch(/commit-exit=1/); // empty message from the no-op editor aborts the commit
    expect(r.durationMs).toBeLessThan(15_000);
  });

  it("caps what the model sees and saves the full output where file_read can read it", async () => {
    const r = await ws.run(bashTool, { script: "seq 1 100000" });
    expect(r.exitCode).toBe(0);
    expect(r.output.startsWith("1\n2\n3\n")).toBe(true);
    expect(r.output.trimEnd().endsWith("99999\n100000")).toBe(true);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(16 * 1024);
    expect(r.output.split("\n").length).toBeLessThanOrEqual(300);
    expect(r.output).toMatch(/\[\.\.\. \d+ lines, \d+ bytes omitted; full output \(100000 lines/);
    expect(r.truncated).toMatchObject({ totalLines: 100000, totalBytes: 588895 });
    const { fullOutputPath } = r.truncated;
    expect(path.basename(fullOutputPath)).toMatch(/^bash-call_\d+-[0-9a-f]{6}\.txt$/);
    expect(r.output).toContain(fullOutputPath);

    const read = await ws.run(fileReadTool, { path: fullOutputPath, offset: 50000, limit: 2 });
    expect(read.content).toBe(" 50000\t50000\n 50001\t50001");
    expect(read.totalLines).toBe(100000);
  });

  it("caps a few very long lines by bytes", async () => {
    const r = await ws.run(bashTool, { script: "for i in 1 2 3; do head -c 20000 /dev/zero | tr '\\0' x; echo; done" });
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(16 * 1024);
    expect(r.truncated.totalLines).toBe(3);
    expect((await fs.stat(r.truncated.fullOutputPath)).size).toBe(60003);
  });

  it("keeps the full output of a command that prints more than the in-memory limit", async () => {
    const r = await ws.run(bashTool, { script: "head -c 12000000 /dev/zero | tr '\\0' a | fold -w 99; echo END" });
    expect(r.exitCode).toBe(0);
    expect(r.output.trimEnd().endsWith("END")).toBe(true);
    const saved = await fs.stat(r.truncated.fullOutputPath);
    expect(saved.size).toBe(r.truncated.totalBytes);
    expect(saved.size).toBe(12000000 + Math.floor(12000000 / 99) + 4);
  });

  it("reports binary output as binary with its size, and saves it byte for byte", async () => {
    const r = await ws.run(bashTool, { script: "printf 'ab\\0cd'; head -c 100000 /dev/urandom" });
    expect(r.exitCode).toBe(0);
    expect(r.binary).toBe(true);
    expect(r.output).toMatch(/^\[binary output \(NUL bytes\), 97\.7 KB, not shown; saved to \S+/);
    expect(r.truncated.totalBytes).toBe(100005);
    const saved = await fs.readFile(r.truncated.fullOutputPath);
    expect(saved.length).toBe(100005);
    expect(saved.subarray(0, 5)).toEqual(Buffer.from("ab\0cd"));
    expect(ws.outputs.map((o) => o.text).join("")).toBe("[binary output (NUL bytes): not shown]\n");
  });

  it("streams a flood of output live in a bounded amount, ending with its tail", async () => {
    const r = await ws.run(bashTool, { script: "seq 1 2000000" });
    expect(r.truncated.totalLines).toBe(2000000);
    const live = ws.outputs.map((o) => o.text).join("");
    expect(live.length).toBeLessThan(2 * 1024 * 1024);
    expect(live.endsWith("1999999\n2000000\n")).toBe(true);
  });

  it("on timeout returns a result (not an error) and kills the whole process group", async () => {
    const started = Date.now();
    const r = await ws.run(bashTool, { script: SPAWN_TREE, timeout_secs: 1 });
    expect(r).toMatchObject({ exitCode: null, timedOut: true, note: expect.stringContaining("killed after 1s") });
    expect(r.output).toContain("started");
    expect(Date.now() - started).toBeLessThan(10_000);
    await expectAllGone(path.join(ws.root, "pids"));
  });

  it("on abort returns {aborted} and kills the whole process group", async () => {
    const pending = ws.run(bashTool, { script: SPAWN_TREE, timeout_secs: 60 });
    const deadline = Date.now() + 10_000;
    while (!ws.outputs.some((o) => o.text.includes("started")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    ws.abort.abort();
    const r = await pending;
    expect(r.aborted).toBe(true);
    expect(r.output).toContain("started");
    await expectAllGone(path.join(ws.root, "pids"));
  });

  it("rejects timeouts over 600 seconds with a clear message", async () => {
    const parsed = bashTool.inputSchema.safeParse({ script: "true", timeout_secs: 601 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toContain("at most 600");
    await expect(bashTool.execute({ script: "true", timeout_secs: 601 }, ws.ctx())).rejects.toThrow(ToolError);
  });
});
