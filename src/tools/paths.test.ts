import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalRuntime } from "../runtime/local.js";
import { displayPath, resolveInWorkspace, resolveWorkspacePath } from "./paths.js";
import { shq } from "./shellQuote.js";
import { createTestWorkspace, type TestWorkspace } from "./testing.js";
import { ToolError } from "./types.js";

let ws: TestWorkspace;
let outside: string;
beforeEach(async () => {
  ws = await createTestWorkspace();
  outside = await fs.mkdtemp(path.join(os.tmpdir(), "mux-outside-"));
});
afterEach(async () => {
  await ws.cleanup();
  await fs.rm(outside, { recursive: true, force: true });
});

describe("resolveInWorkspace", () => {
  it("resolves relative and absolute paths inside the root, existing or not", async () => {
    await ws.write("src/a.ts", "x");
    expect(await resolveInWorkspace(ws.runtime, "src/a.ts")).toBe(path.join(ws.root, "src/a.ts"));
    expect(await resolveInWorkspace(ws.runtime, path.join(ws.root, "src/../src/a.ts"))).toBe(path.join(ws.root, "src/a.ts"));
    expect(await resolveInWorkspace(ws.runtime, "new/dir/file.txt")).toBe(path.join(ws.root, "new/dir/file.txt"));
    expect(await resolveInWorkspace(ws.runtime, ".")).toBe(ws.root);
  });

  it("refuses ../ escapes and absolute paths outside the root", async () => {
    await expect(resolveInWorkspace(ws.runtime, "../x.txt")).rejects.toThrow(ToolError);
    await expect(resolveInWorkspace(ws.runtime, "src/../../x.txt")).rejects.toThrow(/is outside the workspace root/);
    await expect(resolveInWorkspace(ws.runtime, "/etc/passwd")).rejects.toThrow(`path /etc/passwd is outside the workspace root ${ws.root}`);
  });

  it("refuses symlinks that lead outside, for existing and not-yet-created files", async () => {
    await fs.writeFile(path.join(outside, "secret.txt"), "s");
    await fs.symlink(outside, path.join(ws.root, "link"));
    await fs.symlink(path.join(outside, "secret.txt"), path.join(ws.root, "secret-link.txt"));
    await expect(resolveInWorkspace(ws.runtime, "link/secret.txt")).rejects.toThrow(/it resolves to/);
    await expect(resolveInWorkspace(ws.runtime, "link/new/file.txt")).rejects.toThrow(ToolError);
    await expect(resolveInWorkspace(ws.runtime, "secret-link.txt")).rejects.toThrow(ToolError);
  });

  it("refuses dangling symlinks, whose target could be created anywhere", async () => {
    await fs.symlink(path.join(outside, "missing.txt"), path.join(ws.root, "dangling"));
    await expect(resolveInWorkspace(ws.runtime, "dangling")).rejects.toThrow(/symlink whose target does not exist/);
  });

  it("allows symlinks that stay inside and reports where I/O lands", async () => {
    await ws.write("real/a.txt", "x");
    await fs.symlink(path.join(ws.root, "real"), path.join(ws.root, "alias"));
    const r = await resolveWorkspacePath(ws.runtime, "alias/a.txt");
    expect(r.path).toBe(path.join(ws.root, "alias/a.txt"));
    expect(r.realPath).toBe(path.join(await fs.realpath(ws.root), "real/a.txt"));
  });

  it("compares realpaths, so a root reached through a symlink works", async () => {
    const linkedRoot = path.join(outside, "root-link");
    await fs.symlink(ws.root, linkedRoot);
    const rt = new LocalRuntime(linkedRoot);
    expect(await resolveInWorkspace(rt, "a/b.txt")).toBe(path.join(linkedRoot, "a/b.txt"));
    await expect(resolveInWorkspace(rt, path.join(outside, "x"))).rejects.toThrow(ToolError);
  });

  it("allows extra roots (lazily computed) such as the runtime's temp dir", async () => {
    const target = path.join(outside, "out.txt");
    await expect(resolveInWorkspace(ws.runtime, target)).rejects.toThrow(ToolError);
    expect(await resolveInWorkspace(ws.runtime, target, { allowExtraRoots: [outside] })).toBe(target);
    expect(await resolveInWorkspace(ws.runtime, target, { allowExtraRoots: async () => [outside] })).toBe(target);
  });

  it("rejects empty paths", async () => {
    await expect(resolveInWorkspace(ws.runtime, " ")).rejects.toThrow(/non-empty/);
  });

  it("displays paths relative to the root", () => {
    expect(displayPath(ws.runtime, path.join(ws.root, "a/b"))).toBe("a/b");
    expect(displayPath(ws.runtime, ws.root)).toBe(".");
    expect(displayPath(ws.runtime, "/elsewhere")).toBe("/elsewhere");
  });
});

describe("shq", () => {
  it("round-trips arbitrary strings through bash", async () => {
    const nasty = ["plain", "", "it's", 'a "b" $HOME `id` \\ \n !x', "-e", "*"];
    const { execCapture } = await import("../runtime/types.js");
    const r = await execCapture(ws.runtime, `printf '%s\\0' ${nasty.map(shq).join(" ")}`);
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(nasty);
  });
});
