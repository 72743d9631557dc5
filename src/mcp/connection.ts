import * as path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { redact, registerSecret } from "../common/redact.js";
import { shq } from "../tools/shellQuote.js";
import type { McpHttpSpec, McpServerSpec, McpStdioSpec } from "./config.js";
import type { RemoteStdio } from "./manager.js";

/** A server that has not answered `initialize` and `tools/list` by then is reported as failing. */
const CONNECT_TIMEOUT_MS = 30_000;
/** A tool may work for long (a build, a crawl); progress notifications restart the clock. */
const CALL_TIMEOUT_MS = 10 * 60_000;
/** What a crashed server last printed on stderr, to say why it failed. */
const STDERR_TAIL_CHARS = 2_000;

export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  /** The server says the tool changes nothing (plan mode may use it). */
  readOnly: boolean;
}

/** The secrets a server's settings carry, redacted from everything Mux shows or stores. */
export function registerSpecSecrets(spec: McpServerSpec, env: NodeJS.ProcessEnv): void {
  if (spec.transport === "stdio") for (const v of Object.values(spec.env ?? {})) registerSecret(v);
  else for (const v of Object.values(spec.headers ?? {})) registerSecret(typeof v === "string" ? v : env[v.secret]);
}

function httpHeaders(spec: McpHttpSpec, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers ?? {})) {
    if (typeof v === "string") out[k] = v;
    else {
      const value = env[v.secret];
      if (value === undefined) throw new Error(`header ${k} needs the environment variable ${v.secret}, which is not set`);
      out[k] = value;
    }
  }
  return out;
}

/**
 * A stdio server of an SSH or container workspace, run over there through the runtime's piped
 * command (ssh, docker exec) with the spec's variables; `end` stops what is left over there.
 */
async function remoteStdioTransport(
  spec: McpStdioSpec,
  remote: RemoteStdio,
  env: NodeJS.ProcessEnv,
): Promise<{ transport: StdioClientTransport; end?: () => Promise<void> }> {
  const runtime = await remote.runtime();
  if (!runtime.pipedCommand) throw new Error(`a ${runtime.type} workspace cannot run stdio MCP servers`);
  const commandLine = spec.args ? [spec.command, ...spec.args].map(shq).join(" ") : spec.command;
  const { file, args, end } = await runtime.pipedCommand(commandLine, spec.env ?? {}, spec.cwd);
  // The local ssh/docker client needs what reaches the agent or engine; the server's own variables went over there.
  const local = Object.fromEntries(CLIENT_ENV.flatMap((k) => (env[k] === undefined ? [] : [[k, env[k] as string]])));
  const transport = new StdioClientTransport({ command: file, args, env: { ...getDefaultEnvironment(), ...local }, stderr: "pipe" });
  return { transport, end };
}

/** What a local ssh or docker client may need from Mux's environment. */
const CLIENT_ENV = ["SSH_AUTH_SOCK", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY"];

function stdioTransport(spec: McpStdioSpec, cwd: string): StdioClientTransport {
  // A command line without args is the original's form: run by the shell (exec: the server is the child we stop).
  const [command, args] = spec.args ? [spec.command, spec.args] : ["/bin/sh", ["-c", `exec ${spec.command}`]];
  return new StdioClientTransport({
    command,
    args,
    env: { ...getDefaultEnvironment(), ...spec.env },
    cwd: spec.cwd ? path.resolve(cwd, spec.cwd) : cwd,
    stderr: "pipe",
  });
}

/** The last lines a server printed on stderr, to say why it failed. */
function lastLines(stderr: string): string {
  const said = stderr.trim().split("\n").slice(-3).join(" | ");
  return said ? ` (stderr: ${said})` : "";
}

/**
 * One running MCP server, through the official SDK's client: connected, its tools listed. It
 * reports an end it did not ask for (the process died, the HTTP session ended) through `onLost`.
 */
export class McpConnection {
  onLost?: (why: string) => void;
  /** Stops what a remote server left running over there. */
  private end?: () => Promise<void>;
  private closing = false;

  private constructor(
    private readonly client: Client,
    readonly tools: McpToolInfo[],
    /** What the server last printed on stderr (stdio). */
    private readonly stderr: { tail: string },
  ) {}

  /** Starts (stdio) or reaches (HTTP) the server; throws a message that says why it failed. */
  static async open(spec: McpServerSpec, cwd: string, env: NodeJS.ProcessEnv, remote?: RemoteStdio): Promise<McpConnection> {
    registerSpecSecrets(spec, env);
    if (spec.transport === "stdio" && remote) {
      const { transport, end } = await remoteStdioTransport(spec, remote, env);
      try {
        const conn = await McpConnection.connect(() => transport);
        conn.end = end;
        return conn;
      } catch (err) {
        await end?.();
        throw err;
      }
    }
    if (spec.transport === "stdio") return McpConnection.connect(() => stdioTransport(spec, cwd));
    const url = new URL(spec.url);
    const requestInit = { headers: httpHeaders(spec, env) };
    if (spec.transport === "sse") return McpConnection.connect(() => new SSEClientTransport(url, { requestInit }));
    try {
      return await McpConnection.connect(() => new StreamableHTTPClientTransport(url, { requestInit }));
    } catch (err) {
      // "auto" (the default for a URL): servers that only speak the older SSE transport still work.
      if (spec.transport !== "auto") throw err;
      try {
        return await McpConnection.connect(() => new SSEClientTransport(url, { requestInit }));
      } catch {
        throw err;
      }
    }
  }

  private static async connect(transport: () => Transport): Promise<McpConnection> {
    const client = new Client({ name: "mux", version: "0.1.0" });
    const t = transport();
    const stderr = { tail: "" };
    const stream = t instanceof StdioClientTransport ? t.stderr : null;
    stream?.on("data", (chunk: Buffer) => {
      stderr.tail = (stderr.tail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    try {
      await client.connect(t, { timeout: CONNECT_TIMEOUT_MS });
      const tools: McpToolInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: CONNECT_TIMEOUT_MS });
        for (const tool of page.tools) {
          tools.push({
            name: tool.name,
            ...(tool.description ? { description: tool.description } : {}),
            inputSchema: tool.inputSchema as Record<string, unknown>,
            readOnly: tool.annotations?.readOnlyHint === true,
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
      const conn = new McpConnection(client, tools, stderr);
      client.onclose = () => {
        if (!conn.closing) conn.onLost?.(conn.lostReason());
      };
      return conn;
    } catch (err) {
      await client.close().catch(() => {});
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(redact(`${why}${lastLines(stderr.tail)}`));
    }
  }

  private lostReason(): string {
    return redact(`the server stopped${lastLines(this.stderr.tail)}`);
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    // The SDK never removes the listener it adds to a request's signal: each call gets its own,
    // tied to the turn's for as long as the call runs (a long turn makes many calls).
    const own = new AbortController();
    const abort = () => own.abort(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
    try {
      return (await this.client.callTool({ name: tool, arguments: args }, undefined, {
        signal: own.signal,
        timeout: CALL_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
      })) as CallToolResult;
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.close().catch(() => {});
    await this.end?.().catch(() => {});
  }
}
