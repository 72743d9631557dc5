import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "jsonc-parser";
import type { z } from "zod";
import type { McpServerInputSchema, McpServerViewSchema } from "../api/mcp.js";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { ConfigError } from "../config/errors.js";
import { removeJsoncProperty, removeJsoncPropertyIfEmpty, setJsoncValue } from "../config/jsoncEdit.js";
import { withFileLock } from "../config/lock.js";
import { globalMcpFile, type McpServerSpec, parseMcpConfig } from "./config.js";
import { registerSpecSecrets } from "./connection.js";

export type McpServerView = z.infer<typeof McpServerViewSchema>;
export type McpServerInput = z.infer<typeof McpServerInputSchema>;

/** What Settings and `mux mcp list` show of a server: never the values of its env or headers. */
export function serverView(spec: McpServerSpec, env: NodeJS.ProcessEnv): McpServerView {
  registerSpecSecrets(spec, env);
  const base = {
    name: spec.name,
    scope: spec.scope,
    file: spec.file,
    disabled: spec.disabled,
    ...(spec.toolAllowlist ? { toolAllowlist: spec.toolAllowlist } : {}),
  };
  if (spec.transport === "stdio") {
    return {
      ...base,
      transport: "stdio",
      command: spec.command,
      ...(spec.args ? { args: spec.args } : {}),
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      envKeys: Object.keys(spec.env ?? {}),
      headerKeys: [],
    };
  }
  return { ...base, transport: spec.transport, url: spec.url, envKeys: [], headerKeys: Object.keys(spec.headers ?? {}) };
}

const NEW_FILE = `{
  // MCP servers whose tools Mux's agents may use (see the README: "MCP servers").
  "servers": {}
}
`;

function readForEdit(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return NEW_FILE;
    throw err;
  }
  // Never rewrite a file we cannot read: the user's content would be at risk.
  parseMcpConfig(text, file, "global");
  return text;
}

/** Changes the global mcp.jsonc under its lock: comments kept, written atomically, private to the user. */
async function editGlobal(env: NodeJS.ProcessEnv, change: (text: string, file: string) => string): Promise<void> {
  const file = globalMcpFile(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  await withFileLock(`${file}.lock`, async () => {
    const text = change(readForEdit(file), file);
    parseMcpConfig(text, file, "global"); // the result must be valid, or nothing is written
    await writeFileAtomic(file, text, { mode: 0o600 });
  });
}

const SERVER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Adds or changes a server in the global file. A plain stdio command stays (or becomes) the
 * original's one-line form; anything more is an object whose other fields, and the comments
 * around them, stay. `env` and `headers` values: a string sets one, null removes it, a key left
 * out keeps its value (the browser never sees them).
 */
export async function saveServer(input: McpServerInput, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!SERVER_NAME.test(input.name)) throw new ConfigError(`"${input.name}" is not a server name: use letters, digits, ".", "_" or "-"`);
  await editGlobal(env, (text, file) => {
    const at = ["servers", input.name];
    const raw = (parse(text, [], { allowTrailingComma: true }) as { servers?: Record<string, unknown> } | undefined)?.servers?.[input.name];
    const was = raw === undefined ? undefined : parseMcpConfig(text, file, "global")[input.name];
    const stdio = input.transport === "stdio";
    if (stdio && !input.command?.trim()) throw new ConfigError("a stdio server needs a command");
    if (!stdio && !input.url?.trim()) throw new ConfigError("an HTTP server needs a URL");
    const wasObject = raw !== undefined && typeof raw === "object";
    const keptEnv = was?.transport === "stdio" ? Object.keys(was.env ?? {}).filter((k) => input.env?.[k] !== null) : [];
    const addsEnv = Object.values(input.env ?? {}).some((v) => v !== null);
    const plain = stdio && !input.args?.length && !input.cwd && !keptEnv.length && !addsEnv && !(input.disabled ?? was?.disabled) && !was?.toolAllowlist;
    if (plain) return setJsoncValue(text, at, input.command?.trim());
    let out = wasObject ? text : setJsoncValue(text, at, {});
    const set = (field: string, value: unknown) => {
      out = setJsoncValue(out, [...at, field], value);
    };
    const setEach = (field: "env" | "headers", values: Record<string, string | null> | undefined) => {
      for (const [k, v] of Object.entries(values ?? {})) out = setJsoncValue(out, [...at, field, k], v ?? undefined);
      out = removeJsoncPropertyIfEmpty(out, [...at, field]);
    };
    if (stdio) {
      for (const field of ["url", "headers"]) set(field, undefined);
      set("transport", wasObject && (raw as { transport?: unknown }).transport !== undefined ? "stdio" : undefined);
      set("command", input.command?.trim());
      set("args", input.args?.length ? input.args : undefined);
      set("cwd", input.cwd || undefined);
      setEach("env", input.env);
    } else {
      for (const field of ["command", "args", "cwd", "env"]) set(field, undefined);
      set("url", input.url?.trim());
      set("transport", input.transport === "auto" ? undefined : input.transport);
      setEach("headers", input.headers);
    }
    if (input.disabled !== undefined) set("disabled", input.disabled || undefined);
    return out;
  });
}

export async function removeServer(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await editGlobal(env, (text, file) => {
    if (!parseMcpConfig(text, file, "global")[name]) throw new ConfigError(`no MCP server "${name}" in ${file}`);
    return removeJsoncProperty(text, ["servers", name]);
  });
}

/** Turns a server of the global file on or off for every workspace that does not choose itself. */
export async function setServerDisabled(name: string, disabled: boolean, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await editGlobal(env, (text, file) => {
    const spec = parseMcpConfig(text, file, "global")[name];
    if (!spec) throw new ConfigError(`no MCP server "${name}" in ${file}`);
    const at = ["servers", name];
    const raw = (parse(text, [], { allowTrailingComma: true }) as { servers: Record<string, unknown> }).servers[name];
    if (typeof raw === "string") return disabled ? setJsoncValue(text, at, { command: raw, disabled: true }) : text;
    return setJsoncValue(text, [...at, "disabled"], disabled || undefined);
  });
}
