import { describe, expect, it } from "vitest";
import type { ProviderView, WorkspaceSummary } from "../../src/api/schemas.js";
import { sumCosts } from "../../src/api/partialCost.js";
import { costTitle, formatCost, formatTokens, gitCompact } from "../../web/src/app/format.js";
import { fuzzyFilter, fuzzyScore } from "../../web/src/app/fuzzy.js";
import { parseModels, toUpdate, validateDraft } from "../../web/src/settings/draft.js";
import { notificationFor } from "../../web/src/state/notifyRules.js";
import { groupWorkspaces, initialWorkspaces, reduceWorkspaces, stepWorkspace } from "../../web/src/state/workspacesModel.js";

const ws = (id: string, extra: Partial<WorkspaceSummary> = {}): WorkspaceSummary => ({
  id,
  projectPath: "/p/app",
  name: id,
  branch: id,
  base: "main",
  runtime: { type: "worktree", path: `/wt/${id}` },
  createdAt: Number(id.replace(/\D/g, "")) || 0,
  settings: {},
  health: "ok",
  activity: { state: "idle", queued: [], unread: false, lastActivityAt: null },
  git: null,
  costUsd: 0,
  costIncomplete: false,
  ...extra,
});
const project = (path: string, name: string) => ({ path, name, addedAt: 0 });

describe("workspace list store", () => {
  const snap = reduceWorkspaces(initialWorkspaces, {
    type: "snapshot",
    projects: [project("/p/app", "app"), project("/p/lib", "lib")],
    workspaces: [ws("w2"), ws("w1"), ws("w3", { projectPath: "/p/lib" })],
  });

  it("applies snapshot, live updates and removals", () => {
    expect(snap.loaded).toBe(true);
    const busy = reduceWorkspaces(snap, { type: "workspace", workspace: ws("w1", { activity: { ...ws("w1").activity, state: "streaming" } }) });
    expect(busy.byId.w1.activity.state).toBe("streaming");
    expect(snap.byId.w1.activity.state).toBe("idle");
    const removed = reduceWorkspaces(busy, { type: "removed", id: "w2" });
    expect(Object.keys(removed.byId).sort()).toEqual(["w1", "w3"]);
    expect(reduceWorkspaces(removed, { type: "removed", id: "nope" })).toBe(removed);
    const again = reduceWorkspaces(removed, { type: "snapshot", projects: [], workspaces: [] });
    expect(again.byId).toEqual({});
  });

  it("groups by project in creation order, keeps orphans, flags shared local directories", () => {
    const s = reduceWorkspaces(snap, { type: "workspace", workspace: ws("w9", { projectPath: "/gone/old" }) });
    const local = { runtime: { type: "local" as const } };
    const s2 = reduceWorkspaces(reduceWorkspaces(s, { type: "workspace", workspace: ws("w4", local) }), {
      type: "workspace",
      workspace: ws("w5", local),
    });
    const groups = groupWorkspaces(s2);
    expect(groups.map((g) => [g.name, g.registered, g.workspaces.map((w) => w.id)])).toEqual([
      ["app", true, ["w1", "w2", "w4", "w5"]],
      ["lib", true, ["w3"]],
      ["old", false, ["w9"]],
    ]);
    expect(groups[0].sharedLocal).toEqual(["w4", "w5"]);
    expect(groups[1].sharedLocal).toEqual([]);
  });

  it("nests helpers' workspaces under their parent's, a helper's helper one level further", () => {
    const s = reduceWorkspaces(initialWorkspaces, {
      type: "snapshot",
      projects: [project("/p/app", "app")],
      workspaces: [
        ws("w1"),
        ws("w2"),
        ws("w3", { parentWorkspaceId: "w1" }),
        ws("w4", { parentWorkspaceId: "w3" }),
        ws("w5", { parentWorkspaceId: "w1" }),
        // Its parent is gone (or was a `mux run` in a directory): a top-level row.
        ws("w6", { parentWorkspaceId: "run-xyz" }),
      ],
    });
    const [group] = groupWorkspaces(s);
    expect(group.workspaces.map((w) => [w.id, group.depth[w.id] ?? 0])).toEqual([
      ["w1", 0],
      ["w3", 1],
      ["w4", 2],
      ["w5", 1],
      ["w2", 0],
      ["w6", 0],
    ]);
  });

  it("steps through workspaces with wrap-around", () => {
    const order = [ws("a"), ws("b"), ws("c")];
    expect(stepWorkspace(order, "b", 1)).toBe("c");
    expect(stepWorkspace(order, "c", 1)).toBe("a");
    expect(stepWorkspace(order, "a", -1)).toBe("c");
    expect(stepWorkspace(order, null, 1)).toBe("a");
    expect(stepWorkspace(order, null, -1)).toBe("c");
    expect(stepWorkspace([], null, 1)).toBeNull();
  });
});

describe("notifications", () => {
  const at = (state: WorkspaceSummary["activity"]["state"]) => ws("w1", { activity: { ...ws("w1").activity, state } });
  it("fires on finish, needs-input and failure only", () => {
    expect(notificationFor(at("streaming"), at("idle"))?.title).toBe("w1 finished");
    expect(notificationFor(at("streaming"), at("needs-input"))?.title).toBe("w1 needs your input");
    expect(notificationFor(at("streaming"), at("error"))?.title).toBe("w1 failed");
    expect(notificationFor(at("idle"), at("streaming"))).toBeNull();
    expect(notificationFor(at("starting"), at("idle"))).toBeNull();
    expect(notificationFor(at("idle"), at("idle"))).toBeNull();
  });
});

describe("command palette fuzzy search", () => {
  it("matches subsequences and ranks word starts and substrings first", () => {
    expect(fuzzyScore("nw", "New workspace…")).not.toBeNull();
    expect(fuzzyScore("xyz", "New workspace…")).toBeNull();
    expect(fuzzyScore("", "anything")).toBe(0);
    const items = ["Open settings: providers", "Switch to swift-otter", "New workspace…"];
    expect(fuzzyFilter("settings", items, (x) => x)[0]).toBe("Open settings: providers");
    expect(fuzzyFilter("otter", items, (x) => x)).toEqual(["Switch to swift-otter"]);
    expect(fuzzyFilter("new ws", items, (x) => x)[0]).toBe("New workspace…");
  });
});

describe("provider settings drafts", () => {
  const openai: ProviderView = {
    id: "openai",
    displayName: "OpenAI",
    type: "openai",
    custom: false,
    apiKey: { masked: "sk-…1234", source: { kind: "file", label: "~/.mux/providers.jsonc (apiKey)" } },
    baseUrl: { value: "https://gw/v1", configured: "https://gw/v1", source: { kind: "file", label: "file" } },
    wireFormat: "responses",
    keyEnv: ["OPENAI_API_KEY"],
    baseUrlEnv: ["OPENAI_BASE_URL"],
    models: [],
    ready: true,
  };
  it("sends only what changed; clearing sends null", () => {
    expect(toUpdate(openai, {})).toBeNull();
    expect(toUpdate(openai, { apiKey: "", baseUrl: " https://gw/v1 " })).toBeNull();
    expect(toUpdate(openai, { apiKey: " sk-new " })).toEqual({ id: "openai", apiKey: "sk-new" });
    expect(toUpdate(openai, { apiKey: null, baseUrl: null })).toEqual({ id: "openai", apiKey: null, baseUrl: null });
    expect(toUpdate(openai, { baseUrl: "" })).toEqual({ id: "openai", baseUrl: null });
    expect(toUpdate(openai, { wireFormat: "chatCompletions" })).toEqual({ id: "openai", wireFormat: "chatCompletions" });
    expect(toUpdate(openai, { displayName: "x", models: "a" })).toBeNull(); // built-in: not editable
    // A URL from the environment is not in the file: nothing to clear, typing one pins it.
    const fromEnv = {
      ...openai,
      baseUrl: { value: "https://e/v1", configured: "https://e/v1", source: { kind: "env" as const, label: "environment variable OPENAI_BASE_URL" } },
    };
    expect(toUpdate(fromEnv, { baseUrl: "" })).toBeNull();
    expect(toUpdate(fromEnv, { baseUrl: null })).toBeNull();
    expect(toUpdate(fromEnv, { baseUrl: "https://e/v1" })).toEqual({ id: "openai", baseUrl: "https://e/v1" });
  });
  it("edits custom providers and validates URLs", () => {
    const custom = { ...openai, id: "vllm", custom: true, displayName: "vLLM", models: ["a"], wireFormat: undefined };
    expect(toUpdate(custom, { models: "a, b\nb", displayName: "Local" })).toEqual({ id: "vllm", models: ["a", "b"], displayName: "Local" });
    expect(toUpdate(custom, { models: "" })).toEqual({ id: "vllm", models: null });
    expect(validateDraft({ baseUrl: "localhost:8000" })).toMatch(/http/);
    expect(validateDraft({ baseUrl: "http://localhost:8000/v1" })).toBeNull();
    expect(parseModels(" x,y  z ,x")).toEqual(["x", "y", "z"]);
  });
});

describe("costs that are only partly known", () => {
  it("show the known part with a +, explained in the tooltip; nothing known is ?", () => {
    expect(formatCost(0.42, true)).toBe("$0.42+");
    expect(formatCost(null, true)).toBe("?");
    expect(costTitle(0.42, true)).toMatch(/^At least \$0\.42: .*without a price.*interrupted/);
    expect(costTitle(0.42, false)).toBe("Cost so far: $0.42");
  });

  it("a project's total adds its workspaces' own costs; an unpriced one makes it a lower bound", () => {
    expect(sumCosts([ws("w1", { costUsd: 0.4 }), ws("w2", { costUsd: null, costIncomplete: true }), ws("w3", { costUsd: 0.02 })])).toEqual({
      costUsd: expect.closeTo(0.42, 10),
      costIncomplete: true,
    });
    expect(sumCosts([ws("w1", { costUsd: null, costIncomplete: true })])).toEqual({ costUsd: null, costIncomplete: true });
    expect(sumCosts([])).toEqual({ costUsd: 0, costIncomplete: false });
  });
});

describe("formatting", () => {
  it("shows costs, unknown costs, tokens and compact git status", () => {
    expect(formatCost(null)).toBe("?");
    expect(formatCost(0)).toBe("$0.00");
    expect(formatCost(0.1234)).toBe("$0.12");
    expect(formatCost(0.0042)).toBe("$0.0042");
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(1234)).toBe("1.23k");
    expect(formatTokens(12_345)).toBe("12.3k");
    expect(formatTokens(200_000)).toBe("200k");
    expect(formatTokens(1_500_000)).toBe("1.5M");
    const git = { branch: "b", detached: false, headSha: null, ahead: 2, behind: 1, dirtyFiles: 3, linesAdded: 0, linesRemoved: 0, base: "main", updatedAt: 0 };
    expect(gitCompact(git)).toBe("↑2 ↓1 •3");
    expect(gitCompact({ ...git, ahead: 0, behind: 0 })).toBe("•3");
    expect(gitCompact(null)).toBe("");
  });
});
