import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { AGENT_ID } from "../workspace/schemas.js";
import { type AgentDefinition, type AgentScope, parseAgentFile } from "./definition.js";

/** A file that could not be read as an agent: shown to the user, the other agents still work. */
export interface AgentFileProblem {
  file: string;
  line?: number;
  message: string;
}

export interface AgentCatalog {
  /** Every definition found, highest priority first (project, then global, then built-in). */
  definitions: AgentDefinition[];
  problems: AgentFileProblem[];
}

/**
 * The built-in agents are the two modes; their behaviour (tools, plan prompt) is the mode's own,
 * so a file only has to say what it changes.
 */
export const BUILT_IN_AGENTS: readonly AgentDefinition[] = [
  { id: "exec", scope: "built-in", front: { name: "Exec", description: "Implement changes in the repository" }, body: "" },
  { id: "plan", scope: "built-in", front: { name: "Plan", description: "Read the code and propose a plan; change nothing" }, body: "" },
];

export interface AgentDirs {
  /** The Mux root (`~/.mux`): its `agents/` folder holds the user's own agents. */
  muxRoot: string;
  /** The project's directory on this machine: its `.mux/agents/` folder holds the project's agents. */
  projectDir?: string;
}

export function agentFolders(dirs: AgentDirs): { scope: AgentScope; dir: string }[] {
  const folders: { scope: AgentScope; dir: string }[] = [];
  if (dirs.projectDir) folders.push({ scope: "project", dir: path.join(dirs.projectDir, ".mux", "agents") });
  folders.push({ scope: "global", dir: path.join(dirs.muxRoot, "agents") });
  return folders;
}

function readFolder(scope: AgentScope, dir: string, catalog: AgentCatalog): void {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".md"))
      .sort();
  } catch {
    return; // no such folder: no agents there
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const id = name.slice(0, -3);
    if (!AGENT_ID.test(id)) {
      catalog.problems.push({ file, message: `${file}: an agent's file name is its id: lowercase letters, digits, "-" and "_" (e.g. review.md)` });
      continue;
    }
    try {
      catalog.definitions.push(parseAgentFile(fs.readFileSync(file, "utf8"), file, id, scope));
    } catch (err) {
      const problem = err instanceof ConfigError ? err : new ConfigError(`${file}: ${(err as Error).message}`, file);
      catalog.problems.push({ file, line: problem.line, message: problem.message });
    }
  }
}

/**
 * Reads the agent folders now: a few small files, so every turn sees the files as they are (an
 * edit applies to the next message without a restart).
 */
export function loadAgentCatalog(dirs: AgentDirs): AgentCatalog {
  const catalog: AgentCatalog = { definitions: [], problems: [] };
  for (const { scope, dir } of agentFolders(dirs)) readFolder(scope, dir, catalog);
  catalog.definitions.push(...BUILT_IN_AGENTS);
  return catalog;
}
