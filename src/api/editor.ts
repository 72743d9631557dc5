import { oc } from "@orpc/contract";
import { z } from "zod";
import { EditorSettingSchema } from "../workspace/schemas.js";

/** What the web app needs to make each workspace's "Open in editor" link (see editorLink.ts). */
export const EditorViewSchema = z.object({
  setting: EditorSettingSchema,
  /** This server's machine as SSH reaches it (`mux server --ssh-host`), null when not given. */
  serverHost: z.string().nullable(),
});
export type EditorView = z.infer<typeof EditorViewSchema>;

export const editorContract = {
  get: oc.output(EditorViewSchema),
  /** Saved in config.json (`editorLink`), for every browser of this server. */
  set: oc.input(z.object({ setting: EditorSettingSchema })).output(EditorViewSchema),
};
