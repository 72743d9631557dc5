import { containerNameFor } from "../runtime/dockerCli.js";
import { ConfigError } from "../config/errors.js";
import type { Workspace } from "./config.js";
import { coderRuntimeFor } from "./coderWorkspaces.js";
import { DEFAULT_DEVCONTAINER_CONFIG, findDevcontainerConfig } from "./projectRuntimes.js";
import { DOCKER_WORKSPACE_PATH } from "./registry/runtimeConfig.js";
import type { RuntimeChoice } from "./runtimeChoice.js";

export interface NewRuntimeContext {
  projectPath: string;
  /** The new workspace's name. */
  name: string;
  /** Where its worktree goes, for the runtimes that have one on this machine. */
  worktreePath: string;
  /** The image a Docker workspace gets (see dockerImageFor). */
  dockerImage?: string;
  /** Every workspace in the registry (a Coder workspace may be attached to only once). */
  workspaces: Workspace[];
}

/** The runtime record of a new workspace, as `choice` asks: where its files will be, before anything is made. */
export function newRuntimeRecord(choice: RuntimeChoice, at: NewRuntimeContext): Workspace["runtime"] {
  switch (choice.type) {
    case "local":
      return { type: "local" };
    case "worktree":
      return { type: "worktree", path: at.worktreePath };
    case "devcontainer":
      return {
        type: "devcontainer",
        path: at.worktreePath,
        configPath: choice.configPath ?? findDevcontainerConfig(at.projectPath) ?? DEFAULT_DEVCONTAINER_CONFIG,
      };
    case "ssh":
      return { type: "ssh", host: choice.host, path: "" };
    case "coder":
      return coderRuntimeFor(choice, at.name, at.workspaces);
    case "docker":
      if (!at.dockerImage) throw new ConfigError(`no image for the Docker workspace "${at.name}"`);
      return { type: "docker", image: at.dockerImage, container: containerNameFor(at.projectPath, at.name), path: DOCKER_WORKSPACE_PATH };
  }
}
