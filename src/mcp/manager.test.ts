import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHttpMcp, type TestHttpMcp } from "../../test/mcp/httpServer.js";
import { LocalRuntime } from "../runtime/local.js";
import type { ToolDefinition } from "../tools/types.js";
import { executeTool } from "../agent/executeTool.js";
import { McpManager, type McpWorkspace } from "./manager.js";
import { setEnabled } from "./overrides.js";

const STDIO_SERVER = path.resolve(import.meta.dirname, "../../test/mcp/stdioServer.mjs");
const TOKEN = "mcp-header-secret-0123456789";

let root: string;
let manager: McpManager;
let http: TestHttpMcp;
let ws: McpWorkspace;

beforeAll(async () => {
  http = await startHttpMcp(TOKEN);
});
afterAll(() => http.close());
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-mcp-"));
  manager = new McpManager({ MUX_ROOT: root, TEST_TOKEN: `Bearer ${TOKEN}` });
  ws = { id: "ws1", cwd: root, stateDir: path.join(root, "sessions", "ws1") };
});
afterEach(async () => {
  await manager.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function configure(servers: Record<string, unknown>): void {
  fs.writeFileSync(path.join(root, "mcp.jsonc"), JSON.stringify({ servers }, null, 2));
}

async function call(tools: ToolDefinition[], name: string, input: unknown = {}) {
  return executeTool(
    tools.find((t) => t.name === name),
    name,
    input,
    { runtime: new LocalRuntime(root), toolCallId: "c1", signal: new AbortController().signal, session: { todos: [] }, onOutput: () => {} },
  );
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

describe("McpManager", () => {
  it("without configured servers a turn gets no tools and nothing starts", async () => {
    const result = await manager.tools(ws);
    expect(result).toEqual({ tools: [], notices: [] });
  });

  it("gives a stdio server's tools as <server>_<tool>; results, errors and long output come back like other tools'", async () => {
    configure({ "my.srv": { command: process.execPath, args: [STDIO_SERVER] } });
    const { tools, notices } = await manager.tools(ws);
    expect(notices).toEqual([]);
    expect(tools.map((t) => t.name).sort()).toEqual(["my_srv_big", "my_srv_crash", "my_srv_echo", "my_srv_fail", "my_srv_pid", "my_srv_where"]);
    const echo = tools.find((t) => t.name === "my_srv_echo")!;
    expect(echo.mutates).toBe(false);
    expect(echo.jsonSchema).toMatchObject({ type: "object", properties: { text: { type: "string" } } });
    expect(await call(tools, "my_srv_echo", { text: "hi" })).toMatchObject({ result: "stdio echo: hi", isError: false });
    expect(await call(tools, "my_srv_fail")).toMatchObject({ result: { error: "the tool failed on purpose" }, isError: true });
    const big = (await call(tools, "my_srv_big")).result as string;
    expect(big).toMatch(/\[output truncated: showing .* of .*, 2000 lines\]$/);
    expect(big.split("\n").length).toBeLessThan(310);
    expect(manager.status(ws).servers).toEqual([
      { name: "my.srv", scope: "global", enabled: true, state: "connected", tools: expect.arrayContaining(["echo", "pid"]) },
    ]);
  });

  it("a string entry is a shell command line", async () => {
    configure({ sh: `${process.execPath} ${STDIO_SERVER} shell` });
    const { tools } = await manager.tools(ws);
    expect(await call(tools, "sh_echo", { text: "x" })).toMatchObject({ result: "shell echo: x" });
  });

  it("reaches a Streamable HTTP server with its headers (a secret from the environment)", async () => {
    configure({ web: { url: http.url, headers: { Authorization: { secret: "TEST_TOKEN" } } } });
    const { tools, notices } = await manager.tools(ws);
    expect(notices).toEqual([]);
    expect(await call(tools, "web_echo", { text: "over http" })).toMatchObject({ result: "http echo: over http", isError: false });
    expect(http.seenAuth.at(-1)).toBe(`Bearer ${TOKEN}`);
  });

  it("a server that fails to start is a notice with its reason; the others still work", async () => {
    configure({ web: { url: http.url }, ok: { command: process.execPath, args: [STDIO_SERVER] } });
    const { tools, notices } = await manager.tools(ws);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^MCP server "web" is not available: .*unauthorized/);
    expect(tools.some((t) => t.name === "ok_echo")).toBe(true);
    expect(manager.status(ws).servers.find((s) => s.name === "web")).toMatchObject({ state: "error", error: expect.stringContaining("unauthorized") });
  });

  it("restarts a server that crashed on its own; the next call reaches the new process", async () => {
    configure({ s: { command: process.execPath, args: [STDIO_SERVER] } });
    const { tools } = await manager.tools(ws);
    const before = (await call(tools, "s_pid")).result;
    const crashed = await call(tools, "s_crash");
    expect(crashed.isError).toBe(true);
    // Nothing asks for it: the manager brings it back after its back-off.
    await until(() => manager.status(ws).servers[0].state === "error");
    await until(() => manager.status(ws).servers[0].state === "connected");
    const after = await call(tools, "s_pid");
    expect(after.isError).toBe(false);
    expect(after.result).not.toBe(before);
  });

  it("a server disabled in the config or for the workspace gives no tools; a workspace can turn one on", async () => {
    configure({ on: { command: process.execPath, args: [STDIO_SERVER] }, off: { command: process.execPath, args: [STDIO_SERVER], disabled: true } });
    expect((await manager.tools(ws)).tools.map((t) => t.name).filter((n) => n.startsWith("off_"))).toEqual([]);
    await setEnabled(ws.stateDir, "on", false);
    await setEnabled(ws.stateDir, "off", true);
    const names = (await manager.tools(ws)).tools.map((t) => t.name);
    expect(names.some((n) => n.startsWith("on_"))).toBe(false);
    expect(names).toContain("off_echo");
    expect(manager.status(ws).servers.find((s) => s.name === "on")).toMatchObject({ enabled: false, state: "disabled" });
  });

  it("reads the original Mux's .mux/mcp.local.jsonc in the workspace until the workspace chooses here", async () => {
    configure({ a: { command: process.execPath, args: [STDIO_SERVER] }, b: { command: process.execPath, args: [STDIO_SERVER], disabled: true } });
    fs.mkdirSync(path.join(root, ".mux"));
    fs.writeFileSync(path.join(root, ".mux", "mcp.local.jsonc"), '{ "disabledServers": ["a"], "enabledServers": ["b"] }');
    expect(manager.status(ws).servers.map((s) => [s.name, s.enabled])).toEqual([
      ["a", false],
      ["b", true],
    ]);
    // A choice made here starts from the original's and is kept beside the chat.
    await setEnabled(ws.stateDir, "a", true, ws.cwd);
    expect(manager.status(ws).servers.map((s) => [s.name, s.enabled])).toEqual([
      ["a", true],
      ["b", true],
    ]);
  });

  it("keeps only allowlisted tools", async () => {
    configure({ s: { command: process.execPath, args: [STDIO_SERVER], toolAllowlist: ["echo"] } });
    expect((await manager.tools(ws)).tools.map((t) => t.name)).toEqual(["s_echo"]);
  });

  it("stops a server no turn used for a while; the next call starts it again", async () => {
    await manager.close();
    manager = new McpManager({ MUX_ROOT: root }, 300);
    configure({ s: { command: process.execPath, args: [STDIO_SERVER] } });
    const { tools } = await manager.tools(ws);
    const pid = Number((await call(tools, "s_pid")).result);
    await until(() => manager.status(ws).servers[0].state === "stopped");
    await until(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const again = await call(tools, "s_pid");
    expect(again.isError).toBe(false);
    expect(Number(again.result)).not.toBe(pid);
  });

  it("stops a workspace's servers with it", async () => {
    configure({ s: { command: process.execPath, args: [STDIO_SERVER] } });
    const { tools } = await manager.tools(ws);
    const pid = Number((await call(tools, "s_pid")).result);
    await manager.stopWorkspace(ws.id);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(manager.status(ws).servers[0].state).toBe("stopped");
  });
});
