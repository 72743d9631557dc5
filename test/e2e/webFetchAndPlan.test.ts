import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ToolPart } from "../../src/agent/messages.js";
import type { ChatItem } from "../../src/api/schemas.js";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";
import { type ApiClient, connect, type Connection, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/** web_fetch against a page served on 127.0.0.1 (and turned off), and the plan file: saved, edited, started. */

const KEY = "sk-ant-web-plan-0123456789abcdef";
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
let page: http.Server;
let pageUrl: string;
const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url, MUX_ROOT: dirs.muxRoot });
/** The tools offered in a recorded Anthropic request. */
const toolNames = (i: number) => (fake.requests[i].body.tools as { name: string }[]).map((t) => t.name);

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
  page = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(
      "<html><head><title>Docs</title></head><body><main><h1>Install</h1><p>Run <code>make setup</code> once, then <em>make test</em>.</p></main></body></html>",
    );
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/docs`;
});
afterAll(async () => {
  await new Promise((resolve) => page?.close(resolve));
  await fake?.close();
  dirs?.cleanup();
});
beforeEach(() => fake.reset());

describe("mux run", () => {
  it("web_fetch returns the page as Markdown to the model", async () => {
    fake.enqueue({ toolCalls: [{ name: "web_fetch", args: { url: pageUrl } }] }, { text: "Run make setup." });
    const r = await runMux(["run", "--json", "-d", dirs.workspace, "-m", "sonnet", "how do I install?"], { env: env() });
    expect(r.code).toBe(0);
    const end = lastEvent(r.events, "tool-call-end");
    expect(end).toMatchObject({ toolName: "web_fetch", isError: false, result: { url: pageUrl, status: 200, title: "Docs" } });
    expect((end!.result as { content: string }).content).toContain("Run `make setup` once, then _make test_.");
    expect(toolNames(0)).toContain("web_fetch");
    expect(JSON.stringify(fake.requests[1].body)).toContain("make setup");
  });

  it("--no-web-fetch does not offer the tool", async () => {
    fake.enqueue({ text: "ok" });
    const r = await runMux(["run", "--json", "--no-web-fetch", "-d", dirs.workspace, "-m", "sonnet", "hi"], { env: env() });
    expect(r.code).toBe(0);
    expect(toolNames(0)).not.toContain("web_fetch");
    expect(toolNames(0)).toContain("ask_user_question");
  });

  it("plan mode keeps the plan as a file under MUX_ROOT/plans, named after the session", async () => {
    fake.enqueue({ toolCalls: [{ name: "propose_plan", args: { plan: "# Plan\n\n1. Edit a.ts" } }] });
    const r = await runMux(["run", "--json", "--mode", "plan", "-d", dirs.workspace, "-m", "sonnet", "plan it"], { env: env() });
    expect(r.code).toBe(0);
    const done = lastEvent(r.events, "run-complete");
    const file = path.join(dirs.muxRoot, "plans", path.basename(dirs.workspace), `${done?.sessionId}.md`);
    expect(lastEvent(r.events, "tool-call-end")?.result).toMatchObject({ planFile: file });
    expect(fs.readFileSync(file, "utf8")).toBe("# Plan\n\n1. Edit a.ts");
  });
});

describe("mux server", () => {
  let server: ServerProcess;
  let conn: Connection;
  let api: ApiClient;
  beforeAll(async () => {
    server = await startServer({ muxRoot: dirs.muxRoot, env: env() });
    conn = await connect(server);
    api = conn.api;
  });
  afterAll(async () => {
    conn?.close();
    await server?.stop();
    expect(server.output().stderr).toBe("");
  });

  it("a workspace with web_fetch turned off is not offered it", async () => {
    const repo = makeRepo(path.join(dirs.base, "web-off"));
    const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "offline" });
    await api.workspaces.updateSettings({ workspaceId: ws.id, settings: { webFetch: false } });
    expect((await api.workspaces.list()).find((w) => w.id === ws.id)?.settings.webFetch).toBe(false);
    const stream = await api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    fake.enqueue({ text: "ok" });
    await api.chat.send({ workspaceId: ws.id, text: "hi", model: "sonnet" });
    await readUntil(stream, isAssistantMessage);
    expect(toolNames(0)).not.toContain("web_fetch");
  });

  it("the plan is saved as a file, can be edited, and Start sends the edited file in exec mode", async () => {
    const repo = makeRepo(path.join(dirs.base, "planner"));
    const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "fix-login" });
    const stream = await api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    expect(await api.chat.plan({ workspaceId: ws.id })).toMatchObject({ content: null });
    await expect(api.chat.startPlan({ workspaceId: ws.id })).rejects.toThrow(/no plan to start/);

    fake.enqueue({ toolCalls: [{ name: "propose_plan", args: { plan: "1. Fix the login form" } }] });
    await api.chat.send({ workspaceId: ws.id, text: "plan the fix", model: "sonnet", mode: "plan" });
    const planned = (await readUntil(stream, isAssistantMessage)).find(isAssistantMessage) as Extract<ChatItem, { type: "message" }>;
    const file = path.join(dirs.muxRoot, "plans", "planner", "fix-login.md");
    const part = planned.message.parts.find((p): p is ToolPart => p.type === "tool");
    expect(part?.output).toMatchObject({ planFile: file });
    expect(await api.chat.plan({ workspaceId: ws.id })).toEqual({ path: file, content: "1. Fix the login form" });
    expect((await api.workspaces.list()).find((w) => w.id === ws.id)?.activity.state).toBe("needs-input");

    // The file is named after the workspace, and goes along when it is renamed.
    await api.workspaces.rename({ workspaceId: ws.id, name: "login-fix" });
    const moved = path.join(dirs.muxRoot, "plans", "planner", "login-fix.md");
    expect(await api.chat.plan({ workspaceId: ws.id })).toEqual({ path: moved, content: "1. Fix the login form" });
    expect(fs.existsSync(file)).toBe(false);

    await api.chat.savePlan({ workspaceId: ws.id, content: "1. Fix the login form\n2. Add a test for it" });
    expect(fs.readFileSync(moved, "utf8")).toBe("1. Fix the login form\n2. Add a test for it");

    fake.enqueue({ text: "Done." });
    await api.chat.startPlan({ workspaceId: ws.id });
    const started = await readUntil(stream, isAssistantMessage);
    const user = started.find((i) => i.type === "message" && i.message.role === "user") as Extract<ChatItem, { type: "message" }>;
    expect(JSON.stringify(user.message.parts)).toContain("2. Add a test for it");
    const start = started.find((i) => i.type === "event" && i.event.type === "stream-start") as Extract<ChatItem, { type: "event" }>;
    expect(start.event).toMatchObject({ mode: "exec" });
    expect(toolNames(1)).toContain("file_write");
    expect(JSON.stringify(fake.requests[1].body)).toContain("2. Add a test for it");
    expect((await api.workspaces.list()).find((w) => w.id === ws.id)?.settings.mode).toBe("exec");
  });
});
