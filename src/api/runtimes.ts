import { oc } from "@orpc/contract";
import { z } from "zod";
import { DockerImageSchema } from "../workspace/schemas.js";

/** The app's runtime settings (Settings → Runtimes), kept in config.json for every browser of this server. */
export const RuntimeDefaultsSchema = z.object({
  /** The image of a Docker workspace when neither the dialog nor the project's .mux/docker.json names one. */
  dockerImage: DockerImageSchema.nullable(),
});
export type RuntimeDefaults = z.infer<typeof RuntimeDefaultsSchema>;

/** What the new-workspace dialog may offer for a project. */
export const ProjectRuntimesSchema = z.object({
  /** The project's dev container configuration (relative to it), null when it has none: no "Dev container" choice then. */
  devcontainer: z.string().nullable(),
  /** The image a Docker workspace gets when the dialog names none, and where it is set; null: the dialog must name one. */
  dockerImage: z.object({ image: z.string(), from: z.enum(["project", "settings"]) }).nullable(),
  /** The project's .mux/docker.json cannot be used (why, with its line); a Docker workspace would be refused. */
  dockerConfigError: z.string().nullable(),
});
export type ProjectRuntimes = z.infer<typeof ProjectRuntimesSchema>;

export const runtimesContract = {
  defaults: oc.output(RuntimeDefaultsSchema),
  setDefaults: oc.input(RuntimeDefaultsSchema).output(RuntimeDefaultsSchema),
  forProject: oc.input(z.object({ path: z.string() })).output(ProjectRuntimesSchema),
};
