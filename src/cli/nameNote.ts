import type { Workspace } from "../workspace/config.js";
import { colors, err } from "./output.js";

/** Says on stderr what a typed workspace name became, so a changed name is never a surprise. */
export function noteName(verb: string, ws: Workspace, typed: string | undefined): void {
  if (typed !== undefined && typed !== ws.name) err(`${colors().dim("mux:")} ${verb} ${ws.name} (from ${JSON.stringify(typed)})\n`);
}
