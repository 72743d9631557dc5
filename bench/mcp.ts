/**
 * `npm run bench:mcp`: what Mux adds to an MCP tool call over a stdio server's own time. Three
 * medians of calls of the test server's `echo`, nothing asserted; the three take turns in
 * batches of BATCH calls (ROUNDS rounds, after a warm-up), so a busy machine slows them alike:
 *
 *   server   raw JSON-RPC lines written to the server's stdin and read back: the server's own
 *            time plus the pipes (the floor any client pays)
 *   sdk      the official SDK client's callTool on its own
 *   mux      the agent's path: executeTool (validation, capping, redaction) → the MCP tool →
 *            McpManager → SDK client
 *
 * "mux − server" is Mux's overhead per call; the target is < 5 ms.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { executeTool } from "../src/agent/executeTool.js";
import { McpManager } from "../src/mcp/manager.js";
import { LocalRuntime } from "../src/runtime/local.js";
import { median } from "./measure.js";

const ROUNDS = 20;
const BATCH = 20;
const WARMUP = 30;
const SERVER = fileURLToPath(new URL("../test/mcp/stdioServer.mjs", import.meta.url));

interface Caller {
  call: () => Promise<unknown>;
  close: () => Promise<void>;
  times: number[];
}

async function batch(c: Caller, n: number, keep: boolean): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await c.call();
    if (keep) c.times.push(performance.now() - t);
  }
}

/** The floor: JSON-RPC lines straight to the server's stdin, answers matched by id. */
async function raw(): Promise<Caller> {
  const child = spawn(process.execPath, [SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const waiting = new Map<number, () => void>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const msg = JSON.parse(line) as { id?: number };
    if (msg.id !== undefined) waiting.get(msg.id)?.();
  });
  let id = 0;
  const request = (method: string, params: unknown) =>
    new Promise<void>((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: n, method, params })}\n`);
    });
  await request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "0" } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
  return {
    call: () => request("tools/call", { name: "echo", arguments: { text: "hi" } }),
    close: async () => void child.kill(),
    times: [],
  };
}

async function sdk(): Promise<Caller> {
  const client = new Client({ name: "bench", version: "0" });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER] }));
  return { call: () => client.callTool({ name: "echo", arguments: { text: "hi" } }), close: () => client.close(), times: [] };
}

async function mux(): Promise<Caller> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-bench-mcp-"));
  fs.writeFileSync(path.join(root, "mcp.jsonc"), JSON.stringify({ servers: { b: { command: process.execPath, args: [SERVER] } } }));
  const manager = new McpManager({ MUX_ROOT: root });
  const { tools } = await manager.tools({ id: "bench", cwd: root, stateDir: path.join(root, "s") });
  const echo = tools.find((t) => t.name === "b_echo");
  // One signal for all calls, as in a turn.
  const ctx = { runtime: new LocalRuntime(root), toolCallId: "c", signal: new AbortController().signal, session: { todos: [] }, onOutput: () => {} };
  return {
    call: () => executeTool(echo, "b_echo", { text: "hi" }, ctx),
    close: async () => {
      await manager.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
    times: [],
  };
}

const callers = [await raw(), await sdk(), await mux()];
for (const c of callers) await batch(c, WARMUP, false);
for (let r = 0; r < ROUNDS; r++) for (const c of callers) await batch(c, BATCH, true);
await Promise.all(callers.map((c) => c.close()));
const [server, viaSdk, viaMux] = callers.map((c) => median(c.times));
const f = (ms: number) => `${ms.toFixed(3)} ms`;
console.log(`MCP tool call, stdio, median of ${ROUNDS * BATCH} each:`);
console.log(`  server (raw JSON-RPC)  ${f(server)}`);
console.log(`  SDK client             ${f(viaSdk)}`);
console.log(`  Mux tool call          ${f(viaMux)}`);
console.log(`  Mux overhead over the server's own time: ${f(viaMux - server)} (target < 5 ms)`);
