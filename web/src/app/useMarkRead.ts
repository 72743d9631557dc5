import { useEffect, useRef } from "react";
import { call } from "../api/client";

const markRead = (workspaceId: string) => void call((api) => api.workspaces.markRead({ workspaceId })).catch(() => {});

/** Selecting a workspace marks it read; so does a turn finishing while the user is looking at it. */
export function useMarkRead(selectedId: string | null, unread: boolean) {
  const last = useRef<string | null>(null);
  useEffect(() => {
    const selected = selectedId !== last.current;
    last.current = selectedId;
    if (!selectedId) return;
    if (selected || (unread && !document.hidden)) return markRead(selectedId);
    if (!unread) return;
    const onVisible = () => {
      if (!document.hidden) markRead(selectedId);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [selectedId, unread]);
}
