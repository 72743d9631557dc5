import { useCallback, useEffect, useMemo, useState } from "react";
import type { Mode, ThinkingLevel } from "../../../src/agent/events";
import { call } from "../api/client";
import { rememberChoice } from "../state/lastChoice";
import { useStore } from "../state/store";
import { workspacesStore } from "../state/workspaces";

/** Model, mode and thinking level of one workspace's composer. */
export interface ChatSettings {
  /** `provider:model-id` or an alias; undefined: the server's default model. */
  model?: string;
  mode: Mode;
  /** A custom agent (`.mux/agents/ID.md`); its mode is `mode`. Undefined: the mode's built-in agent. */
  agent?: string;
  thinking: ThinkingLevel;
  /** The agent may fetch web pages (web_fetch); off per workspace. */
  webFetch: boolean;
}

const DEFAULTS: ChatSettings = { mode: "exec", thinking: "medium", webFetch: true };
const defined = (o: object | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<ChatSettings>;

/**
 * One workspace's settings, as the server keeps them in the workspace (so another tab, a reload or
 * a restart shows the same). A pick is shown at once and saved; until the server's copy says the
 * same, the pick is what shows.
 */
export function useChatSettings(workspaceId: string): [ChatSettings, (patch: Partial<ChatSettings>) => void] {
  const saved = useStore(workspacesStore, (s) => s.byId[workspaceId]?.settings);
  const { model, mode, agent, thinking, webFetch } = saved ?? {};
  const [pending, setPending] = useState<Partial<ChatSettings>>({});

  // Picks the server has confirmed need no local copy any more.
  useEffect(() => {
    setPending((p) => {
      const left = Object.fromEntries(Object.entries(p).filter(([k, v]) => saved?.[k as keyof ChatSettings] !== v));
      return Object.keys(left).length === Object.keys(p).length ? p : left;
    });
  }, [saved]);

  // Stable while nothing changes: the composer re-renders only when a setting does.
  const settings = useMemo(
    () => ({ ...DEFAULTS, ...defined({ model, mode, agent, thinking, webFetch }), ...pending }),
    [model, mode, agent, thinking, webFetch, pending],
  );

  const update = useCallback(
    (patch: Partial<ChatSettings>) => {
      setPending((p) => ({ ...p, ...patch }));
      rememberChoice(patch);
      // Failure is not fatal: every send carries the shown settings, and saves them too.
      call((api) => api.workspaces.updateSettings({ workspaceId, settings: patch })).catch(() => {});
    },
    [workspaceId],
  );

  return [settings, update];
}
