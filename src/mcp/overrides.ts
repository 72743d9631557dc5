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

export function readOverrides(stateDir: string): McpOverrides {
  const file = path.join(stateDir, OVERRIDES_FILE);
  let raw: unknown;
  try {
    raw = parseJsonc(fs.readFileSync(file, "utf8"), file);
  } catch {
    // Missing (the usual case) or broken: the config's own choice applies.
    return { enabledServers: [], disabledServers: [] };
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  return { enabledServers: names(o.enabledServers), disabledServers: names(o.disabledServers) };
}

export function isEnabled(spec: McpServerSpec, overrides: McpOverrides): boolean {
  if (overrides.disabledServers.includes(spec.name)) return false;
  if (overrides.enabledServers.includes(spec.name)) return true;
  return !spec.disabled;
}

/** Turns a server on or off for one workspace (written atomically, comments kept). */
export async function setEnabled(stateDir: string, server: string, enabled: boolean): Promise<McpOverrides> {
  fs.mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, OVERRIDES_FILE);
  return withFileLock(`${file}.lock`, async () => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      text = "{}\n";
    }
    const now = readOverrides(stateDir);
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
