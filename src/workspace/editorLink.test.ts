import { describe, expect, it } from "vitest";
import { editorLink } from "./editorLink.js";
import { EditorSettingSchema } from "./schemas.js";

const worktree = { projectPath: "/src/app", runtime: { type: "worktree" as const, path: "/home/me/.mux/src/app/my ws" } };
const local = { projectPath: "/src/app", runtime: { type: "local" as const } };
const ssh = { projectPath: "/src/app", runtime: { type: "ssh" as const, host: "devbox", path: "/home/me/mux/app/feat" } };

describe("editorLink", () => {
  it("opens local folders with vscode://file, escaping each path segment", () => {
    expect(editorLink("vscode", worktree, null)).toBe("vscode://file/home/me/.mux/src/app/my%20ws");
    expect(editorLink("vscode", local, null)).toBe("vscode://file/src/app");
    expect(editorLink("cursor", local, null)).toBe("cursor://file/src/app");
  });

  it("opens SSH workspaces, and local ones of a server reached over SSH, with the remote form", () => {
    expect(editorLink("vscode", ssh, null)).toBe("vscode://vscode-remote/ssh-remote+devbox/home/me/mux/app/feat");
    expect(editorLink("vscode", local, "box.lan")).toBe("vscode://vscode-remote/ssh-remote+box.lan/src/app");
    expect(editorLink("cursor", ssh, "other")).toBe("cursor://vscode-remote/ssh-remote+devbox/home/me/mux/app/feat");
  });

  it("fills a template's {host} and {path}, and gives no link for none or a path it cannot place", () => {
    expect(editorLink("zed://ssh/{host}{path}", ssh, null)).toBe("zed://ssh/devbox/home/me/mux/app/feat");
    expect(editorLink("idea://open?file={path}", local, null)).toBe("idea://open?file=/src/app");
    expect(editorLink("none", local, null)).toBeNull();
    expect(editorLink("vscode", { ...ssh, runtime: { ...ssh.runtime, path: "~/mux/app/feat" } }, null)).toBeNull();
    expect(editorLink("vscode", { projectPath: "/p", runtime: { type: "unsupported", kind: "docker", path: "/x" } }, null)).toBeNull();
  });

  it("accepts the three names and templates with {path} only", () => {
    for (const ok of ["vscode", "cursor", "none", "zed://ssh/{host}{path}"]) expect(EditorSettingSchema.safeParse(ok).success).toBe(true);
    for (const bad of ["emacs", "zed://ssh/", "javascript-less {path}", "javascript:alert({path})", ""])
      expect(EditorSettingSchema.safeParse(bad).success).toBe(false);
  });
});
