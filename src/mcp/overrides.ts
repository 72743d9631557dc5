import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../config/atomicWrite.js";
import { parseJsonc } from "../config/jsonc.js";
import { setJsoncValue } from "../config/jsoncEdit.js";
import { withFileLock } from "../config/lock.js";
import type { McpServerSpec } from "./config.js";

/**
 * A workspace's own choice of servers, in the shape of the original Mux's `mcp.local.jsonc`
 * (`enabledServers` turns on a server the config disables; `disabledServers` turns one off),
 * kept in the workspace's state directory beside its chat.
 */
export interface McpOverrides {
  enabledServers: string[];
  disabledServers: string[];
}

export const OVERRIDES_FILE = "mcp.local.jsonc";

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function readFile(file: string): McpOverrides | undefined {
  let raw: unknown;
  try {
    raw = parseJsonc(fs.readFileSync(file, "utf8"), file);
  } catch {
    return undefined;
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  return { enabledServers: names(o.enabledServers), disabledServers: names(o.disabledServers) };
}

/**
 * The workspace's choices: its own file, else the one the original Mux keeps in the workspace's
 * directory (`.mux/mcp.local.jsonc`), read as it is; missing or broken: the config's own choice.
 */
export function readOverrides(stateDir: string, workspaceDir?: string): McpOverrides {
  return (
    readFile(path.join(stateDir, OVERRIDES_FILE)) ??
    (workspaceDir ? readFile(path.join(workspaceDir, ".mux", OVERRIDES_FILE)) : undefined) ?? { enabledServers: [], disabledServers: [] }
  );
}

export function isEnabled(spec: McpServerSpec, overrides: McpOverrides): boolean {
  if (overrides.disabledServers.includes(spec.name)) return false;
  if (overrides.enabledServers.includes(spec.name)) return true;
  return !spec.disabled;
}

/** Turns a server on or off for one workspace (written atomically, comments kept). */
export async function setEnabled(stateDir: string, server: string, enabled: boolean, workspaceDir?: string): Promise<McpOverrides> {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, OVERRIDES_FILE);
  return withFileLock(`${file}.lock`, async () => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      text = "{}\n";
    }
    const now = readOverrides(stateDir, workspaceDir);
    const next: McpOverrides = {
      enabledServers: now.enabledServers.filter((n) => n !== server).concat(enabled ? [server] : []),
      disabledServers: now.disabledServers.filter((n) => n !== server).concat(enabled ? [] : [server]),
    };
    text = setJsoncValue(text, ["enabledServers"], next.enabledServers);
    text = setJsoncValue(text, ["disabledServers"], next.disabledServers);
    await writeFileAtomic(file, text, { mode: 0o600 });
    return next;
  });
}
