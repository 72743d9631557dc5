import * as fs from "node:fs";
import * as path from "node:path";

/** `MUX_ROOT/plans/<project dir>/<name>.md` (see WorkspaceService.planFile). */
export function planFilePath(muxRoot: string, projectDir: string, name: string): string {
  return path.join(muxRoot, "plans", projectDir, `${name}.md`);
}

/** Writes the plan whole or not at all (temp file and rename): an editor never reads half a plan. */
export function writePlanFile(file: string, plan: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, plan);
  fs.renameSync(tmp, file);
}

/** The plan as the file has it now (the user may have edited it); undefined when there is none. */
export function readPlanFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Moves a plan file (a workspace was renamed); nothing to do when there is none. */
export function movePlanFile(from: string, to: string): void {
  if (from === to || !fs.existsSync(from)) return;
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  fs.renameSync(from, to);
}
