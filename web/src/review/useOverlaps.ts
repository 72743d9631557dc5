import { useEffect, useState } from "react";
import { call } from "../api/client";
import { useStore } from "../state/store";
import { workspacesStore } from "../state/workspaces";

/** Another workspace (or the base branch, without id) that changes the same file. */
export interface FileOverlap {
  name: string;
  workspaceId: string | null;
  /** Merging both would leave this file in conflict. */
  conflict: boolean;
}

const NONE = new Map<string, FileOverlap[]>();

/**
 * The overlap radar's view of this workspace by file: who else changes each file. Asked again
 * whenever the workspace's overlap badge (pushed with the workspace list) changes.
 */
export function useOverlaps(workspaceId: string): Map<string, FileOverlap[]> {
  const badge = useStore(workspacesStore, (s) => JSON.stringify(s.byId[workspaceId]?.overlap ?? null));
  const [byFile, setByFile] = useState(NONE);
  useEffect(() => {
    if (badge === "null") return setByFile(NONE);
    let live = true;
    call((api) => api.overlap.workspace({ workspaceId }))
      .then((view) => {
        if (!live) return;
        const map = new Map<string, FileOverlap[]>();
        const add = (files: string[], conflicting: string[], who: Omit<FileOverlap, "conflict">) => {
          const bad = new Set(conflicting);
          for (const f of files) map.set(f, [...(map.get(f) ?? []), { ...who, conflict: bad.has(f) }]);
        };
        if (view.trunk) add(view.trunk.shared, view.trunk.conflicting, { name: `${view.trunk.base} (base)`, workspaceId: null });
        for (const o of view.others) add(o.shared, o.conflicting, { name: o.name, workspaceId: o.workspaceId });
        setByFile(map);
      })
      .catch(() => live && setByFile(NONE)); // the radar is a hint: the review works without it
    return () => {
      live = false;
    };
  }, [workspaceId, badge]);
  return byFile;
}

/** "Also changed by alpha, beta (would conflict)". */
export function overlapLabel(list: FileOverlap[]): string {
  const conflicting = list.filter((o) => o.conflict).map((o) => o.name);
  const others = list.filter((o) => !o.conflict).map((o) => o.name);
  const parts = [];
  if (conflicting.length) parts.push(`would conflict with ${conflicting.join(", ")}`);
  if (others.length) parts.push(`also changed by ${others.join(", ")}`);
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
