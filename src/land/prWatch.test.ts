import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeGh } from "../../test/helpers/fakeGh.js";
import { viewPr } from "./gh.js";
import { PR_MAX_MS, PR_MIN_MS, PrWatch } from "./prWatch.js";
import type { PullRequest } from "./schemas.js";

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mux-prs-")));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const pr = (over: Partial<PullRequest> = {}): PullRequest => ({
  number: 7,
  url: "https://github.com/acme/app/pull/7",
  state: "open",
  draft: false,
  checks: null,
  ...over,
});

describe("gh pr view, as gh prints it", () => {
  it("maps state, draft and the mixed check rollup; no PR is none; no gh is unavailable", async () => {
    const gh = installFakeGh(path.join(tmp, "gh"));
    const env = { ...process.env, PATH: gh.path };
    const base = { headRefName: "feat", baseRefName: "main", title: "t", isDraft: false };
    gh.update((s) => {
      s.prs.push({ ...base, number: 3, url: "u3", state: "OPEN", statusCheckRollup: [] });
    });
    expect(await viewPr(tmp, "feat", env)).toEqual({ kind: "found", pr: { number: 3, url: "u3", state: "open", draft: false, checks: null } });
    const rollups: [Record<string, string>[], PullRequest["checks"]][] = [
      [
        [
          { __typename: "CheckRun", status: "COMPLETED", conclusion: "SUCCESS" },
          { __typename: "StatusContext", state: "SUCCESS" },
        ],
        "passing",
      ],
      [
        [
          { __typename: "CheckRun", status: "IN_PROGRESS", conclusion: "" },
          { __typename: "StatusContext", state: "SUCCESS" },
        ],
        "pending",
      ],
      [
        [
          { __typename: "CheckRun", status: "COMPLETED", conclusion: "FAILURE" },
          { __typename: "StatusContext", state: "PENDING" },
        ],
        "failing",
      ],
      [[{ __typename: "CheckRun", status: "COMPLETED", conclusion: "SKIPPED" }], "passing"],
    ];
    for (const [rollup, checks] of rollups) {
      gh.update((s) => {
        s.prs[0].statusCheckRollup = rollup;
      });
      expect(await viewPr(tmp, "feat", env)).toMatchObject({ kind: "found", pr: { checks } });
    }
    gh.update((s) => {
      s.prs[0].state = "MERGED";
    });
    expect(await viewPr(tmp, "feat", env)).toMatchObject({ pr: { state: "merged" } });
    expect(await viewPr(tmp, "other", env)).toEqual({ kind: "none" });
    expect(await viewPr(tmp, "feat", { ...process.env, PATH: path.join(tmp, "none") })).toEqual({ kind: "unavailable", why: "gh is not installed" });
  });
});

describe("PrWatch", () => {
  it("asks again after 30 s, then ever less often while nothing changes; a change or a push resets it", async () => {
    let now = 0;
    let answer: PullRequest | null = pr();
    const asked: number[] = [];
    const watch = new PrWatch(
      async () => {
        asked.push(now);
        return answer ? { kind: "found", pr: answer } : { kind: "none" };
      },
      () => now,
    );
    const target = [{ id: "w", branch: "feat" }];
    const advanceTo = async (t: number) => {
      now = t;
      return watch.statuses(target);
    };
    expect(await advanceTo(0)).toEqual({ w: pr() });
    await advanceTo(PR_MIN_MS - 1);
    expect(asked).toEqual([0]);
    await advanceTo(PR_MIN_MS); // same answer: next in 60 s
    await advanceTo(PR_MIN_MS + 59_999);
    await advanceTo(PR_MIN_MS + 60_000); // same again: next in 120 s
    expect(asked).toEqual([0, PR_MIN_MS, PR_MIN_MS + 60_000]);
    answer = pr({ checks: "failing" });
    await advanceTo(PR_MIN_MS + 180_000);
    expect(await advanceTo(PR_MIN_MS + 180_000)).toEqual({ w: pr({ checks: "failing" }) });
    watch.poke("w");
    await advanceTo(PR_MIN_MS + 180_001);
    expect(asked).toHaveLength(5);
    // Merged: asked again only at the longest interval.
    answer = pr({ state: "merged" });
    await advanceTo(PR_MIN_MS * 20);
    const at = now;
    await advanceTo(at + PR_MAX_MS - 1);
    expect(asked.at(-1)).toBe(at);
    await advanceTo(at + PR_MAX_MS);
    expect(asked.at(-1)).toBe(at + PR_MAX_MS);
  });

  it("without gh: no badges, no errors, and gh is not asked again for a while", async () => {
    let calls = 0;
    let now = 0;
    const watch = new PrWatch(
      async () => {
        calls++;
        return { kind: "unavailable", why: "gh is not installed" };
      },
      () => now,
    );
    const targets = [
      { id: "a", branch: "a" },
      { id: "b", branch: "b" },
    ];
    expect(await watch.statuses(targets)).toEqual({});
    now = PR_MIN_MS * 4;
    expect(await watch.statuses(targets)).toEqual({});
    expect(calls).toBe(2);
  });
});
