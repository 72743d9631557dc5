import type { EditorView } from "../../api/editor.js";
import { DEFAULT_EDITOR } from "../../workspace/editorLink.js";
import { api, type ApiContext } from "./base.js";

const view = (context: ApiContext): EditorView => ({
  setting: context.hub.service.store.read().editorLink ?? DEFAULT_EDITOR,
  serverHost: context.server.sshHost,
});

/** The editor that workspaces' "Open in editor" links open. */
export const editor = {
  get: api.editor.get.handler(({ context }) => view(context)),
  set: api.editor.set.handler(async ({ input, context }) => {
    await context.hub.service.store.update((config) => {
      config.editorLink = input.setting;
    });
    return view(context);
  }),
};
