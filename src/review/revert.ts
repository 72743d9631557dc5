import type { Runtime } from "../runtime/types.js";
import { applyReversed, type DiffBase, ReviewError, workspaceDiff } from "./gitDiff.js";
import { hunkHash, parsePatch } from "./parse.js";

export interface RevertRequest {
  path: string;
  /** One hunk (its hash); the whole file when absent. */
  hunk?: string;
  untracked: boolean;
}

/**
 * Undoes a change between `base` and the working tree by applying its patch reversed to the
 * working tree: an uncommitted change is restored, a committed one gets its inverse as an
 * uncommitted edit; history and the index are never touched. A hunk that changed since the view
 * showed it (its hash is gone) is refused.
 */
export async function revertChange(runtime: Runtime, base: DiffBase, req: RevertRequest): Promise<void> {
  const all = await workspaceDiff(runtime, base, { untracked: req.untracked });
  const entry = all.files.find((f) => f.file.path === req.path);
  if (!entry) throw new ReviewError(`${req.path} has no change to revert`);
  const { file } = entry;
  const paths = file.oldPath !== undefined ? [file.path, file.oldPath] : [file.path];
  const one = await workspaceDiff(runtime, all.baseSha, { untracked: req.untracked, paths, binary: true });
  const section = parsePatch(one.patch).find((s) => s.header[0] !== undefined);
  if (!section) throw new ReviewError(`${req.path} has no change to revert`);
  const whole = req.hunk === undefined || file.status === "added" || file.status === "deleted" || file.binary || section.hunks.length === 0;
  if (whole) {
    if (req.hunk !== undefined && !entry.hunks.some((h) => h.hash === req.hunk)) throw changed(req.path);
    return applyReversed(runtime, one.patch);
  }
  const hunk = section.hunks.find((h) => hunkHash(file.path, h.lines) === req.hunk);
  if (!hunk) throw changed(req.path);
  // Only this hunk, in the file as it is now (a renamed file is not renamed back).
  const plus = section.header.find((l) => l.startsWith("+++ "));
  if (!plus) throw new ReviewError(`cannot revert part of ${req.path}`);
  const toA = (s: string) => s.replace(/^("?)b\//, "$1a/");
  const name = plus.slice(4).replace(/\t$/, "");
  const patch = [`diff --git ${toA(name)} ${name}`, `--- ${toA(plus.slice(4))}`, plus, hunk.header, ...hunk.lines, ""].join("\n");
  await applyReversed(runtime, patch);
}

const changed = (path: string) => new ReviewError(`that change in ${path} is no longer there (the file changed since): refresh and try again`);
