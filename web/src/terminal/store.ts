import type { TerminalInfo } from "../../../src/api/terminal";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { createStore } from "../state/store";
import { togglePanel } from "../state/ui";

/**
 * Each workspace's terminals as this page knows them, and the one it shows. Kept here rather
 * than in the panel so the command palette and the scripts' buttons can open terminals too.
 */
export interface TerminalsState {
  /** Per workspace id; absent until listed. */
  byWorkspace: Record<string, TerminalInfo[] | undefined>;
  /** The terminal shown per workspace id. */
  active: Record<string, string>;
  /** Per workspace id, terminals being created right now (the panel then starts none of its own). */
  creating: Record<string, number>;
  error: string | null;
}

export const terminalsStore = createStore<TerminalsState>({ byWorkspace: {}, active: {}, creating: {}, error: null });

const setList = (workspaceId: string, fn: (list: TerminalInfo[]) => TerminalInfo[]) =>
  terminalsStore.set((s) => ({ ...s, byWorkspace: { ...s.byWorkspace, [workspaceId]: fn(s.byWorkspace[workspaceId] ?? []) } }));
const fail = (e: unknown) => terminalsStore.set((s) => ({ ...s, error: errorMessage(e) }));

export function showTerminal(workspaceId: string, terminalId: string) {
  terminalsStore.set((s) => ({ ...s, active: { ...s.active, [workspaceId]: terminalId } }));
}

/** Lists the workspace's terminals (the server's shells outlive the page); starts one when there is none. */
export async function loadTerminals(workspaceId: string): Promise<void> {
  const known = new Set((terminalsStore.get().byWorkspace[workspaceId] ?? []).map((t) => t.id));
  try {
    // A terminal closed while the list was on its way is not brought back by it.
    const list = (await call((api) => api.terminal.list({ workspaceId }))).filter((t) => !closed.has(t.id));
    // The server's list wins (others may have closed some), but one created here meanwhile stays.
    setList(workspaceId, (mine) => [...list, ...mine.filter((t) => !known.has(t.id) && !list.some((l) => l.id === t.id))]);
    const s = terminalsStore.get();
    if (!s.byWorkspace[workspaceId]?.length && !s.creating[workspaceId]) await createTerminal(workspaceId);
  } catch (e) {
    fail(e);
  }
}

/** Starts a shell (or one of the project's scripts) in a new terminal, and shows it. */
export async function createTerminal(workspaceId: string, script?: string): Promise<void> {
  const count = (d: number) => terminalsStore.set((s) => ({ ...s, creating: { ...s.creating, [workspaceId]: (s.creating[workspaceId] ?? 0) + d } }));
  count(1);
  try {
    // 80×24 until the view measures its box; it resizes the terminal as soon as it attaches.
    const t = await call((api) => api.terminal.create({ workspaceId, script, cols: 80, rows: 24 }));
    setList(workspaceId, (list) => (list.some((x) => x.id === t.id) ? list : [...list, t]));
    showTerminal(workspaceId, t.id);
    terminalsStore.set((s) => ({ ...s, error: null }));
  } catch (e) {
    fail(e);
  } finally {
    count(-1);
  }
}

/** The Terminal tab of the workspace's panel, with a new terminal (or the script's) in it. */
export function openTerminal(workspaceId: string, opts: { fresh?: boolean; script?: string } = {}) {
  togglePanel("terminal", true);
  if (opts.fresh || opts.script) void createTerminal(workspaceId, opts.script);
}

/** Terminals this page closed. */
const closed = new Set<string>();

export async function closeTerminal(workspaceId: string, terminalId: string): Promise<void> {
  closed.add(terminalId);
  try {
    await call((api) => api.terminal.close({ terminalId }));
  } catch (e) {
    fail(e);
  }
  setList(workspaceId, (list) => list.filter((t) => t.id !== terminalId));
}

export async function renameTerminal(workspaceId: string, terminalId: string, name: string): Promise<void> {
  try {
    const renamed = await call((api) => api.terminal.rename({ terminalId, name }));
    setList(workspaceId, (list) => list.map((t) => (t.id === terminalId ? renamed : t)));
  } catch (e) {
    fail(e);
  }
}

/** The terminal's program ended (its tab says so; the output stays until it is closed). */
export function terminalExited(workspaceId: string, terminalId: string, exit: TerminalInfo["exit"]) {
  setList(workspaceId, (list) => list.map((t) => (t.id === terminalId && !t.exit ? { ...t, exit } : t)));
}
