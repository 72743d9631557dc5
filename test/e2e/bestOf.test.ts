import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CompareView } from "../../src/api/compare.js";
import { lastUserText } from "../browser/harness.js";
import { countToolResults, type RecordedRequest } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { serverSuite } from "../helpers/serverSuite.js";

/** Best-of-N over the API of a real `mux server`: N workspaces, one prompt each, compared against git. */

const KEY = "sk-ant-best-of-0123456789abcdef";
let repo: string;

/**
 * Each agent runs one bash call: it commits a file naming the model that answered (so the test
 * knows which workspace each request went to) and leaves an uncommitted edit behind.
 */
function respond(req: RecordedRequest) {
  if (countToolResults(req) > 0) return { text: "Done." };
  const model = String(req.body?.model);
  const script = [
    `echo ${model} > model.txt`,
    "git add model.txt",
    "git -c user.name=agent -c user.email=agent@x commit -qm model",
    `printf 'one more line by ${model}\\nand another\\n' >> README.md`,
  ].join(" && ");
  return { toolCalls: [{ name: "bash", args: { script } }] };
}

const s = serverSuite(KEY, {
  resetEach: false,
  prepare: ({ fake, dirs }) => {
    fake.setResponder(respond);
    repo = makeRepo(path.join(dirs.base, "app"), { "README.md": "# app\nline two\n" });
  },
});
beforeAll(() => s.api.projects.add({ path: repo }));

/** The compare view once every agent of the run is done. */
async function whenDone(groupId: string): Promise<CompareView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = await s.api.compare.get({ groupId });
    if (view.rows.every((r) => r.state === "idle" && r.durationMs !== null && r.diff?.files)) return view;
    if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(view.rows)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const firstRequests = (prompt: string) => s.fake.requests.filter((r) => countToolResults(r) === 0 && lastUserText(r) === prompt);

describe("best-of-N", () => {
  it("creates N workspaces and sends each the same prompt; the compare view's figures are git's", async () => {
    const prompt = "add a model file (same model, three times)";
    const { group, errors } = await s.api.compare.launch({ projectPath: repo, prompt, models: ["sonnet", "sonnet", "sonnet"] });
    expect(errors).toEqual([]);
    expect(group.workspaces).toHaveLength(3);
    expect(group.prompt).toBe(prompt);
    const view = await whenDone(group.id);

    const requests = firstRequests(prompt);
    expect(requests).toHaveLength(3);
    for (const r of requests) expect(r.body.model).toBe("claude-sonnet-4-5");

    const list = await s.api.workspaces.list();
    expect(view.rows.map((r) => r.workspaceId)).toEqual(group.workspaces.map((w) => w.id));
    for (const row of view.rows) {
      const ws = list.find((w) => w.id === row.workspaceId);
      if (ws?.runtime.type !== "worktree") throw new Error("expected a worktree workspace");
      expect(ws.name).toMatch(/-[123]$/);
      // git's own figures: the branch's commits plus the uncommitted edit, against where it left main.
      const mergeBase = gitIn(ws.runtime.path, "merge-base", "main", "HEAD");
      const shortstat = gitIn(ws.runtime.path, "diff", "--shortstat", mergeBase);
      expect(shortstat).toBe(`2 files changed, ${row.diff?.insertions} insertions(+)`);
      expect(row.diff).toEqual({ files: 2, insertions: 3, deletions: 0 });
      expect(row.costUsd).toBeGreaterThan(0);
      expect(row.durationMs).toBeGreaterThan(0);
      expect(row.model).toBe("sonnet");
    }
    expect((await s.api.compare.groups()).map((g) => g.id)).toContain(group.id);
  });

  it("with a list of models, each workspace's request goes to its own model", async () => {
    const prompt = "add a model file (two models)";
    const { group } = await s.api.compare.launch({ projectPath: repo, prompt, models: ["sonnet", "haiku"] });
    const view = await whenDone(group.id);
    expect(
      firstRequests(prompt)
        .map((r) => r.body.model)
        .sort(),
    ).toEqual(["claude-haiku-4-5", "claude-sonnet-4-5"]);
    const list = await s.api.workspaces.list();
    const wanted: Record<string, string> = { sonnet: "claude-sonnet-4-5", haiku: "claude-haiku-4-5" };
    for (const member of group.workspaces) {
      const ws = list.find((w) => w.id === member.id);
      if (ws?.runtime.type !== "worktree") throw new Error("expected a worktree workspace");
      // The model that answered this workspace's request wrote its name in this workspace.
      expect(gitIn(ws.runtime.path, "show", "HEAD:model.txt")).toBe(wanted[member.model ?? ""]);
    }
    expect(view.rows.map((r) => r.model)).toEqual(["sonnet", "haiku"]);
  });

  it("refuses fewer than two runs, and names a project that does not exist", async () => {
    await expect(s.api.compare.launch({ projectPath: repo, prompt: "x", models: ["sonnet"] })).rejects.toThrow();
    await expect(s.api.compare.launch({ projectPath: path.join(s.dirs.base, "nowhere"), prompt: "x", models: ["sonnet", "sonnet"] })).rejects.toThrow(
      /does not exist/,
    );
    await expect(s.api.compare.get({ groupId: "nope" })).rejects.toThrow(/no best-of run/);
  });
});
