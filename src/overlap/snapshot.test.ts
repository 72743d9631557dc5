import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, expect, it } from "vitest";
import { gitIn, makeRepo } from "../../test/helpers/git.js";
import { snapshotAll } from "./snapshot.js";

let tmp: string;
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Git trusts an index entry whose size and times (to the second) match the file unless the
 * entry is as new as the index file itself ("racily clean"); then it reads the content. The
 * snapshot's copy of the index must keep the index's time, or an edit that keeps the file's
 * size, made in the second the index was written, goes unseen.
 */
it("sees an edit that keeps the file's size, made in the second the workspace's index was written", async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-snapshot-")));
  const repo = makeRepo(path.join(tmp, "repo"), { "app.txt": "one\ntwo\n" });
  let checked = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const dir = path.join(tmp, `wt-${attempt}`);
    gitIn(repo, "worktree", "add", "-q", "-b", `wt-${attempt}`, dir, "main");
    // As the sidebar's git status does: the index is refreshed (and written) after the checkout.
    gitIn(dir, "status", "--porcelain");
    const file = path.join(dir, "app.txt");
    fs.writeFileSync(file, "ONE\ntwo\n");
    const index = fs.statSync(gitIn(dir, "rev-parse", "--path-format=absolute", "--git-path", "index"));
    if (Math.floor(fs.statSync(file).mtimeMs / 1000) !== Math.floor(index.mtimeMs / 1000)) continue;
    const snap = (await snapshotAll([{ id: "w", dir }])).get("w") as { head: string; commit: string };
    expect(snap.commit).not.toBe(snap.head);
    expect(gitIn(dir, "show", `${snap.commit}:app.txt`)).toBe("ONE\ntwo");
    checked++;
  }
  // Most tries land in the index's second; one is enough to have checked the case.
  expect(checked).toBeGreaterThan(0);
});
