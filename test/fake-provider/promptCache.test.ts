import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, type LanguageModel, type ModelMessage } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "./index.js";

/** The fake provider's simulated prompt caches, seen through the real provider SDKs. */

const TOKEN = "sk-fake-cache-token";
let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ token: TOKEN, promptCache: true });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

/** ~2,500 tokens: long enough to be cached. */
const SYSTEM = "You are a careful assistant. ".repeat(350);
const breakpoint = (ttl?: "1h") => ({ anthropic: { cacheControl: { type: "ephemeral" as const, ...(ttl ? { ttl } : {}) } } });

const claude = (): LanguageModel => createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: TOKEN })("claude-sonnet-4-5");

async function ask(model: LanguageModel, messages: ModelMessage[], options: { ttl?: "1h"; breakpoints?: boolean; providerOptions?: any } = {}) {
  const marked = options.breakpoints === false ? {} : { providerOptions: breakpoint(options.ttl) };
  const last = messages.length - 1;
  const result = await generateText({
    model,
    maxRetries: 0,
    system: { role: "system", content: SYSTEM, ...marked },
    messages: messages.map((m, i) => (i === last ? { ...m, ...marked } : m)) as ModelMessage[],
    providerOptions: options.providerOptions,
  });
  return result.usage.inputTokenDetails;
}

const turn1: ModelMessage[] = [{ role: "user", content: "first question" }];
const turn2: ModelMessage[] = [...turn1, { role: "assistant", content: "Done." }, { role: "user", content: "second question" }];

describe("simulated Anthropic prompt cache", () => {
  it("writes the prefix up to the last breakpoint, then reads it back in the next request", async () => {
    const first = await ask(claude(), turn1);
    expect(first.cacheReadTokens).toBe(0);
    expect(first.cacheWriteTokens).toBeGreaterThan(2000);
    const second = await ask(claude(), turn2);
    expect(second.cacheReadTokens).toBe(first.cacheWriteTokens);
    expect(second.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.noCacheTokens).toBe(0);
    expect(fake.requests[1].billed).toMatchObject({ cached: first.cacheWriteTokens });
  });

  it("caches nothing without breakpoints", async () => {
    await ask(claude(), turn1, { breakpoints: false });
    const second = await ask(claude(), turn2, { breakpoints: false });
    expect(second).toMatchObject({ cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it("forgets a prefix after 5 minutes, but keeps one marked for an hour", async () => {
    await ask(claude(), turn1);
    fake.advanceCacheClock(6 * 60_000);
    expect((await ask(claude(), turn2)).cacheReadTokens).toBe(0);

    fake.reset();
    await ask(claude(), turn1, { ttl: "1h" });
    fake.advanceCacheClock(50 * 60_000);
    expect((await ask(claude(), turn2, { ttl: "1h" })).cacheReadTokens).toBeGreaterThan(2000);
  });
});

describe("simulated OpenAI prompt cache", () => {
  const openai = () => createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: TOKEN });
  for (const [name, wire] of [
    ["Responses", "responses"],
    ["Chat Completions", "chat"],
  ] as const) {
    it(`${name}: a prompt that starts like an earlier one under the same cache key is billed as cached`, async () => {
      const model = openai()[wire]("gpt-5");
      const key = { openai: { promptCacheKey: "chat-1", store: false } };
      const first = await ask(model, turn1, { breakpoints: false, providerOptions: key });
      expect(first.cacheReadTokens).toBe(0);
      const second = await ask(model, turn2, { breakpoints: false, providerOptions: key });
      expect(second.cacheReadTokens).toBeGreaterThan(2000);
      expect(second.cacheReadTokens! % 128).toBe(0);
      // Another chat's key is another cache.
      const other = await ask(model, turn2, { breakpoints: false, providerOptions: { openai: { promptCacheKey: "chat-2", store: false } } });
      expect(other.cacheReadTokens).toBe(0);
    });
  }
});
