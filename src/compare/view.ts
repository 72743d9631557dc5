import type { CompareView } from "../api/compare.js";
import { HubError } from "../session/errors.js";
import type { Hub } from "../session/hub.js";
import { workspaceLocation } from "../overlap/tracker.js";
import { diffStats } from "./diffStats.js";
import { BestOfStore } from "./groups.js";

/** A best-of-N run side by side: each workspace's state, diff against its base, cost and time taken. */
export async function compareView(hub: Hub, groupId: string, now = Date.now()): Promise<CompareView> {
  const group = new BestOfStore(hub.muxRoot).read().find((g) => g.id === groupId);
  if (!group) throw new HubError("NOT_FOUND", `no best-of run "${groupId}"`);
  const members = group.workspaces.flatMap((m) => {
    const ws = hub.workspace(m.id);
    return ws ? [{ m, ws }] : [];
  });
  const trunk = await hub.git.trunk(group.projectPath);
  const stats = await diffStats(
    group.projectPath,
    members.map(({ ws }) => {
      const where = workspaceLocation(ws);
      return { id: ws.id, base: ws.base ?? trunk ?? "HEAD", ...("dir" in where ? { dir: where.dir } : { dir: null, skipped: where.skipped }) };
    }),
  );
  const rows = members.map(({ m, ws }) => {
    const s = hub.feed.summary(ws);
    const working = s.activity.state === "streaming" || s.activity.state === "starting";
    const last = s.activity.lastActivityAt;
    const stat = stats.get(ws.id);
    return {
      workspaceId: ws.id,
      name: ws.name,
      model: m.model ?? ws.settings.model ?? null,
      state: s.activity.state,
      ...(s.activity.error ? { error: s.activity.error } : {}),
      diff: stat && "stat" in stat ? stat.stat : null,
      ...(stat && "error" in stat ? { diffError: stat.error } : {}),
      costUsd: s.costUsd,
      costIncomplete: s.costIncomplete,
      durationMs: working ? now - group.createdAt : last && last >= group.createdAt ? last - group.createdAt : null,
    };
  });
  return { group, rows };
}
