import { ConfigError } from "../config/errors.js";
import type { Workspace } from "./config.js";
import { unsupportedRuntimeMessage } from "./registry/runtimeConfig.js";

export type RuntimeChoice =
  | { type: "local" }
  | { type: "worktree" }
  | { type: "ssh"; host: string }
  /** A new Coder workspace from `template` (with its organization, preset and parameters), or the existing Coder workspace `workspace`. */
  | { type: "coder"; template?: string; workspace?: string; org?: string; preset?: string; parameters?: Record<string, string> }
  /** No image: the project's .mux/docker.json names it, else the settings' default (see dockerImageFor). */
  | { type: "docker"; image?: string }
  /** The project's dev container; configPath relative to the project (.devcontainer/devcontainer.json by default). */
  | { type: "devcontainer"; configPath?: string };

/** What to ask for to get another workspace like `ws` (same kind, same host, image or config). */
export function runtimeChoiceOf(ws: Workspace): RuntimeChoice {
  const runtime = ws.runtime;
  switch (runtime.type) {
    case "local":
    case "worktree":
      return { type: runtime.type };
    case "ssh":
      return runtime.coder ? { type: "coder", workspace: runtime.coder.workspaceName } : { type: "ssh", host: runtime.host };
    case "docker":
      return { type: "docker", image: runtime.image };
    case "devcontainer":
      return { type: "devcontainer", configPath: runtime.configPath };
    case "unsupported":
      throw new ConfigError(unsupportedRuntimeMessage(ws.name, runtime));
  }
}
