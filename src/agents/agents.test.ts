import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../tools/registry.js";
import { parseAgentFile } from "./definition.js";
import { loadAgentCatalog } from "./discover.js";
import { listAgents, resolveAgent } from "./resolve.js";
import { toolsForTurn } from "./toolSet.js";

let root: string;
let muxRoot: string;
let projectDir: string;

function write(dir: string, name: string, text: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
}
const projectAgents = () => path.join(projectDir, ".mux", "agents");
const userAgents = () => path.join(muxRoot, "agents");
const catalog = () => loadAgentCatalog({ muxRoot, projectDir });
const toolNames = (id: string) => toolsForTurn(resolveAgent(catalog(), id).mode, resolveAgent(catalog(), id)).map((t) => t.name);

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-agents-"));
  muxRoot = path.join(root, "mux");
  projectDir = path.join(root, "project");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("agent files", () => {
  it("reads the original Mux's front matter: name, base, ai defaults, tool patterns, and the body as instructions", () => {
    const def = parseAgentFile(
      "---\nname: Review\ndescription: Terse reviewer\nbase: exec\nai:\n  model: haiku\n  thinkingLevel: med\ntools:\n  remove:\n    - file_edit_.*\n---\n\nYou are a code reviewer.\n",
      "/p/review.md",
      "review",
      "project",
    );
    expect(def.front).toMatchObject({ name: "Review", base: "exec", ai: { model: "haiku", thinkingLevel: "med" }, tools: { remove: ["file_edit_.*"] } });
    expect(def.body).toBe("You are a code reviewer.");
  });

  it("a broken file names its file and the line to fix", () => {
    expect(() => parseAgentFile("---\nname: X\ntools: [a, b\n---\nbody", "/p/x.md", "x", "project")).toThrow(/^\/p\/x\.md:\d+: /);
    expect(() => parseAgentFile("---\nname: X\ndescription: fine\nbase: [not, a, name]\n---\n", "/p/x.md", "x", "project")).toThrow(/^\/p\/x\.md:4: base: /);
    expect(() => parseAgentFile("no front matter", "/p/x.md", "x", "project")).toThrow(/\/p\/x\.md:1: .*front matter/);
    expect(() => parseAgentFile("---\nname: X\n", "/p/x.md", "x", "project")).toThrow(/not closed/);
  });

  it("one broken file is reported while the others are listed; odd file names are refused by name", () => {
    write(projectAgents(), "good.md", "---\nname: Good\nbase: exec\n---\nBe good.");
    write(projectAgents(), "bad.md", "---\nname: [\n---\n");
    write(projectAgents(), "Bad Name.md", "---\nname: Y\n---\n");
    const c = catalog();
    expect(listAgents(c).map((a) => a.id)).toEqual(["good", "exec", "plan"]);
    expect(c.problems.map((p) => path.basename(p.file)).sort()).toEqual(["Bad Name.md", "bad.md"]);
    expect(c.problems.find((p) => p.file.endsWith("bad.md"))?.message).toMatch(/bad\.md:2: /);
  });
});

describe("resolving an agent", () => {
  it("an exec-based agent keeps exec's tools minus what it removes, and its instructions", () => {
    write(projectAgents(), "review.md", "---\nname: Review\nbase: exec\ntools:\n  remove: [file_edit_.*, file_write, bash]\n---\nReview only.");
    expect(toolNames("review")).toEqual(["file_read", "glob", "grep", "todo_write", "web_fetch", "ask_user_question"]);
    const agent = resolveAgent(catalog(), "review");
    expect(agent).toMatchObject({ mode: "exec", instructions: ["Review only."], scope: "project" });
  });

  it("a plan-based agent is in plan mode and can be given a tool plan mode lacks", () => {
    write(userAgents(), "scout.md", "---\nname: Scout\nbase: plan\ntools: [bash]\n---\nScout around.");
    const agent = resolveAgent(catalog(), "scout");
    expect(agent.mode).toBe("plan");
    expect(toolNames("scout")).toEqual(["bash", "file_read", "glob", "grep", "todo_write", "web_fetch", "ask_user_question", "propose_plan"]);
  });

  it("an agent with no base has only the tools it lists", () => {
    write(userAgents(), "reader.md", "---\nname: Reader\ntools:\n  add: [file_read, gr.p]\n---\nRead.");
    expect(toolNames("reader")).toEqual(["file_read", "grep"]);
  });

  it("a project file extends the user's agent of the same id, which extends the built-in; bodies append unless told to replace", () => {
    write(userAgents(), "exec.md", "---\nname: Exec\nbase: exec\n---\nUSER RULE");
    write(projectAgents(), "exec.md", "---\nname: Exec\nbase: exec\n---\nPROJECT RULE");
    expect(resolveAgent(catalog(), "exec").instructions).toEqual(["USER RULE", "PROJECT RULE"]);
    write(projectAgents(), "exec.md", "---\nname: Exec\nbase: exec\nprompt:\n  append: false\n---\nONLY THIS");
    expect(resolveAgent(catalog(), "exec").instructions).toEqual(["ONLY THIS"]);
  });

  it("ai defaults pass down the chain and a child overrides them", () => {
    write(userAgents(), "fast.md", "---\nname: Fast\nbase: exec\nai:\n  model: haiku\n  thinkingLevel: xhigh\n---\n");
    write(projectAgents(), "faster.md", "---\nname: Faster\nbase: fast\nai:\n  thinkingLevel: low\n---\n");
    expect(resolveAgent(catalog(), "faster")).toMatchObject({ model: "haiku", thinking: "low" });
    expect(resolveAgent(catalog(), "fast")).toMatchObject({ model: "haiku", thinking: "max" });
  });

  it("unknown agents, missing bases and loops are errors that say what is wrong", () => {
    write(projectAgents(), "a.md", "---\nname: A\nbase: b\n---\n");
    write(projectAgents(), "b.md", "---\nname: B\nbase: a\n---\n");
    write(projectAgents(), "c.md", "---\nname: C\nbase: nowhere\n---\n");
    expect(() => resolveAgent(catalog(), "zzz")).toThrow(/No agent "zzz" \(agents: a, b, c, exec, plan\)/);
    expect(() => resolveAgent(catalog(), "a")).toThrow(/loops back/);
    expect(() => resolveAgent(catalog(), "c")).toThrow(/its base "nowhere" is not an agent/);
  });

  it("a disabled agent is gone; a hidden one still runs by name but is not offered", () => {
    write(projectAgents(), "plan.md", "---\nname: Plan\nui:\n  disabled: true\n---\n");
    write(projectAgents(), "secret.md", "---\nname: Secret\nbase: exec\nui:\n  hidden: true\n---\n");
    expect(() => resolveAgent(catalog(), "plan")).toThrow(/No agent "plan"/);
    expect(resolveAgent(catalog(), "secret").hidden).toBe(true);
    expect(listAgents(catalog()).map((a) => a.id)).not.toContain("plan");
  });

  it("without an agent the mode's tools are unchanged", () => {
    // All but propose_plan, and the task tools, which only a turn that can start helpers offers.
    expect(toolsForTurn("exec").length).toBe(ALL_TOOLS.length - 4);
    expect(toolsForTurn("exec", undefined, { subagents: true }).length).toBe(ALL_TOOLS.length - 1);
  });
});
