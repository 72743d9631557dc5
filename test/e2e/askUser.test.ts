import * as path from "node:path";
import { spawn as spawnPty } from "@lydell/node-pty";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ToolPart } from "../../src/agent/messages.js";
import type { ChatItem, WorkspaceListEvent } from "../../src/api/schemas.js";
import { NO_USER_NOTE } from "../../src/tools/askUserQuestion.js";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { cleanEnv, lastEvent, MUX_BIN, runMux, tempDirs } from "../helpers/mux.js";
import { type ApiClient, connect, type Connection, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/** ask_user_question: the turn waits for the user's answer over the API, and `mux run` without a terminal goes on alone. */

const KEY = "sk-ant-ask-user-0123456789abcdef";
const QUESTION = {
  question: "Which database?",
  header: "DB",
  options: [{ label: "SQLite (Recommended)" }, { label: "Postgres", description: "needs a server" }],
};
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
});
afterAll(async () => {
  await fake?.close();
  dirs?.cleanup();
});
beforeEach(() => fake.reset());

const askTurn = () => ({ toolCalls: [{ name: "ask_user_question", args: { questions: [QUESTION] } }] });
const toolPart = (parts: { type: string }[] | undefined) =>
  parts?.find((p): p is ToolPart => p.type === "tool" && (p as ToolPart).toolName === "ask_user_question");
const isQuestion = (i: ChatItem) => i.type === "event" && i.event.type === "question";
const stateOf = (id: string, state: string) => (e: WorkspaceListEvent) =>
  e.type === "workspace" && e.workspace.id === id && e.workspace.activity.state === state;

describe("ask_user_question over the server's API", () => {
  let server: ServerProcess;
  let conn: Connection;
  let api: ApiClient;
  let n = 0;
  const workspace = async () => {
    const repo = makeRepo(path.join(dirs.base, `ask-repo-${++n}`));
    return api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: `ask-${n}` });
  };
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

  it("the turn waits with the workspace needing input, survives a reload, and goes on with the answers", async () => {
    const ws = await workspace();
    const list = await api.workspaces.subscribe();
    const stream = await api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    fake.enqueue(askTurn(), { text: "Postgres it is." });
    await api.chat.send({ workspaceId: ws.id, text: "set up the database", model: "sonnet" });
    const asked = (await readUntil(stream, isQuestion)).find(isQuestion) as Extract<ChatItem, { type: "event" }>;
    const question = asked.event as Extract<typeof asked.event, { type: "question" }>;
    expect(question).toMatchObject({ questions: [QUESTION], answerable: true });
    await readUntil(list, stateOf(ws.id, "needs-input"));

    // A page opened now (or reloaded) gets the waiting question with the workspace's state.
    const again = await api.chat.subscribe({ workspaceId: ws.id });
    const [snapshot] = await readUntil(again, (i) => i.type === "caught-up");
    const waiting = toolPart(snapshot.type === "snapshot" ? snapshot.streaming?.parts : undefined);
    expect(waiting).toMatchObject({ toolCallId: question.toolCallId, state: "running", input: { questions: [QUESTION] } });
    expect((await api.workspaces.list()).find((w) => w.id === ws.id)?.activity.state).toBe("needs-input");

    // Answers must answer the questions asked.
    await expect(api.chat.answer({ workspaceId: ws.id, toolCallId: question.toolCallId, answers: {} })).rejects.toThrow(/no answer to "Which database\?"/);
    await expect(api.chat.answer({ workspaceId: ws.id, toolCallId: "other", answers: { "Which database?": "x" } })).rejects.toThrow(/no longer waiting/);
    await api.chat.answer({ workspaceId: ws.id, toolCallId: question.toolCallId, answers: { "Which database?": "Postgres" } });

    const rest = await readUntil(stream, isAssistantMessage);
    const answer = rest.find(isAssistantMessage) as Extract<ChatItem, { type: "message" }>;
    // The same turn, one answer: the tool's result is the user's answer, then the model's text.
    expect(toolPart(answer.message.parts)).toMatchObject({ state: "done", output: { answered: true, answers: { "Which database?": "Postgres" } } });
    expect(answer.message.parts.at(-1)).toEqual({ type: "text", text: "Postgres it is." });
    expect(answer.message.metadata?.status).toBe("complete");
    expect(fake.requests).toHaveLength(2);
    expect(JSON.stringify(fake.requests[1].body)).toContain('\\"Which database?\\":\\"Postgres\\"');
    await readUntil(list, stateOf(ws.id, "idle"));
    await list.return?.();
  });

  it("interrupting the turn cancels the question", async () => {
    const ws = await workspace();
    const stream = await api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (i) => i.type === "caught-up");
    fake.enqueue(askTurn(), { text: "never sent" });
    await api.chat.send({ workspaceId: ws.id, text: "ask me", model: "sonnet" });
    const asked = (await readUntil(stream, isQuestion)).find(isQuestion) as Extract<ChatItem, { type: "event" }>;
    await api.chat.interrupt({ workspaceId: ws.id });
    const answer = (await readUntil(stream, isAssistantMessage)).find(isAssistantMessage) as Extract<ChatItem, { type: "message" }>;
    expect(answer.message.metadata?.status).toBe("interrupted");
    expect(toolPart(answer.message.parts)).toMatchObject({ state: "error", output: { error: "The user did not answer: interrupted by user." } });
    await expect(
      api.chat.answer({ workspaceId: ws.id, toolCallId: (asked.event as { toolCallId: string }).toolCallId, answers: { "Which database?": "x" } }),
    ).rejects.toThrow(/no longer waiting/);
    expect((await api.workspaces.list()).find((w) => w.id === ws.id)?.activity.state).not.toBe("needs-input");
    expect(fake.requests).toHaveLength(1);
  });
});

it("a server stopped while a question waits ends the turn cleanly: the tool's result says the user did not answer", async () => {
  const root = path.join(dirs.base, "restart-root");
  let server = await startServer({ muxRoot: root, env: env() });
  let conn = await connect(server);
  const repo = makeRepo(path.join(dirs.base, "restart-repo"));
  const ws = await conn.api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "asks" });
  const stream = await conn.api.chat.subscribe({ workspaceId: ws.id });
  await readUntil(stream, (i) => i.type === "caught-up");
  fake.enqueue(askTurn());
  await conn.api.chat.send({ workspaceId: ws.id, text: "which one?", model: "sonnet" });
  await readUntil(stream, isQuestion);
  conn.close();
  await server.stop();

  server = await startServer({ muxRoot: root, env: env() });
  conn = await connect(server);
  try {
    const again = await conn.api.chat.subscribe({ workspaceId: ws.id });
    const [snapshot] = await readUntil(again, (i) => i.type === "caught-up");
    if (snapshot.type !== "snapshot") throw new Error("no snapshot");
    expect(snapshot.streaming).toBeNull();
    expect(snapshot.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const last = snapshot.messages[1];
    expect(last.metadata?.status).toBe("interrupted");
    expect(toolPart(last.parts)).toMatchObject({ state: "error", output: { error: "The user did not answer: Mux stopped." } });
    expect((await conn.api.workspaces.list()).find((w) => w.id === ws.id)?.activity.state).toBe("idle");
  } finally {
    conn.close();
    await server.stop();
  }
});

it("mux run without a terminal prints the question and tells the agent to decide itself", async () => {
  fake.enqueue(askTurn(), { text: "I chose SQLite." });
  const r = await runMux(["run", "--json", "-d", dirs.workspace, "-m", "sonnet", "set up the database"], { env: { ...env(), MUX_ROOT: dirs.muxRoot } });
  expect(r.code).toBe(0);
  expect(lastEvent(r.events, "question")).toMatchObject({ questions: [QUESTION], answerable: false });
  expect(lastEvent(r.events, "tool-call-end")).toMatchObject({
    toolName: "ask_user_question",
    isError: false,
    result: { answered: false, note: NO_USER_NOTE },
  });
  expect(lastEvent(r.events, "run-complete")).toMatchObject({ status: "completed", text: "I chose SQLite." });
  expect(JSON.stringify(fake.requests[1].body)).toContain("decide yourself");
});

it("mux run on a terminal asks there: a number picks that choice, and the run goes on with it", async () => {
  fake.enqueue(askTurn(), { text: "Postgres, then." });
  const pty = spawnPty(process.execPath, [MUX_BIN, "run", "-d", dirs.workspace, "-m", "sonnet", "set up the database"], {
    cols: 100,
    rows: 30,
    env: cleanEnv({ ...env(), MUX_ROOT: dirs.muxRoot, NO_COLOR: "1" }) as Record<string, string>,
  });
  let screen = "";
  let answered = false;
  const exit = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  pty.onData((d) => {
    screen += d;
    if (!answered && screen.includes("2. Postgres — needs a server") && screen.includes("> ")) {
      answered = true;
      pty.write("2\r");
    }
  });
  expect(await exit).toBe(0);
  expect(screen).toContain("[DB] Which database?");
  expect(screen).toContain("Postgres, then.");
  expect(JSON.stringify(fake.requests[1].body)).toContain('\\"Which database?\\":\\"Postgres\\"');
});
