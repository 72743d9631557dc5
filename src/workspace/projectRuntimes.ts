import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../config/errors.js";
import { dockerImageFor } from "./dockerConfig.js";

/** Where a project's dev container configuration is looked for, in the Dev Containers spec's order. */
const DEVCONTAINER_CONFIGS = [".devcontainer/devcontainer.json", ".devcontainer.json"];
/** What a dev container workspace is told to use when the project has none of them (yet). */
export const DEFAULT_DEVCONTAINER_CONFIG = DEVCONTAINER_CONFIGS[0];

/** The project's dev container configuration (relative to it), or null when it has none. */
export function findDevcontainerConfig(projectPath: string): string | null {
  return DEVCONTAINER_CONFIGS.find((c) => fs.existsSync(path.join(projectPath, c))) ?? null;
}

/**
 * Which runtimes a new workspace of the project can have beyond the ones every project has: a
 * dev container when it has a configuration, and the image a Docker workspace gets unasked.
 */
export function projectRuntimes(projectPath: string, defaultDockerImage: string | undefined) {
  let dockerImage: { image: string; from: "project" | "settings" } | null = null;
  let dockerConfigError: string | null = null;
  try {
    const found = dockerImageFor(projectPath, undefined, defaultDockerImage);
    if (found && found.from !== "explicit") dockerImage = { image: found.image, from: found.from };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    dockerConfigError = err.message;
  }
  return { devcontainer: findDevcontainerConfig(projectPath), dockerImage, dockerConfigError };
}
