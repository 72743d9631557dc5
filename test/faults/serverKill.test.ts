import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";
import { connect, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/**
 * kill -9 of `mux server` at instants spread over a turn (the request, the stream, a running
 * tool, the answer after it), each followed by a restart: the registry parses, the chat loads
 * with every user message exactly once, nothing continues on its own, and a new message works.
 */

const KEY = "sk-ant-server-kill-0123456789abcdef";
const KILLS = 6;
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
const servers: ServerProcess[] = [];
const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await fake?.close();
  dirs?.cleanup();
});

it(`${KILLS} kill -9s of the server mid-turn never corrupt the chat or the registry`, async () => {
  fake.setResponder((req) => {
    const last = req.body.messages.at(-1);
    if (JSON.stringify(last).includes("check ")) return { text: "checked" };
    const afterTool = Array.isArray(last?.content) && last.content.some((b: { type: string }) => b.type === "tool_result");
    return afterTool
      ? { text: "streamed answer ".repeat(40), chunkSize: 8, chunkDelayMs: 8 }
      : { toolCalls: [{ name: "bash", args: { script: "echo step >> steps.log; sleep 0.3" } }], chunkDelayMs: 5 };
  });
  const repo = makeRepo(path.join(dirs.base, "app"));
  let server = await startServer({ muxRoot: dirs.muxRoot, env: env() });
  servers.push(server);
  let c = await connect(server);
  const ws = await c.api.workspaces.create({ projectPath: repo, name: "crashy" });
  const prompts: string[] = [];
  const outcomes: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const prompt = `work ${i}`;
    const before = fake.requests.length;
    await c.api.chat.send({ workspaceId: ws.id, text: prompt, model: "sonnet" });
    prompts.push(prompt);
    const killAfterMs = i * 220;
    await new Promise((r) => setTimeout(r, killAfterMs));
    await server.kill();
    c.close();
    outcomes.push(`killed ${killAfterMs} ms after send, after ${fake.requests.length - before} request(s)`);
    JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));

    server = await startServer({ muxRoot: dirs.muxRoot, env: env() });
    servers.push(server);
    c = await connect(server);
    expect((await c.api.workspaces.list()).map((w) => w.name)).toEqual(["crashy"]);
    const requests = fake.requests.length;
    const history = await c.api.chat.history({ workspaceId: ws.id, before: 1000, limit: 500 });
    const users = history.messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.parts));
    // Every prompt sent so far (and every check) is there exactly once, in order.
    const texts = prompts.map((p) => users.findIndex((u) => u.includes(`"${p}"`)));
    expect(
      texts.every((k) => k >= 0),
      outcomes.at(-1),
    ).toBe(true);
    expect(
      [...texts].sort((a, b) => a - b),
      outcomes.at(-1),
    ).toEqual(texts);
    expect(new Set(users).size, outcomes.at(-1)).toBe(users.length);
    // Nothing was continued on its own.
    expect(fake.requests.length).toBe(requests);

    const check = `check ${i}`;
    const stream = await c.api.chat.subscribe({ workspaceId: ws.id });
    await readUntil(stream, (item) => item.type === "caught-up");
    await c.api.chat.send({ workspaceId: ws.id, text: check, model: "sonnet" });
    prompts.push(check);
    const items = await readUntil(stream, isAssistantMessage);
    expect(JSON.stringify(items.at(-1)), outcomes.at(-1)).toContain("checked");
  }
  console.log(`server kill -9 outcomes: ${outcomes.join("; ")}`);
}, 180_000);
