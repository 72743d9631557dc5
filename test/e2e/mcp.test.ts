import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";
import { startHttpMcp, type TestHttpMcp } from "../mcp/httpServer.js";

const KEY = "sk-ant-mcp-test-0123456789abcdef";
const HEADER_SECRET = "mcp-http-bearer-9876543210abcdef";
const STDIO_SERVER = path.resolve(import.meta.dirname, "../mcp/stdioServer.mjs");

let fake: FakeProvider;
let dirs: TempDirs;
let http: TestHttpMcp;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});
beforeAll(async () => {
  http = await startHttpMcp(HEADER_SECRET);
});
afterAll(() => http.close());

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const run = (dir: string, args: string[]) => runMux(["run", "--dir", dir, "-m", "sonnet", "--json", ...args], { env: env() });
const mux = (args: string[], cwd?: string) => runMux(args, { env: { MUX_ROOT: dirs.muxRoot }, cwd });
const toolNames = (i: number): string[] => (fake.requests[i].body.tools ?? []).map((t: { name: string }) => t.name);

function configure(file: string, servers: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `// MCP servers for the test\n${JSON.stringify({ servers }, null, 2)}\n`);
}

it("the model calls tools of a stdio and a Streamable HTTP server; each result reaches the next request", async () => {
  configure(path.join(dirs.muxRoot, "mcp.jsonc"), {
    local: { command: process.execPath, args: [STDIO_SERVER] },
    web: { url: http.url, headers: { Authorization: `Bearer ${HEADER_SECRET}` } },
  });
  fake.enqueue(
    { toolCalls: [{ name: "local_echo", args: { text: "from the model" } }] },
    { toolCalls: [{ name: "web_echo", args: { text: "over http" } }] },
    { text: "Both answered." },
  );
  const r = await run(dirs.workspace, ["use the tools"]);
  expect(r.code, r.stderr).toBe(0);
  expect(toolNames(0)).toEqual(expect.arrayContaining(["bash", "local_echo", "local_pid", "web_echo"]));
  expect(JSON.stringify(fake.requests[1].body.messages)).toContain("stdio echo: from the model");
  expect(JSON.stringify(fake.requests[2].body.messages)).toContain("http echo: over http");
  expect(lastEvent(r.events, "run-complete")?.text).toBe("Both answered.");
  // The header's value went to the server and nowhere else.
  expect(http.seenAuth).toContain(`Bearer ${HEADER_SECRET}`);
  const listed = await mux(["mcp", "list", "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  expect(JSON.parse(listed.stdout).servers.find((s: { name: string }) => s.name === "web").headerKeys).toEqual(["Authorization"]);
  expect(listed.stdout).not.toContain(HEADER_SECRET);
});

it("a tool error goes back to the model as a failed tool result", async () => {
  configure(path.join(dirs.muxRoot, "mcp.jsonc"), { local: `${process.execPath} ${STDIO_SERVER}` });
  fake.enqueue({ toolCalls: [{ name: "local_fail", args: {} }] }, { text: "It failed." });
  const r = await run(dirs.workspace, ["try"]);
  expect(r.code, r.stderr).toBe(0);
  expect(lastEvent(r.events, "tool-call-end")).toMatchObject({ toolName: "local_fail", isError: true });
  expect(JSON.stringify(fake.requests[1].body.messages)).toContain("the tool failed on purpose");
});

it("a malformed mcp.jsonc is named with its line, and the run goes on without it", async () => {
  fs.writeFileSync(path.join(dirs.muxRoot, "mcp.jsonc"), '{\n  "servers": {\n    "a": "x"\n    "b": "y"\n  }\n}\n');
  fake.enqueue({ text: "Fine." });
  const r = await run(dirs.workspace, ["hello"]);
  expect(r.code, r.stderr).toBe(0);
  const notice = r.events.find((e) => e.type === "notice");
  expect(notice).toMatchObject({ text: expect.stringContaining(`${path.join(dirs.muxRoot, "mcp.jsonc")}:4:5:`) });
  expect(toolNames(0)).not.toContain("a_echo");
  const listed = await mux(["mcp", "list"]);
  expect(listed.stdout).toContain(`${path.join(dirs.muxRoot, "mcp.jsonc")}:4:5:`);
});

it("a workspace can turn a server off; a project's own servers count only once the project is trusted", async () => {
  const repo = makeRepo(path.join(dirs.base, "app"));
  configure(path.join(dirs.muxRoot, "mcp.jsonc"), { local: { command: process.execPath, args: [STDIO_SERVER] } });
  configure(path.join(repo, ".mux", "mcp.jsonc"), { repo: { command: process.execPath, args: [STDIO_SERVER, "repo"] } });

  fake.enqueue({ text: "one" });
  const first = await run(repo, ["--workspace", "feat", "hi"]);
  expect(first.code, first.stderr).toBe(0);
  expect(toolNames(0)).toContain("local_echo");
  expect(toolNames(0)).not.toContain("repo_echo");
  expect(first.events.some((e) => e.type === "notice" && e.text.includes("mux mcp trust"))).toBe(true);

  expect((await mux(["mcp", "trust", repo])).code).toBe(0);
  const off = await mux(["mcp", "disable", "local", "--workspace", "feat", "--project", repo]);
  expect(off.code, off.stderr).toBe(0);
  fake.enqueue({ toolCalls: [{ name: "repo_echo", args: { text: "x" } }] }, { text: "two" });
  const second = await run(repo, ["--workspace", "feat", "again"]);
  expect(second.code, second.stderr).toBe(0);
  expect(toolNames(1)).toContain("repo_echo");
  expect(toolNames(1).some((n) => n.startsWith("local_"))).toBe(false);
  expect(JSON.stringify(fake.requests[2].body.messages)).toContain("repo echo: x");
  const listed = JSON.parse((await mux(["mcp", "list", "--json", "--workspace", "feat", "--project", repo])).stdout);
  expect(listed.servers.map((s: { name: string; status: { enabled: boolean } }) => [s.name, s.status.enabled])).toEqual([
    ["local", false],
    ["repo", true],
  ]);
});

it("plan mode offers only the tools the server marks read-only", async () => {
  configure(path.join(dirs.muxRoot, "mcp.jsonc"), { local: { command: process.execPath, args: [STDIO_SERVER] } });
  fake.enqueue({ text: "A plan." });
  const r = await run(dirs.workspace, ["--mode", "plan", "think first"]);
  expect(r.code, r.stderr).toBe(0);
  expect(toolNames(0)).toContain("local_echo");
  expect(toolNames(0).filter((n) => n.startsWith("local_"))).toEqual(["local_echo"]);
});

it("mux run --mcp name=command adds a server for the run; --no-mcp-config leaves the files out (the original's flags)", async () => {
  configure(path.join(dirs.muxRoot, "mcp.jsonc"), { filed: { command: process.execPath, args: [STDIO_SERVER] } });
  const own = `own=${JSON.stringify(process.execPath)} ${JSON.stringify(STDIO_SERVER)}`;
  fake.enqueue({ toolCalls: [{ name: "own_echo", args: { text: "given on the command line" } }] }, { text: "Done." });
  const both = await run(dirs.workspace, ["--mcp", own, "use it"]);
  expect(both.code, both.stderr).toBe(0);
  expect(toolNames(0)).toEqual(expect.arrayContaining(["own_echo", "filed_echo"]));
  expect(JSON.stringify(fake.requests[1].body.messages)).toContain("stdio echo: given on the command line");
  expect(both.stderr).not.toMatch(/--mcp has no effect/);

  fake.reset();
  fake.enqueue({ text: "Only mine." });
  const only = await run(dirs.workspace, ["--mcp", own, "--no-mcp-config", "again"]);
  expect(only.code, only.stderr).toBe(0);
  expect(toolNames(0)).toContain("own_echo");
  expect(toolNames(0)).not.toContain("filed_echo");

  const bad = await run(dirs.workspace, ["--mcp", "no-command-here", "x"]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/--mcp takes name=command/);
});
