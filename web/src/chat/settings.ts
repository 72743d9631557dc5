import { useCallback, useEffect, useRef, useState } from "react";
import type { Mode, ThinkingLevel } from "../../../src/agent/events";
import { call } from "../api/client";

/** Model, mode and thinking level of one workspace's composer. */
export interface ChatSettings {
  /** `provider:model-id` or an alias; undefined: the server's default. */
  model?: string;
  mode: Mode;
  thinking: ThinkingLevel;
}

const DEFAULTS: ChatSettings = { mode: "exec", thinking: "medium" };
const key = (workspaceId: string) => `mux.chat.settings.${workspaceId}`;
/** The last model picked anywhere: the default for new workspaces. */
const LAST_MODEL = "mux.chat.lastModel";

function readLocal(workspaceId: string): Partial<ChatSettings> | null {
  try {
    const raw = localStorage.getItem(key(workspaceId));
    return raw ? (JSON.parse(raw) as Partial<ChatSettings>) : null;
  } catch {
    return null;
  }
}

function writeLocal(workspaceId: string, settings: ChatSettings) {
  try {
    localStorage.setItem(key(workspaceId), JSON.stringify(settings));
    if (settings.model) localStorage.setItem(LAST_MODEL, settings.model);
  } catch {
    // storage full or disabled: the server copy still holds them
  }
}

function initial(workspaceId: string): ChatSettings {
  const local = readLocal(workspaceId);
  let lastModel: string | undefined;
  try {
    lastModel = localStorage.getItem(LAST_MODEL) ?? undefined;
  } catch {
    lastModel = undefined;
  }
  return { ...DEFAULTS, model: lastModel, ...local };
}

/**
 * Per-workspace settings: shown at once from localStorage, then replaced by what the server
 * stored for the workspace (it records them with every `chat.send`), unless the user already
 * changed something meanwhile.
 */
export function useChatSettings(workspaceId: string): [ChatSettings, (patch: Partial<ChatSettings>) => void] {
  const [settings, setSettings] = useState(() => initial(workspaceId));
  const touched = useRef(false);

  useEffect(() => {
    let cancelled = false;
    call((api) => api.workspaces.list())
      .then((list) => {
        const server = list.find((w) => w.id === workspaceId)?.settings;
        if (cancelled || touched.current || !server) return;
        const defined = Object.fromEntries(Object.entries(server).filter(([, v]) => v !== undefined)) as Partial<ChatSettings>;
        if (Object.keys(defined).length === 0) return;
        setSettings((s) => {
          const next = { ...s, ...defined };
          writeLocal(workspaceId, next);
          return next;
        });
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [workspaceId]);

  const update = useCallback(
    (patch: Partial<ChatSettings>) => {
      touched.current = true;
      setSettings((s) => {
        const next = { ...s, ...patch };
        writeLocal(workspaceId, next);
        return next;
      });
    },
    [workspaceId],
  );

  return [settings, update];
}
