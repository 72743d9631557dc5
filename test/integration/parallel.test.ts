import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/events.js";
import { retryPolicyFromEnv } from "../../src/agent/retry.js";
import { SessionStore } from "../../src/history/sessionStore.js";
import { loadProvidersConfig } from "../../src/providers/config.js";
import { resolveModel } from "../../src/providers/resolveModel.js";
import { runTurn } from "../../src/session/turn.js";
import { WorkspaceService } from "../../src/workspace/service.js";
import { countToolResults, type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { tempDirs } from "../helpers/mux.js";

const KEY = "sk-ant-parallel-0123456789abcdef";
let fake: FakeProvider;
let dirs: ReturnType<typeof tempDirs>;
beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
  dirs = tempDirs();
});
afterAll(async () => {
  await fake.close();
  dirs.cleanup();
});

/** Each agent learns its workspace from the system prompt and writes its own name there. */
function responder(req: { body: { system?: unknown } }) {
  const system = JSON.stringify(req.body.system);
  const name = /Workspace root \(cwd\): [^"\\]*\/(ws-\d+)/.exec(system)?.[1] ?? "unknown";
  if (countToolResults(req as never) === 0) {
    return {
      text: `Working in ${name}. `,
      chunkSize: 3,
      chunkDelayMs: 5,
      toolCalls: [{ name: "bash", args: { script: `echo ${name} > owner.txt; sleep 0.2; cat owner.txt` } }],
    };
  }
  return { text: `Finished ${name}.`, chunkSize: 3, chunkDelayMs: 5 };
}

it("one process drives 10 agents in 10 worktrees at once with no cross-talk", { timeout: 120_000 }, async () => {
  fake.setResponder(responder as never);
  const repo = makeRepo(path.join(dirs.base, "proj"));
  const env = { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url };
  const service = new WorkspaceService(dirs.muxRoot);
  const workspaces = await Promise.all(Array.from({ length: 10 }, (_, i) => service.create({ projectPath: repo, name: `ws-${i}` })));
  const providers = loadProvidersConfig(env);
  const events = new Map<string, AgentEvent[]>();

  const results = await Promise.all(
    workspaces.map(async (ws) => {
      const model = await resolveModel("sonnet", providers, env);
      const store = SessionStore.forSession(path.join(dirs.muxRoot, "sessions"), ws.id);
      const log: AgentEvent[] = [];
      events.set(ws.name, log);
      return runTurn({
        store,
        history: store.load().messages,
        userText: `do your part, ${ws.name}`,
        model,
        runtime: service.runtime(ws),
        mode: "exec",
        thinking: "off",
        signal: new AbortController().signal,
        retry: retryPolicyFromEnv(env),
        muxRoot: dirs.muxRoot,
        emit: (e) => log.push(e),
      });
    }),
  );

  // The streams really overlapped: every agent's first request came before any agent finished.
  const firstRequests = fake.requests.filter((r) => countToolResults(r) === 0).map((r) => r.receivedAt);
  const secondRequests = fake.requests.filter((r) => countToolResults(r) === 1).map((r) => r.receivedAt);
  expect(Math.max(...firstRequests)).toBeLessThan(Math.min(...secondRequests));

  workspaces.forEach((ws, i) => {
    const result = results[i];
    expect(result.status).toBe("completed");
    expect(result.text).toBe(`Finished ${ws.name}.`);
    expect(fs.readFileSync(path.join(service.runtime(ws).root, "owner.txt"), "utf8")).toBe(`${ws.name}\n`);
    const mine = JSON.stringify(events.get(ws.name));
    for (const other of workspaces) if (other !== ws) expect(mine).not.toContain(`${other.name}\\n`);
    const chat = fs.readFileSync(path.join(dirs.muxRoot, "sessions", ws.id, "chat.jsonl"), "utf8");
    expect(chat).toContain(`do your part, ${ws.name}`);
    expect(chat.match(/"role":"user"/g)).toHaveLength(1);
    for (const other of workspaces) if (other !== ws) expect(chat).not.toContain(`"${other.name}\\n`);
  });
  // The project directory itself was not touched.
  expect(fs.existsSync(path.join(repo, "owner.txt"))).toBe(false);
});
