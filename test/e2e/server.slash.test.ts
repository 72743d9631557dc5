import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { type ApiClient, connect, type Connection, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/** Slash commands sent over the API of a real `mux server`: the hub refuses, the session core runs them. */

const KEY = "sk-ant-server-slash-0123456789abcdef";
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
let server: ServerProcess;
let conn: Connection;
let api: ApiClient;

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
  server = await startServer({ muxRoot: dirs.muxRoot, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
  conn = await connect(server);
  api = conn.api;
});
afterAll(async () => {
  conn?.close();
  await server?.stop();
  expect(server.output().stderr).toBe("");
  await fake?.close();
  dirs?.cleanup();
});

it("an unknown command is refused by send; /model and /new change the workspace list; the next turn uses the model picked", async () => {
  const repo = makeRepo(path.join(dirs.base, "repo"));
  const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "main" });
  await expect(api.chat.send({ workspaceId: ws.id, text: "/foo" })).rejects.toThrow(/Unknown command \/foo — try \/compact/);

  const stream = await api.chat.subscribe({ workspaceId: ws.id });
  await readUntil(stream, (i) => i.type === "caught-up");
  const answer = async (text: string) => {
    await api.chat.send({ workspaceId: ws.id, text });
    const items = await readUntil(stream, isAssistantMessage);
    const command = items.find((i) => i.type === "event" && i.event.type === "command");
    return command?.type === "event" && command.event.type === "command" ? command.event : undefined;
  };
  expect(await answer("/model haiku")).toMatchObject({ model: "anthropic:claude-haiku-4-5" });
  expect(await answer("/new side")).toMatchObject({ name: "new", workspace: { name: "side" } });
  const list = await api.workspaces.list();
  const side = list.find((w) => w.name === "side");
  expect(side?.runtime.type).toBe("local");
  expect(list.find((w) => w.id === ws.id)?.settings.model).toBe("anthropic:claude-haiku-4-5");
  expect(fake.requests).toHaveLength(0);

  fake.enqueue({ text: "Hi from haiku." });
  await api.chat.send({ workspaceId: ws.id, text: "hello" });
  await readUntil(stream, isAssistantMessage);
  expect(fake.requests[0].body.model).toBe("claude-haiku-4-5");
  await stream.return?.();
});
