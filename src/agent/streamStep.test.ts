import { createAnthropic } from "@ai-sdk/anthropic";
import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../test/fake-provider/index.js";
import { dropUnreadCopy } from "./streamStep.js";

const KEY = "sk-ant-stream-step-test";
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
});
afterAll(() => fake.close());

describe("dropUnreadCopy", () => {
  it("ends the copy of the SDK's stream nobody reads, while fullStream gets every part", async () => {
    const text = "one two three four five six seven eight nine ten";
    fake.setResponder(() => ({ text, chunkSize: 3 }));
    const sdk = createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY });
    const result = streamText({ model: sdk("claude-sonnet-4-5"), prompt: "hello", maxRetries: 0 });
    const fullStream = result.fullStream;
    dropUnreadCopy(result);
    let streamed = "";
    for await (const part of fullStream) if (part.type === "text-delta") streamed += part.text;
    expect(streamed).toBe(text);
    expect(await result.text).toBe(text);
    // The other branch (the SDK's `baseStream`) was cancelled: it holds no part.
    const rest = (result as unknown as { baseStream: ReadableStream }).baseStream;
    expect(rest).toBeInstanceOf(ReadableStream);
    expect(await rest.getReader().read()).toEqual({ done: true, value: undefined });
  });
});
