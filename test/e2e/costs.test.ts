import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/agent/messages.js";
import { sumCosts } from "../../src/api/partialCost.js";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, tempDirs } from "../helpers/mux.js";
import { type ApiClient, type Connection, connect, isAssistantMessage, readUntil, type ServerProcess, startServer } from "../helpers/server.js";

/**
 * What the user is told things cost: an interrupted turn still counts what the provider billed,
 * an unpriced model never hides the known part, and a fork's copied history is not paid twice.
 */

const KEY = "sk-costs-test-key-0123456789abcdef";
/** claude-sonnet-4-5: $3 / $15 per million input / output tokens. */
const sonnet = (input: number, output: number) => (input * 3 + output * 15) / 1_000_000;

let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
});
afterAll(async () => {
  await fake?.close();
  dirs?.cleanup();
});

function loadChat(sessionId: string): ChatMessage[] {
  const file = path.join(dirs.muxRoot, "sessions", sessionId, "chat.jsonl");
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("mux run: Ctrl+C mid-answer", () => {
  const interrupted = (model: string, env: Record<string, string>) => {
    fake.reset();
    fake.enqueue({ text: "word ".repeat(400), chunkSize: 5, chunkDelayMs: 10, usage: { input: 1200, output: 500 } });
    let sent = false;
    return runMux(["run", "--json", "--dir", dirs.workspace, "-m", model, "tell me a long story"], {
      env: { MUX_ROOT: dirs.muxRoot, ...env },
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('"text-delta"')) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
  };

  it("records the tokens the provider reported before the interrupt, and says the cost is at least that", async () => {
    // Anthropic reports the input tokens (and 1 output token) as the message starts.
    const r = await interrupted("sonnet", { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
    expect(r.code).toBe(130);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "aborted", costIncomplete: true, usage: { inputTokens: 1200, outputTokens: 1 } });
    expect(done.costUsd).toBeCloseTo(sonnet(1200, 1), 12);
    const answer = loadChat(done.sessionId)[1];
    expect(answer.metadata).toMatchObject({ status: "interrupted", costIncomplete: true, usage: { inputTokens: 1200 } });
    expect(answer.metadata?.costUsd).toBeCloseTo(sonnet(1200, 1), 12);
  });

  it("a provider that reports usage only at the end: the request is recorded as of unknown cost, not as free", async () => {
    const r = await interrupted("openai:gpt-5", { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1` });
    expect(r.code).toBe(130);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done).toMatchObject({ status: "aborted", costUsd: 0, costIncomplete: true });
    expect(loadChat(done.sessionId)[1].metadata).toMatchObject({ costIncomplete: true });
  });

  it("the summary line says the cost is a lower bound", async () => {
    fake.reset();
    fake.enqueue({ text: "word ".repeat(400), chunkSize: 5, chunkDelayMs: 10 });
    let sent = false;
    const r = await runMux(["run", "--dir", dirs.workspace, "-m", "sonnet", "tell me a long story"], {
      env: { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
      onStdout: (_chunk, child) => {
        if (!sent) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/\$0\.\d+\+ \(at least: an interrupted request's usage was not reported in full\)/);
  });
});

describe("mux server: workspace costs", () => {
  let server: ServerProcess;
  let conn: Connection;
  let api: ApiClient;
  let repo: string;
  beforeAll(async () => {
    repo = makeRepo(path.join(dirs.base, "app"));
    // A local OpenAI-compatible model nobody priced.
    fs.writeFileSync(
      path.join(dirs.muxRoot, "providers.jsonc"),
      JSON.stringify({ local: { providerType: "openai-compatible", baseUrl: `${fake.url}/v1`, apiKey: KEY, models: ["m1"] } }),
    );
    server = await startServer({ muxRoot: dirs.muxRoot, env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
    conn = await connect(server);
    api = conn.api;
  });
  afterAll(async () => {
    conn?.close();
    await server?.stop();
  });

  async function turn(workspaceId: string, model: string, usage: { input: number; output: number }) {
    const stream = await api.chat.subscribe({ workspaceId });
    await readUntil(stream, (i) => i.type === "caught-up");
    fake.enqueue({ text: "Done.", usage });
    await api.chat.send({ workspaceId, text: "go", model });
    const answer = (await readUntil(stream, isAssistantMessage)).at(-1);
    expect(answer?.type === "message" && answer.message.metadata?.status).toBe("complete");
    await stream.return?.();
  }
  const summary = async (id: string) => (await api.workspaces.list()).find((w) => w.id === id)!;

  it("one unpriced model: the known part is still shown, marked incomplete, in the summary and the Costs panel", async () => {
    const ws = await api.workspaces.create({ projectPath: repo, runtime: { type: "local" }, name: "mixed" });
    await turn(ws.id, "sonnet", { input: 10_000, output: 1_000 });
    expect(await summary(ws.id)).toMatchObject({ costUsd: expect.closeTo(sonnet(10_000, 1_000), 12), costIncomplete: false });

    await turn(ws.id, "local:m1", { input: 5_000, output: 500 });
    expect(await summary(ws.id)).toMatchObject({ costUsd: expect.closeTo(sonnet(10_000, 1_000), 12), costIncomplete: true });
    const costs = await api.workspaces.costs({ workspaceId: ws.id });
    expect(costs).toMatchObject({ costUsd: expect.closeTo(sonnet(10_000, 1_000), 12), costIncomplete: true, usage: { inputTokens: 15_000 } });
    expect(costs.byModel.find((m) => m.model === "local:m1")).toMatchObject({ costUsd: null, costIncomplete: true });
    expect(costs.byModel.find((m) => m.model === "anthropic:claude-sonnet-4-5")).toMatchObject({ costIncomplete: false });
  });

  it("a fork shows its parent's history but starts at $0: the project's total counts each request once", async () => {
    const parent = await api.workspaces.create({ projectPath: repo, name: "parent" });
    await turn(parent.id, "sonnet", { input: 20_000, output: 2_000 });
    const parentCost = sonnet(20_000, 2_000);
    expect((await summary(parent.id)).costUsd).toBeCloseTo(parentCost, 12);

    const fork = await api.workspaces.fork({ workspaceId: parent.id });
    expect(await summary(fork.id)).toMatchObject({ costUsd: 0, costIncomplete: false });
    const forkCosts = await api.workspaces.costs({ workspaceId: fork.id });
    expect(forkCosts.inherited).toMatchObject({ messages: 1, costUsd: expect.closeTo(parentCost, 12), costIncomplete: false });
    const history = await api.chat.history({ workspaceId: fork.id, before: 100, limit: 100 });
    expect(history.messages.map((m) => m.role)).toEqual(["user", "assistant"]);

    await turn(fork.id, "sonnet", { input: 30_000, output: 1_000 });
    const forkCost = sonnet(30_000, 1_000);
    expect((await summary(fork.id)).costUsd).toBeCloseTo(forkCost, 12);
    const both = (await api.workspaces.list()).filter((w) => w.id === parent.id || w.id === fork.id);
    expect(sumCosts(both).costUsd).toBeCloseTo(parentCost + forkCost, 12);
  });
});
