import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commitFile, gitIn } from "../helpers/git.js";
import { hasSshd, sshProjectSuite } from "../helpers/sshd.js";

/** Commit, merge and push of a workspace on an SSH host (a real sshd on loopback). */
describe.skipIf(!hasSshd)("landing an SSH workspace", () => {
  const ssh = sshProjectSuite(
    { "README.md": "# app\n" },
    { GIT_AUTHOR_NAME: "U", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "U", GIT_COMMITTER_EMAIL: "u@x" },
  );

  it("commits on the host, brings the commits back to merge them into the local trunk, and then deletes safely", { timeout: 120_000 }, async () => {
    const created = await ssh.mux(["workspace", "create", "far", "--runtime", `ssh ${ssh.sshd.host}`]);
    expect(created.code, created.stderr).toBe(0);
    const remoteWs = path.join(ssh.remoteRoot, "app", "far");
    fs.writeFileSync(path.join(remoteWs, "remote.txt"), "made on the host\n");
    const commit = await ssh.mux(["workspace", "commit", "far", "-m", "Work from the host", "--json"]);
    expect(commit.code, commit.stderr).toBe(0);
    expect(JSON.parse(commit.stdout)).toMatchObject({ status: "committed", files: 1 });
    expect(gitIn(remoteWs, "log", "-1", "--format=%s")).toBe("Work from the host");
    commitFile(remoteWs, "second.txt", "2\n", "second");
    commitFile(ssh.repo, "local.txt", "l\n", "trunk moves on here");

    const before = gitIn(ssh.repo, "rev-parse", "main");
    const merge = await ssh.mux(["workspace", "merge", "far", "--rebase", "--json"]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(JSON.parse(merge.stdout)).toMatchObject({ status: "merged", mode: "rebase", trunk: "main", previous: before, commits: 2, checkout: ssh.repo });
    expect(gitIn(ssh.repo, "log", "-3", "--format=%s", "main")).toBe("second\nWork from the host\ntrunk moves on here");
    expect(fs.readFileSync(path.join(ssh.repo, "remote.txt"), "utf8")).toBe("made on the host\n");

    // The host was told the work landed: its safe delete passes without --force.
    const deleted = await ssh.mux(["workspace", "delete", "far"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(fs.existsSync(remoteWs)).toBe(false);
    expect(gitIn(ssh.repo, "for-each-ref", "refs/mux/")).toBe("");
  });

  it("a conflict with work on the host is refused and changes nothing; the branch can still be pushed from here", { timeout: 120_000 }, async () => {
    const origin = path.join(ssh.dirs.base, "origin.git");
    gitIn(ssh.dirs.base, "init", "-q", "--bare", origin);
    gitIn(ssh.repo, "remote", "add", "origin", origin);
    expect((await ssh.mux(["workspace", "create", "clash", "--runtime", `ssh ${ssh.sshd.host}`])).code).toBe(0);
    const remoteWs = path.join(ssh.remoteRoot, "app", "clash");
    commitFile(remoteWs, "README.md", "# from the host\n", "host edits readme");
    commitFile(ssh.repo, "README.md", "# from here\n", "local edits readme");
    const before = gitIn(ssh.repo, "rev-parse", "main");
    const merge = await ssh.mux(["workspace", "merge", "clash"]);
    expect(merge.code).toBe(1);
    expect(merge.stderr).toContain("conflicts in README.md; nothing was changed");
    expect(gitIn(ssh.repo, "rev-parse", "main")).toBe(before);
    // The host was sent the trunk as it is now, under the name the agent there is told to rebase onto.
    expect(merge.stderr).toContain("Ask the agent to rebase onto refs/mux-local/heads/main");
    expect(gitIn(remoteWs, "rev-parse", "refs/mux-local/heads/main")).toBe(before);

    const push = await ssh.mux(["workspace", "push", "clash", "--json"]);
    expect(push.code, push.stderr).toBe(0);
    expect(gitIn(origin, "rev-parse", "refs/heads/clash")).toBe(gitIn(remoteWs, "rev-parse", "HEAD"));
  });
});
