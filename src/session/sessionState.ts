import * as fs from "node:fs";
import * as path from "node:path";
import type { PartialCost } from "../api/partialCost.js";

/**
 * What the sidebar needs of a workspace without loading its chat: kept in `state.json` beside
 * `chat.jsonl`. The cost is cached together with the size and mtime of the chat it was computed
 * from, so a chat changed by another process (`mux run --workspace`) is recomputed.
 */
export interface PersistedState {
  unread: boolean;
  lastActivityAt: number | null;
  state: "idle" | "error" | "needs-input";
  error?: string;
  cost?: { size: number; mtimeMs: number } & PartialCost;
}

export function readState(dir: string): PersistedState | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as PersistedState;
    return typeof raw === "object" && raw ? raw : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(dir: string, state: PersistedState): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, "state.json");
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // best effort: only the sidebar's memory of unread/cost is lost
  }
}

export function chatStat(dir: string): { size: number; mtimeMs: number } | undefined {
  try {
    const st = fs.statSync(path.join(dir, "chat.jsonl"));
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** The cached cost when it still describes the chat on disk (a cache from before costIncomplete is not). */
export function cachedCost(dir: string, state: PersistedState | undefined): PartialCost | undefined {
  const st = chatStat(dir);
  if (!st) return { costUsd: 0, costIncomplete: false };
  const c = state?.cost;
  if (c && c.size === st.size && c.mtimeMs === st.mtimeMs && typeof c.costIncomplete === "boolean") {
    return { costUsd: c.costUsd, costIncomplete: c.costIncomplete };
  }
  return undefined;
}
