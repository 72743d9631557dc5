import { useCallback, useEffect, useState } from "react";
import type { AgentList } from "../../../src/api/agents";
import { call } from "../api/client";

const EMPTY: AgentList = { agents: [], problems: [] };

/**
 * The agents a workspace can run as, read when the composer opens and again on `refresh` (the
 * picker calls it when touched), so a file added in `.mux/agents/` shows without a reload.
 */
export function useAgents(workspaceId: string): [AgentList, () => void] {
  const [list, setList] = useState<AgentList>(EMPTY);
  const refresh = useCallback(() => {
    call((api) => api.agents.list({ workspaceId }))
      .then(setList)
      .catch(() => setList(EMPTY));
  }, [workspaceId]);
  useEffect(refresh, [refresh]);
  return [list, refresh];
}
