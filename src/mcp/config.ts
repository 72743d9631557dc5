import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { locate, parseJsonc } from "../config/jsonc.js";
import { muxRoot } from "../config/paths.js";

/**
 * MCP servers, as the original Mux declares them in `mcp.jsonc` (global: `MUX_ROOT/mcp.jsonc`;
 * a project's: `<project>/.mux/mcp.jsonc`), so its users' files work unchanged:
 *
 *   { "servers": {
 *       "memory": "npx -y @modelcontextprotocol/server-memory",          // a shell command line (stdio)
 *       "local": { "command": "node", "args": ["srv.js"], "env": {…}, "cwd": "…" },  // stdio
 *       "api": { "url": "https://…", "headers": { "Authorization": "…" } }, // Streamable HTTP
 *   } }
 *
 * Objects may also say `"transport"` (`stdio`, `http`, `sse`, `auto`: the original's), `"disabled":
 * true` (off unless a workspace turns it on) and `"toolAllowlist"` (only these tools). A header
 * may be `{ "secret": "NAME" }`, read from the environment variable NAME.
 */

export type McpTransport = "stdio" | "http" | "sse" | "auto";
export type McpScope = "global" | "project";

interface Common {
  name: string;
  disabled: boolean;
  /** Only these of its tools (raw names); absent: all. */
  toolAllowlist?: string[];
  scope: McpScope;
  file: string;
}

export interface McpStdioSpec extends Common {
  transport: "stdio";
  /** Without `args`: a shell command line; with them: the program itself. */
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export type McpHeaderValue = string | { secret: string };

export interface McpHttpSpec extends Common {
  transport: "http" | "sse" | "auto";
  url: string;
  headers?: Record<string, McpHeaderValue>;
}

export type McpServerSpec = McpStdioSpec | McpHttpSpec;

export interface McpConfig {
  /** By name; a project's server of the same name replaces the global one. */
  servers: Record<string, McpServerSpec>;
  /** What could not be read (a syntax error names file:line:column); the rest still works. */
  problems: string[];
}

export function globalMcpFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(muxRoot(env), "mcp.jsonc");
}

export function projectMcpFile(projectPath: string): string {
  return path.join(projectPath, ".mux", "mcp.jsonc");
}

function fail(text: string, file: string, at: (string | number)[], message: string): never {
  const where = locate(text, at);
  const pos = where ? `:${where.line}:${where.column}` : "";
  throw new ConfigError(`${file}${pos}: ${message}`, file, where?.line, where?.column);
}

function stringRecord(value: unknown, text: string, file: string, at: (string | number)[]): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(text, file, at, "expected an object of strings");
  for (const [k, v] of Object.entries(value)) if (typeof v !== "string") fail(text, file, [...at, k], "expected a string");
  return value as Record<string, string>;
}

function parseEntry(name: string, entry: unknown, text: string, file: string, scope: McpScope): McpServerSpec {
  const at = ["servers", name];
  if (typeof entry === "string") {
    if (!entry.trim()) fail(text, file, at, `server "${name}": the command is empty`);
    return { name, transport: "stdio", command: entry, disabled: false, scope, file };
  }
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) fail(text, file, at, `server "${name}": expected a command line or an object`);
  const o = entry as Record<string, unknown>;
  const disabled = o.disabled === undefined ? false : o.disabled;
  if (typeof disabled !== "boolean") fail(text, file, [...at, "disabled"], "expected true or false");
  let toolAllowlist: string[] | undefined;
  if (o.toolAllowlist !== undefined) {
    if (!Array.isArray(o.toolAllowlist) || o.toolAllowlist.some((t) => typeof t !== "string"))
      fail(text, file, [...at, "toolAllowlist"], "expected a list of tool names");
    toolAllowlist = o.toolAllowlist as string[];
  }
  const transport = o.transport;
  if (transport !== undefined && transport !== "stdio" && transport !== "http" && transport !== "sse" && transport !== "auto") {
    fail(text, file, [...at, "transport"], 'expected "stdio", "http", "sse" or "auto"');
  }
  const common = { name, disabled, ...(toolAllowlist ? { toolAllowlist } : {}), scope, file };
  if (typeof o.url === "string" && transport !== "stdio") {
    let headers: Record<string, McpHeaderValue> | undefined;
    if (o.headers !== undefined) {
      if (!o.headers || typeof o.headers !== "object" || Array.isArray(o.headers)) fail(text, file, [...at, "headers"], "expected an object");
      headers = {};
      for (const [k, v] of Object.entries(o.headers)) {
        if (typeof v === "string") headers[k] = v;
        else if (v && typeof v === "object" && typeof (v as { secret?: unknown }).secret === "string")
          headers[k] = { secret: (v as { secret: string }).secret };
        else fail(text, file, [...at, "headers", k], 'expected a string or { "secret": "ENV_NAME" }');
      }
    }
    try {
      new URL(o.url);
    } catch {
      fail(text, file, [...at, "url"], `server "${name}": not a URL`);
    }
    return { ...common, transport: transport ?? "auto", url: o.url, ...(headers ? { headers } : {}) } as McpHttpSpec;
  }
  if (typeof o.command !== "string" || !o.command.trim()) fail(text, file, at, `server "${name}": needs a "command" (stdio) or a "url" (HTTP)`);
  let args: string[] | undefined;
  if (o.args !== undefined) {
    if (!Array.isArray(o.args) || o.args.some((a) => typeof a !== "string")) fail(text, file, [...at, "args"], "expected a list of strings");
    args = o.args as string[];
  }
  if (o.cwd !== undefined && typeof o.cwd !== "string") fail(text, file, [...at, "cwd"], "expected a string");
  const env = stringRecord(o.env, text, file, [...at, "env"]);
  return {
    ...common,
    transport: "stdio",
    command: o.command,
    ...(args ? { args } : {}),
    ...(env ? { env } : {}),
    ...(typeof o.cwd === "string" ? { cwd: o.cwd } : {}),
  };
}

/** The servers a file declares; a ConfigError (naming file:line:column) when it cannot be read. */
export function parseMcpConfig(text: string, file: string, scope: McpScope): Record<string, McpServerSpec> {
  const raw = parseJsonc(text, file);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) fail(text, file, [], 'expected an object with "servers"');
  const servers = (raw as { servers?: unknown }).servers;
  if (servers === undefined) return {};
  if (!servers || typeof servers !== "object" || Array.isArray(servers)) fail(text, file, ["servers"], "expected an object of servers by name");
  const out: Record<string, McpServerSpec> = {};
  for (const [name, entry] of Object.entries(servers)) out[name] = parseEntry(name, entry, text, file, scope);
  return out;
}

/** A file's servers, or nothing (and a problem) when it is missing or broken. */
function readFile(file: string, scope: McpScope, problems: string[]): Record<string, McpServerSpec> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") problems.push(`${file}: cannot read: ${(err as Error).message}`);
    return {};
  }
  try {
    return parseMcpConfig(text, file, scope);
  } catch (err) {
    problems.push((err as Error).message);
    return {};
  }
}

/**
 * The servers a workspace may use: the global file's, and the project's when the user trusts
 * the project (a repository's file may start any program). Read on each call, so edits apply to
 * the next turn; a missing file costs one failed open.
 */
export function loadMcpConfig(env: NodeJS.ProcessEnv, project?: { path: string; trusted: boolean }): McpConfig {
  const problems: string[] = [];
  const servers = readFile(globalMcpFile(env), "global", problems);
  if (project?.trusted) Object.assign(servers, readFile(projectMcpFile(project.path), "project", problems));
  return { servers, problems };
}

/** A run's own servers (`mux run --mcp name=command`), and whether the mcp.jsonc files count (`--no-mcp-config`). */
export interface RunMcpServers {
  servers: Record<string, McpServerSpec>;
  configFiles: boolean;
}

/** `--mcp name=command`: a stdio server, as a string entry of mcp.jsonc would be. */
export function runMcpServer(name: string, command: string): McpServerSpec {
  return { name, transport: "stdio", command, disabled: false, scope: "global", file: "--mcp" };
}

/** The servers of a workspace, with a run's own added (and the files left out when it says so). */
export function mcpConfigFor(env: NodeJS.ProcessEnv, project?: { path: string; trusted: boolean }, run?: RunMcpServers): McpConfig {
  const base = run?.configFiles === false ? { servers: {}, problems: [] } : loadMcpConfig(env, project);
  return run ? { servers: { ...base.servers, ...run.servers }, problems: base.problems } : base;
}

/** A project that has an mcp.jsonc the user has not trusted (told once, so they know why its servers are off). */
export function untrustedProjectFile(project: { path: string; trusted: boolean } | undefined): string | undefined {
  if (!project || project.trusted) return undefined;
  const file = projectMcpFile(project.path);
  return fs.existsSync(file) ? file : undefined;
}
