import type { Command } from "commander";
import { createWorkspaceService } from "../app/services.js";
import { ConfigError } from "../config/errors.js";
import { expandHome } from "../config/paths.js";
import { projectRuntimes } from "../workspace/projectRuntimes.js";
import { resolveProjectPath } from "../workspace/projects.js";
import { DockerImageSchema } from "../workspace/schemas.js";
import { cliAction } from "./action.js";
import { out } from "./output.js";

/** Settings → Runtimes from the shell: the default Docker image, and what a project's new workspaces may use. */
export function registerRuntimeCommands(program: Command) {
  const runtimes = program
    .command("runtimes")
    .description("Show the default Docker image and, with --project, the runtimes a project's new workspaces can use")
    .option("--project <dir>", "also show what this project offers (dev container, its Docker image)")
    .option("--json", "machine-readable output")
    .action(
      cliAction(async (opts: { project?: string; json?: boolean }) => {
        const service = createWorkspaceService();
        const dockerImage = service.store.read().defaultDockerImage ?? null;
        const project = opts.project ? projectRuntimes(await resolveProjectPath(expandHome(opts.project)), dockerImage ?? undefined) : undefined;
        if (opts.json) {
          out(`${JSON.stringify({ defaultDockerImage: dockerImage, ...(project && { project }) })}\n`);
          return;
        }
        out(`default Docker image: ${dockerImage ?? "(none)"}\n`);
        if (!project) return;
        const image = project.dockerImage;
        out(
          `docker: ${project.dockerConfigError ?? (image ? `${image.image} (from the ${image.from === "project" ? "project's .mux/docker.json" : "default"})` : 'no image: name one with --runtime "docker IMAGE"')}\n`,
        );
        out(`dev container: ${project.devcontainer ?? "(the project has no configuration)"}\n`);
      }),
    );
  runtimes
    .command("default-image [image]")
    .description("Set (or with --clear, remove) the image of Docker workspaces that name none")
    .option("--clear", "remove the default image")
    .action(
      // `--json` after the subcommand is parsed as the parent's option: read both.
      cliAction(async (image: string | undefined, _opts: unknown, command: Command) => {
        const opts: { clear?: boolean; json?: boolean } = command.optsWithGlobals();
        if (Boolean(opts.clear) === (image !== undefined)) throw new ConfigError("give an image (such as node:20) or --clear, not both");
        const parsed = image === undefined ? undefined : DockerImageSchema.safeParse(image);
        if (parsed && !parsed.success) throw new ConfigError(`"${image}" is not a Docker image name: ${parsed.error.issues[0]?.message}`);
        const service = createWorkspaceService();
        await service.store.update((config) => {
          config.defaultDockerImage = parsed?.data;
        });
        const now = service.store.read().defaultDockerImage ?? null;
        out(opts.json ? `${JSON.stringify({ defaultDockerImage: now })}\n` : now ? `default Docker image: ${now}\n` : "no default Docker image\n");
      }),
    );
}
