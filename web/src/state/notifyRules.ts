import type { WorkspaceSummary } from "./types.js";

/** What, if anything, is worth telling the user about this change of a workspace. */
export function notificationFor(prev: WorkspaceSummary | undefined, next: WorkspaceSummary): { title: string; body: string } | null {
  const was = prev?.activity.state;
  const now = next.activity.state;
  if (was === now) return null;
  if (now === "needs-input") return { title: `${next.name} needs your input`, body: "The agent is waiting for an answer." };
  if (was === "streaming" && now === "idle") return { title: `${next.name} finished`, body: "The agent completed its turn." };
  if (was === "streaming" && now === "error") return { title: `${next.name} failed`, body: next.activity.error ?? "The turn ended with an error." };
  return null;
}
