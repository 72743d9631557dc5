import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commitFile, makeRepo } from "../../test/helpers/git.js";
import { createWorkspaceService } from "../app/services.js";
import { Hub } from "../session/hub.js";
import { SSH_SKIPPED } from "./tracker.js";

/** The radar as the server runs it: a real Hub over real worktrees, refreshed by git status. */

let tmp: string;
let hub: Hub;
let repo: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-overlap-hub-")));
  repo = makeRepo(path.join(tmp, "app"), { "src/app.txt": "one\ntwo\nthree\nfour\nfive\n", "README.md": "# app\n" });
  const env = { ...process.env, MUX_ROOT: path.join(tmp, "mux") };
  hub = new Hub(createWorkspaceService(env), { env, tickMs: 0, warn: () => {} });
});
afterEach(async () => {
  await hub.shutdown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const dirOf = (ws: { runtime: { type: string; path?: string } }) => ws.runtime.path as string;
const badge = (id: string) => hub.feed.listSnapshot().workspaces.find((w) => w.id === id)?.overlap ?? null;

describe("overlap radar in the hub", () => {
  it("marks two workspaces editing the same file once their git status refreshes, and tells which files", async () => {
    await hub.ops.addProject(repo);
    const a = await hub.ops.create({ projectPath: repo, name: "alpha", runtime: { type: "worktree" } });
    const b = await hub.ops.create({ projectPath: repo, name: "beta", runtime: { type: "worktree" } });
    const c = await hub.ops.create({ projectPath: repo, name: "gamma", runtime: { type: "worktree" } });
    expect((await hub.overlap.view(c, true)).skipped).toBeNull();
    expect(badge(a.id)).toBeNull();

    fs.writeFileSync(path.join(dirOf(a), "src/app.txt"), "ONE\ntwo\nthree\nfour\nfive\n");
    commitFile(dirOf(b), "src/app.txt", "one\ntwo\nthree\nfour\nFIVE\n");
    fs.writeFileSync(path.join(dirOf(c), "notes.txt"), "gamma's own file\n");
    for (const w of [a, b, c]) hub.filesChanged(w.id);

    await vi.waitFor(() => expect(badge(a.id)?.others).toEqual([{ workspaceId: b.id, name: "beta", files: 1, conflict: false }]), { timeout: 20_000 });
    expect(badge(b.id)?.others.map((o) => o.name)).toEqual(["alpha"]);
    expect(badge(c.id)).toBeNull();
    const view = await hub.overlap.view(a);
    expect(view).toMatchObject({ skipped: null, changedFiles: ["src/app.txt"], trunk: null });
    expect(view.others).toEqual([{ workspaceId: b.id, name: "beta", shared: ["src/app.txt"], conflicting: [] }]);

    // Beta now takes alpha's line too: the badge turns into a conflict.
    commitFile(dirOf(b), "src/app.txt", "uno\ntwo\nthree\nfour\nFIVE\n");
    hub.filesChanged(b.id);
    await vi.waitFor(() => expect(badge(a.id)?.others[0]?.conflict).toBe(true), { timeout: 20_000 });
    expect((await hub.overlap.view(b)).others[0]).toMatchObject({ name: "alpha", conflicting: ["src/app.txt"] });

    // Deleted: nobody overlaps with it any more.
    await hub.ops.delete(b.id, true);
    await vi.waitFor(() => expect(badge(a.id)).toBeNull(), { timeout: 20_000 });
  });

  it("says why an SSH workspace is not checked, and leaves it out of the others' answers", async () => {
    await hub.ops.addProject(repo);
    const a = await hub.ops.create({ projectPath: repo, name: "alpha", runtime: { type: "worktree" } });
    await hub.service.store.update((config) => {
      config.workspaces.push({
        id: "sshws00001",
        projectPath: repo,
        name: "remote",
        branch: "remote",
        base: "main",
        runtime: { type: "ssh", host: "build-box", path: "/srv/mux/app/remote" },
        createdAt: Date.now(),
        settings: {},
      });
    });
    const ssh = hub.workspace("sshws00001");
    if (!ssh) throw new Error("the SSH workspace was not registered");
    const view = await hub.overlap.view(ssh, true);
    expect(view).toMatchObject({ skipped: SSH_SKIPPED, others: [], changedFiles: [] });
    expect((await hub.overlap.view(a, true)).others).toEqual([]);
    expect(badge("sshws00001")).toBeNull();
  });
});
