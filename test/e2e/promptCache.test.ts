import { describe, expect, it } from "vitest";
import { costUsd } from "../../src/agent/cost.js";
import { knownModel } from "../../src/providers/models.js";
import { echoToolLoop, type FakeProvider, type RecordedRequest } from "../fake-provider/index.js";
import { lastEvent, runMux, writeProviders } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/**
 * Long agent sessions reuse what the provider cached instead of paying for the whole context
 * again at every step: breakpoints for Anthropic, a cache key per chat for OpenAI, and for every
 * provider a request that starts with exactly the bytes the previous one sent. The fake provider
 * simulates each provider's cache and bills it in the real usage fields.
 */

const KEY = "sk-cache-test-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(
  KEY,
  (s) => {
    fake = s.fake;
    dirs = s.dirs;
  },
  { promptCache: true },
);

const anthropicEnv = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const openaiEnv = () => ({ MUX_ROOT: dirs.muxRoot, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1` });
const muxRun = (model: string, env: Record<string, string>, ...args: string[]) =>
  runMux(["run", "--json", "--dir", dirs.workspace, "-m", model, ...args], { env });

/** Every block of an Anthropic request that carries a breakpoint, named by where it is. */
function anthropicBreakpoints(req: RecordedRequest): { where: string; ttl?: string }[] {
  const out: { where: string; ttl?: string }[] = [];
  const body = req.body;
  for (const t of body.tools ?? []) if (t.cache_control) out.push({ where: `tool ${t.name}`, ttl: t.cache_control.ttl });
  for (const b of Array.isArray(body.system) ? body.system : []) if (b.cache_control) out.push({ where: "system", ttl: b.cache_control.ttl });
  body.messages.forEach((m: any, i: number) => {
    for (const b of Array.isArray(m.content) ? m.content : []) if (b.cache_control) out.push({ where: `message ${i}`, ttl: b.cache_control.ttl });
  });
  return out;
}

describe("Anthropic prompt caching", () => {
  it("a 20-step agent loop reads its growing context from the cache: most input is billed as cache reads, and the run costs far less", async () => {
    fake.setResponder(echoToolLoop(20));
    const r = await muxRun("sonnet", anthropicEnv(), "run the echo steps");
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests).toHaveLength(21);
    const done = lastEvent(r.events, "run-complete")!;
    const { usage } = done;
    // Every request after the first reads what the one before wrote.
    for (const req of fake.requests.slice(1)) expect(req.billed!.cached).toBeGreaterThan(0);
    expect(usage.cachedInputTokens / usage.inputTokens).toBeGreaterThan(0.8);
    expect(usage.cacheWriteTokens).toBeGreaterThan(0);
    // Priced at the cache's own prices, against what the same tokens cost without a cache.
    const price = knownModel({ provider: "anthropic", modelId: "claude-sonnet-4-5" })!.price;
    expect(done.costUsd).toBeCloseTo(costUsd(usage, price)!, 10);
    const uncached = costUsd({ ...usage, cachedInputTokens: 0, cacheWriteTokens: 0 }, price)!;
    expect(done.costUsd!).toBeLessThan(uncached * 0.5);
    // The usage events carry the counts the provider reported.
    const steps = r.events.filter((e) => e.type === "usage");
    expect(steps.reduce((n, e) => n + (e.type === "usage" ? e.usage.cachedInputTokens : 0), 0)).toBe(usage.cachedInputTokens);
  });

  it("each request marks the tools, the system prompt and the conversation's end: never more than Anthropic's 4 breakpoints", async () => {
    fake.setResponder(echoToolLoop(3));
    const r = await muxRun("sonnet", anthropicEnv(), "run the echo steps");
    expect(r.code, r.stderr).toBe(0);
    for (const req of fake.requests) {
      const marks = anthropicBreakpoints(req);
      expect(marks.length).toBeLessThanOrEqual(4);
      const lastTool = req.body.tools.at(-1).name;
      expect(marks[0]).toEqual({ where: `tool ${lastTool}` });
      expect(marks[1]).toEqual({ where: "system" });
      expect(marks.at(-1)).toEqual({ where: `message ${req.body.messages.length - 1}` });
    }
    // From the second step on, the breakpoint also sits where the previous request ended.
    const second = anthropicBreakpoints(fake.requests[1]).map((m) => m.where);
    expect(second).toContain(`message ${fake.requests[0].body.messages.length - 1}`);
  });

  it('"cacheTtl": "1h" in providers.jsonc keeps the cache for an hour, and prices its writes at 2× input', async () => {
    writeProviders(dirs.muxRoot, `{ "anthropic": { "cacheTtl": "1h" } }`);
    fake.setResponder(echoToolLoop(2));
    const r = await muxRun("sonnet", anthropicEnv(), "run the echo steps");
    expect(r.code, r.stderr).toBe(0);
    for (const req of fake.requests) for (const mark of anthropicBreakpoints(req)) expect(mark.ttl).toBe("1h");
    const done = lastEvent(r.events, "run-complete")!;
    const price = knownModel({ provider: "anthropic", modelId: "claude-sonnet-4-5" })!.price;
    expect(done.costUsd).toBeCloseTo(costUsd(done.usage, { ...price, cacheWrite: price.cacheWrite1h })!, 10);

    // The next turn, 50 minutes later, still reads the whole earlier conversation from the cache.
    fake.advanceCacheClock(50 * 60_000);
    fake.setResponder(null);
    fake.enqueue({ text: "Still here." });
    const next = await muxRun("sonnet", anthropicEnv(), "--session", done.sessionId, "anything else?");
    expect(next.code, next.stderr).toBe(0);
    expect(lastEvent(next.events, "run-complete")!.usage.cachedInputTokens).toBeGreaterThan(0);
  });
});

describe("Anthropic models through OpenRouter", () => {
  const openRouter = () => {
    writeProviders(dirs.muxRoot, `{ "openrouter": { "baseUrl": "${fake.url}/api/v1" } }`);
    return { MUX_ROOT: dirs.muxRoot, OPENROUTER_API_KEY: KEY };
  };
  const marked = (req: RecordedRequest) =>
    req.body.messages.flatMap((m: any, i: number) =>
      m.cache_control || (Array.isArray(m.content) && m.content.some((b: any) => b.cache_control)) ? [m.role === "system" ? "system" : i] : [],
    );

  it("mark the system prompt and the conversation's end for Anthropic's cache", async () => {
    fake.setResponder(echoToolLoop(2));
    const r = await muxRun("openrouter:anthropic/claude-sonnet-4.5", openRouter(), "run the echo steps");
    expect(r.code, r.stderr).toBe(0);
    for (const req of fake.requests) {
      const marks = marked(req);
      expect(marks[0]).toBe("system");
      expect(marks.at(-1)).toBe(req.body.messages.length - 1);
      expect(marks.length).toBeLessThanOrEqual(4);
    }
  });

  it("other models through OpenRouter carry no cache markers", async () => {
    fake.enqueue({ text: "Hi." });
    const r = await muxRun("openrouter:openai/gpt-5", openRouter(), "hello");
    expect(r.code, r.stderr).toBe(0);
    expect(marked(fake.requests[0])).toEqual([]);
  });
});

describe("OpenAI prompt caching", () => {
  it("every request of a chat carries the same prompt_cache_key, in every turn; another chat has its own", async () => {
    fake.setResponder(echoToolLoop(2));
    const first = await muxRun("openai:gpt-5", openaiEnv(), "run the echo steps");
    expect(first.code, first.stderr).toBe(0);
    const keys = fake.requests.map((r) => r.body.prompt_cache_key);
    expect(keys[0]).toEqual(expect.any(String));
    expect(new Set(keys).size).toBe(1);
    const sessionId = lastEvent(first.events, "run-complete")!.sessionId;

    fake.reset();
    fake.enqueue({ text: "Again." });
    await muxRun("openai:gpt-5", openaiEnv(), "--session", sessionId, "again");
    expect(fake.requests[0].body.prompt_cache_key).toBe(keys[0]);

    fake.reset();
    fake.enqueue({ text: "Other." });
    await muxRun("openai:gpt-5", openaiEnv(), "another chat");
    expect(fake.requests[0].body.prompt_cache_key).not.toBe(keys[0]);
  });

  it("Chat Completions carries the key too", async () => {
    writeProviders(dirs.muxRoot, `{ "openai": { "wireFormat": "chatCompletions" } }`);
    fake.setResponder(echoToolLoop(1));
    const r = await muxRun("openai:gpt-5", openaiEnv(), "run the echo steps");
    expect(r.code, r.stderr).toBe(0);
    expect(fake.requests.map((q) => q.body.prompt_cache_key)).toEqual([expect.any(String), fake.requests[0].body.prompt_cache_key]);
  });
});

/** The JSON text of a list, without its closing bracket: what any longer list that starts the same way starts with. */
const openList = (items: unknown[]) => JSON.stringify(items).slice(0, -1);

describe("a request starts with exactly the bytes the one before sent", () => {
  it.each([
    ["OpenAI Responses", "openai:gpt-5", openaiEnv, "input", `{}`],
    ["OpenAI Chat Completions", "openai:gpt-5", openaiEnv, "messages", `{ "openai": { "wireFormat": "chatCompletions" } }`],
  ] as const)("%s: in a loop and in the chat's next turn", async (_name, model, env, field, providers) => {
    writeProviders(dirs.muxRoot, providers);
    fake.setResponder(echoToolLoop(3));
    const first = await muxRun(model, env(), "run the echo steps");
    expect(first.code, first.stderr).toBe(0);
    fake.setResponder(null);
    fake.enqueue({ text: "Sure." });
    const next = await muxRun(model, env(), "--session", lastEvent(first.events, "run-complete")!.sessionId, "and now?");
    expect(next.code, next.stderr).toBe(0);
    const requests = fake.requests;
    expect(requests).toHaveLength(5);
    for (let i = 1; i < requests.length; i++) {
      const [before, after] = [requests[i - 1].body, requests[i].body];
      // Everything but the conversation is the same, byte for byte (tools, instructions, options)...
      expect(JSON.stringify({ ...after, [field]: null })).toBe(JSON.stringify({ ...before, [field]: null }));
      // ...and the conversation continues the previous one without changing a byte of it.
      expect(openList(after[field]).startsWith(openList(before[field]))).toBe(true);
    }
    // So the provider's cache serves all but the newest messages.
    for (const req of requests.slice(1)) expect(req.billed!.cached).toBeGreaterThan(0);
  });

  it("Anthropic: the same, apart from where the breakpoints sit", async () => {
    fake.setResponder(echoToolLoop(3));
    const first = await muxRun("sonnet", anthropicEnv(), "run the echo steps");
    fake.setResponder(null);
    fake.enqueue({ text: "Sure." });
    await muxRun("sonnet", anthropicEnv(), "--session", lastEvent(first.events, "run-complete")!.sessionId, "and now?");
    const unmarked = (v: unknown) => JSON.stringify(v, (k, x) => (k === "cache_control" ? undefined : x));
    const requests = fake.requests;
    expect(requests).toHaveLength(5);
    for (let i = 1; i < requests.length; i++) {
      const [before, after] = [requests[i - 1].body, requests[i].body];
      expect(unmarked({ ...after, messages: null })).toBe(unmarked({ ...before, messages: null }));
      expect(unmarked(after.messages).slice(0, -1).startsWith(unmarked(before.messages).slice(0, -1))).toBe(true);
    }
  });
});
