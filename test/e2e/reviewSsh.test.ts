import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commitFile } from "../helpers/git.js";
import { hasSshd, sshProjectSuite } from "../helpers/sshd.js";

/** The diff of an SSH workspace is made by git on the host, through the same runtime the agent uses. */
describe.skipIf(!hasSshd)("review of an SSH workspace against a real sshd", () => {
  const ssh = sshProjectSuite({ "README.md": "# app\n", "src/lib.ts": "export const a = 1;\n" });

  it("mux workspace diff shows the host's committed, uncommitted and untracked changes", { timeout: 120_000 }, async () => {
    const created = await ssh.mux(["workspace", "create", "remote1", "--runtime", `ssh ${ssh.sshd.host}`, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const remoteWs = JSON.parse(created.stdout).runtime.path as string;
    commitFile(remoteWs, "remote-commit.txt", "committed on the host\n");
    fs.writeFileSync(path.join(remoteWs, "src/lib.ts"), "export const a = 2;\n");
    fs.writeFileSync(path.join(remoteWs, "scratch.md"), "untracked on the host\n");

    const json = await ssh.mux(["workspace", "diff", "remote1", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.base.label).toBe("merge-base with main");
    expect(out.files.map((f: { path: string; status: string; untracked: boolean }) => [f.path, f.status, f.untracked])).toEqual([
      ["remote-commit.txt", "added", false],
      ["scratch.md", "added", true],
      ["src/lib.ts", "modified", false],
    ]);
    expect(out.files[2].hunks[0].lines).toEqual(["-export const a = 1;", "+export const a = 2;"]);

    const head = await ssh.mux(["workspace", "diff", "remote1", "--name-only", "--base", "HEAD"]);
    expect(head.stdout).toBe("scratch.md\nsrc/lib.ts\n");
  });
});
