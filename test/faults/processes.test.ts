/**
 * Fault suite: processes. A Mux process killed with -9 (mid-tool, or left a zombie), and tools
 * that print floods of text or binary. Real `mux run` processes against the fake provider.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { lastEvent, runMux } from "../helpers/mux.js";
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
