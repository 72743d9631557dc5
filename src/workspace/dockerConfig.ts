import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ConfigError } from "../config/errors.js";
import { locate, parseJsonc } from "../config/jsonc.js";

/** `<project>/.mux/docker.json`: how the project's Docker workspaces are made. */
export const DockerProjectConfigSchema = z
  .object({
    /** The image used when `--runtime docker` names none. */
    image: z.string().min(1).optional(),
    /** Docker's --network: "bridge" (Docker's default), "none", "host", or a network's name. */
    network: z.string().min(1).optional(),
    /** Docker's --memory, e.g. "2g". */
    memory: z
      .string()
      .regex(/^\d+(\.\d+)?[bkmg]?$/i, "like 512m or 2g")
      .optional(),
    /** Docker's --cpus, e.g. 2 or "1.5". */
    cpus: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).optional(),
    /** Docker's --pids-limit. */
    pidsLimit: z.number().int().positive().optional(),
    /** Environment for every command in the container. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
    /** Bind mounts as Docker's -v takes them (`/host/dir:/in/container[:ro]`); none by default. */
    mounts: z.array(z.string().includes(":")).optional(),
  })
  .strict();
export type DockerProjectConfig = z.infer<typeof DockerProjectConfigSchema>;

export function dockerConfigFile(projectPath: string): string {
  return path.join(projectPath, ".mux", "docker.json");
}

/** The project's docker.json ({} when there is none); a bad file is an error naming its line. */
export function readDockerConfig(projectPath: string): DockerProjectConfig {
  const file = dockerConfigFile(projectPath);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  const parsed = DockerProjectConfigSchema.safeParse(parseJsonc(text, file));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = locate(text, issue.path as (string | number)[]);
  const where = at ? `${file}:${at.line}:${at.column}` : file;
  throw new ConfigError(`${where}: ${issue.path.join(".") || "(top)"}: ${issue.message}`, file, at?.line, at?.column);
}

/** `docker run` options for these settings (resource limits, network, env, mounts). */
export function dockerRunOptions(c: DockerProjectConfig): string[] {
  return [
    ...(c.network ? ["--network", c.network] : []),
    ...(c.memory ? ["--memory", c.memory] : []),
    ...(c.cpus !== undefined ? ["--cpus", String(c.cpus)] : []),
    ...(c.pidsLimit ? ["--pids-limit", String(c.pidsLimit)] : []),
    ...Object.entries(c.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...(c.mounts ?? []).flatMap((m) => ["-v", m]),
  ];
}

/** Where a Docker workspace's image comes from, first found first: the user's choice, the project's docker.json, the settings. */
export type DockerImageSource = "explicit" | "project" | "settings";

/**
 * The image for a new Docker workspace of the project: the one asked for, else the project's
 * docker.json `image`, else the app's default (`defaultDockerImage` in config.json). Null when
 * none of them names one.
 */
export function dockerImageFor(
  projectPath: string,
  explicit: string | undefined,
  settingsDefault: string | undefined,
): { image: string; from: DockerImageSource } | null {
  if (explicit) return { image: explicit, from: "explicit" };
  const project = readDockerConfig(projectPath).image;
  if (project) return { image: project, from: "project" };
  return settingsDefault ? { image: settingsDefault, from: "settings" } : null;
}

/** The error for a Docker workspace without an image, naming every place one can be given. */
export function noDockerImageError(projectPath: string, workspaceName: string | undefined, appConfigFile: string): ConfigError {
  return new ConfigError(
    `no image for the Docker workspace${workspaceName ? ` "${workspaceName}"` : ""}: use --runtime "docker IMAGE", set "image" in ${dockerConfigFile(projectPath)}, ` +
      `or set a default Docker image in Settings → Runtimes or with "mux runtimes default-image IMAGE" (defaultDockerImage in ${appConfigFile})`,
  );
}
