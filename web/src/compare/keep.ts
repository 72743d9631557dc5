import type { BestOfGroup } from "../../../src/api/compare";

/**
 * "Keep this one" of the compare view: merges the chosen workspace's work into its base. The
 * merge itself belongs to landing (commit / merge / push); it plugs in here with
 * setKeepHandler, and until it does, keeping only says so and the user merges by hand.
 */
export interface KeepResult {
  merged: boolean;
  message: string;
}

export type KeepHandler = (workspaceId: string, group: BestOfGroup) => Promise<KeepResult>;

let handler: KeepHandler | null = null;

export function setKeepHandler(next: KeepHandler | null): void {
  handler = next;
}

export function keepWorkspace(workspaceId: string, group: BestOfGroup): Promise<KeepResult> {
  if (handler) return handler(workspaceId, group);
  return Promise.resolve({
    merged: false,
    message: "Merging from here is not connected yet: merge this workspace's branch yourself. The others can be deleted now.",
  });
}
