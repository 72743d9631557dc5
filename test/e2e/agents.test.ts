import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { makeRepo } from "../helpers/git.js";
import { recordsOf } from "../helpers/originalRegistry.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { isAssistantMessage, readUntil } from "../helpers/server.js";
import { serverSuite } from "../helpers/serverSuite.js";

/** Custom agents (`.mux/agents/*.md`, `~/.mux/agents/*.md`) in `mux run` and over the server's API. */

const KEY = "sk-ant-agents-0123456789abcdef";
let repo: string;

const REVIEW = `---
name: Review
description: Reads and comments, changes nothing
base: exec
ai:
  model: haiku
tools:
  remove:
    - file_edit_.*
    - file_write
    - bash
---

You are a REVIEWER-AGENT. Point out problems; never edit.
`;

const env = () => ({ MUX_ROOT: s.dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: s.fake.url });
const toolsOf = (i: number) => (s.fake.requests[i].body.tools ?? []).map((t: { name: string }) => t.name).sort();
const systemOf = (i: number) => JSON.stringify(s.fake.requests[i].body.system);

const s = serverSuite(KEY, {
  prepare: ({ dirs }) => {
    repo = makeRepo(path.join(dirs.base, "app"));
    fs.mkdirSync(path.join(repo, ".mux", "agents"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".mux", "agents", "review.md"), REVIEW);
  },
});

describe("mux run --agent", () => {
  it("runs as the project's agent: its tools, its instructions, its model", async () => {
    s.fake.enqueue({ text: "Looks fine." });
    const r = await runMux(["run", "--json", "--dir", repo, "--agent", "review", "check app"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(toolsOf(0)).toEqual(["ask_user_question", "file_read", "glob", "grep", "task", "task_apply_git_patch", "task_await", "todo_write", "web_fetch"]);
    expect(systemOf(0)).toContain("REVIEWER-AGENT");
    expect(s.fake.requests[0].body.model).toMatch(/haiku/);
    expect(lastEvent(r.events, "run-complete")?.model).toMatch(/haiku/);
  });

  it("-m still picks the model; a user agent in MUX_ROOT/agents works from any directory", async () => {
    fs.mkdirSync(path.join(s.dirs.muxRoot, "agents"), { recursive: true });
    fs.writeFileSync(path.join(s.dirs.muxRoot, "agents", "scout.md"), "---\nname: Scout\nbase: plan\n---\nSCOUT-RULES\n");
    s.fake.enqueue({ text: "Scouted." });
    const r = await runMux(["run", "--dir", repo, "-m", "sonnet", "--agent", "scout", "look around"], { env: env() });
    fs.rmSync(path.join(s.dirs.muxRoot, "agents", "scout.md"));
    expect(r.code, r.stderr).toBe(0);
    expect(s.fake.requests[0].body.model).toMatch(/sonnet/);
    expect(systemOf(0)).toContain("PLAN MODE");
    expect(systemOf(0)).toContain("SCOUT-RULES");
    expect(toolsOf(0)).toContain("propose_plan");
    expect(toolsOf(0)).not.toContain("bash");
  });

  it("an unknown agent or a broken agent file fails before any request, naming what to fix", async () => {
    const unknown = await runMux(["run", "--dir", repo, "--agent", "nobody", "hi"], { env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No agent "nobody"');
    expect(unknown.stderr).toContain("review");
    fs.writeFileSync(path.join(repo, ".mux", "agents", "broken.md"), "---\nname: Broken\ntools: [a,\n---\n");
    try {
      const broken = await runMux(["run", "--dir", repo, "--agent", "broken", "hi"], { env: env() });
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/broken\.md:\d+: /);
      // The other agents are unaffected by a broken neighbour.
      s.fake.enqueue({ text: "ok" });
      const other = await runMux(["run", "--dir", repo, "--agent", "review", "hi"], { env: env() });
      expect(other.code, other.stderr).toBe(0);
    } finally {
      fs.rmSync(path.join(repo, ".mux", "agents", "broken.md"));
    }
    expect(s.fake.requests).toHaveLength(1);
  });
});

describe("agents over the server's API", () => {
  it("lists the project's agents beside the built-in modes, and a send with one runs as it and is remembered", async () => {
    const ws = await s.conn.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "agents-ws" });
    const list = await s.conn.api.agents.list({ workspaceId: ws.id });
    expect(list.agents.map((a) => [a.id, a.scope, a.mode])).toEqual([
      ["review", "project", "exec"],
      ["exec", "built-in", "exec"],
      ["plan", "built-in", "plan"],
    ]);
    expect(list.agents[0]).toMatchObject({ name: "Review", description: "Reads and comments, changes nothing", model: "haiku" });
    expect(list.problems).toEqual([]);

    const stream = await s.conn.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    s.fake.enqueue({ text: "Reviewed." });
    await s.conn.api.chat.send({ workspaceId: ws.id, text: "review it", model: "sonnet", mode: "exec", agent: "review" });
    await readUntil(stream, isAssistantMessage);
    expect(toolsOf(0)).toEqual(["ask_user_question", "file_read", "glob", "grep", "task", "task_apply_git_patch", "task_await", "todo_write", "web_fetch"]);
    expect(systemOf(0)).toContain("REVIEWER-AGENT");
    // Kept as the workspace's agent, where the original Mux keeps it (agentId).
    const saved = JSON.parse(fs.readFileSync(path.join(s.dirs.muxRoot, "config.json"), "utf8"));
    expect(recordsOf(saved).get(ws.id)?.agentId).toBe("review");

    // The next message without a pick runs as the workspace's agent; one sent in a mode leaves it.
    s.fake.enqueue({ text: "Again." });
    await s.conn.api.chat.send({ workspaceId: ws.id, text: "and again" });
    await readUntil(stream, isAssistantMessage);
    expect(systemOf(1)).toContain("REVIEWER-AGENT");
    s.fake.enqueue({ text: "Working." });
    await s.conn.api.chat.send({ workspaceId: ws.id, text: "now fix it", mode: "exec" });
    await readUntil(stream, isAssistantMessage);
    expect(systemOf(2)).not.toContain("REVIEWER-AGENT");
    expect(toolsOf(2)).toContain("bash");
  });

  it("a broken agent file is listed as a problem with its line; the rest still list", async () => {
    const ws = await s.conn.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "agents-broken" });
    fs.mkdirSync(path.join(s.dirs.muxRoot, "agents"), { recursive: true });
    fs.writeFileSync(path.join(s.dirs.muxRoot, "agents", "oops.md"), "---\nname: Oops\nbase: [x\n---\n");
    try {
      const list = await s.conn.api.agents.list({ workspaceId: ws.id });
      expect(list.agents.map((a) => a.id)).toContain("review");
      expect(list.problems).toHaveLength(1);
      expect(list.problems[0].message).toMatch(/oops\.md:\d+: /);
    } finally {
      fs.rmSync(path.join(s.dirs.muxRoot, "agents", "oops.md"));
    }
  });
});
