import { randomBytes } from "node:crypto";
import type { BestOfGroup, LaunchInput } from "../api/compare.js";
import { expandHome } from "../config/paths.js";
import { errorMessage, HubError } from "../session/errors.js";
import type { Hub } from "../session/hub.js";
import { resolveProjectPath } from "../workspace/projects.js";
import { BestOfStore } from "./groups.js";

/**
 * Best-of-N: N new workspaces of one project (`<name>-1` … `<name>-N`), each sent the same
 * prompt with its own model as soon as it exists, recorded as one run for the compare view.
 * A workspace that cannot be made is reported and the others go on.
 */
export async function launchBestOf(hub: Hub, input: LaunchInput): Promise<{ group: BestOfGroup; errors: string[] }> {
  const projectPath = await resolveProjectPath(expandHome(input.projectPath));
  const stem = await hub.ops.suggestName(projectPath);
  const taken = new Set(
    hub.feed
      .workspaces()
      .filter((w) => w.projectPath === projectPath)
      .map((w) => w.name),
  );
  const group: BestOfGroup = { id: randomBytes(5).toString("hex"), projectPath, prompt: input.prompt, createdAt: Date.now(), workspaces: [] };
  const errors: string[] = [];
  const sends: Promise<unknown>[] = [];
  const { mode, thinking } = input;
  for (const [k, model] of input.models.entries()) {
    const name = `${stem}-${k + 1}`;
    try {
      const ws = await hub.ops.create({
        projectPath,
        name: taken.has(name) ? undefined : name,
        runtime: input.runtime,
        base: input.base,
        settings: { ...(model ? { model } : {}), ...(mode ? { mode } : {}), ...(thinking ? { thinking } : {}) },
      });
      group.workspaces.push({ id: ws.id, model });
      sends.push(
        hub.send({ workspaceId: ws.id, text: input.prompt, model: model ?? undefined, mode, thinking }).catch((err) => {
          errors.push(`${ws.name}: not sent: ${errorMessage(err)}`);
        }),
      );
    } catch (err) {
      errors.push(`workspace ${k + 1} of ${input.models.length}: ${errorMessage(err)}`);
    }
  }
  await Promise.all(sends);
  if (!group.workspaces.length) throw new HubError("BAD_REQUEST", errors.join("; "));
  await new BestOfStore(hub.muxRoot).update(
    (groups) => groups.unshift(group),
    (id) => !!hub.workspace(id),
  );
  return { group, errors };
}
