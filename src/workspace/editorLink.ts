import type { RuntimeConfig } from "./schemas.js";

/**
 * Which editor a workspace's "Open in editor" link opens: VS Code, Cursor, none (no link), or a
 * URL template of your own with `{path}` (the folder's absolute path) and `{host}` (the SSH host
 * it is on; empty for this machine), e.g. `zed://ssh/{host}{path}`. Kept in config.json as
 * `editorLink`, a key the original Mux does not read (should it drop it on a rewrite, links go
 * back to VS Code). Browser-safe and free of zod (the schema is EditorSettingSchema in
 * schemas.ts): the page's first chunk uses it.
 */
export const EDITOR_NAMES = ["vscode", "cursor", "none"] as const;
export type EditorSetting = (typeof EDITOR_NAMES)[number] | (string & {});
export const DEFAULT_EDITOR: EditorSetting = "vscode";

/** What is wrong with a URL template, or null when it can be used. */
export function templateProblem(t: string): string | null {
  if (!t.includes("{path}") || !/^[a-z][a-z0-9+.-]*:/i.test(t)) return "a URL template with {path}, like zed://ssh/{host}{path}";
  // A link the page shows must not run script in it.
  if (/^(javascript|data|vbscript):/i.test(t)) return "a link to an editor, not to a script";
  return null;
}

/** A path in a URL: each segment escaped, the slashes kept. */
const urlPath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/**
 * The link that opens a workspace's folder in the editor, or null (no editor, or a runtime with
 * no folder to open). `serverHost`: this server's machine as the browser's SSH reaches it (`mux
 * server --ssh-host`); when set, local workspaces open over SSH too, since the browser (and its
 * editor) may well be on another machine.
 */
export function editorLink(setting: EditorSetting, ws: { projectPath: string; runtime: RuntimeConfig }, serverHost: string | null): string | null {
  if (setting === "none") return null;
  const r = ws.runtime;
  // A Docker workspace's folder is inside its container: no path here or on a host to open.
  if (r.type === "unsupported" || r.type === "docker") return null;
  const path = r.type === "local" ? ws.projectPath : r.path;
  const host = r.type === "ssh" ? r.host : serverHost;
  // Only an absolute path makes a URL (a remote `~/…` one, from older records, has no home here to expand).
  if (!path.startsWith("/")) return null;
  if (setting === "vscode" || setting === "cursor") {
    return host ? `${setting}://vscode-remote/ssh-remote+${encodeURIComponent(host)}${urlPath(path)}` : `${setting}://file${urlPath(path)}`;
  }
  return setting.replaceAll("{host}", host ? encodeURIComponent(host) : "").replaceAll("{path}", urlPath(path));
}
