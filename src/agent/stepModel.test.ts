import { createAnthropic } from "@ai-sdk/anthropic";
import type { LanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../test/fake-provider/index.js";
import { instrumentModel, isStepFinishedMarker } from "./stepModel.js";

// The real Anthropic provider against the fake provider server: the parts as the SDK would read
// them from the instrumented model.

const KEY = "sk-ant-step-model-test";
const TEXT = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ token: KEY });
});
afterAll(() => fake.close());

type Part = { type: string; id?: string; delta?: string; rawValue?: unknown };

/** One response read part by part; `slow` lets every part already sent pile up before each read. */
async function readParts(slow: boolean): Promise<Part[]> {
  fake.reset();
  fake.setResponder(() => ({ text: TEXT, chunkSize: 4 }));
  const sdk = createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY });
  const hooks = { onRequest() {}, onChunk() {}, onResponseEnd() {} };
  const model = instrumentModel(sdk("claude-sonnet-4-5"), hooks) as Exclude<LanguageModel, string>;
  const { stream } = await model.doStream({
    prompt: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    includeRawChunks: true,
  });
  const reader = (stream as ReadableStream<Part>).getReader();
  if (slow) while (!fake.requests[0]?.finishedAt) await new Promise((r) => setTimeout(r, 5));
  const parts: Part[] = [];
  for (;;) {
    if (slow) await new Promise((r) => setImmediate(r));
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

const kinds = (parts: Part[]) => parts.map((p) => p.type).filter((t, i, all) => t !== "text-delta" || all[i - 1] !== "text-delta");
const text = (parts: Part[]) =>
  parts
    .filter((p) => p.type === "text-delta")
    .map((p) => p.delta)
    .join("");

describe("instrumentModel", () => {
  it("passes every delta on, in order, with the step-finished marker before finish", async () => {
    const parts = await readParts(false);
    expect(text(parts)).toBe(TEXT);
    expect(kinds(parts)).toEqual(["stream-start", "response-metadata", "text-start", "text-delta", "text-end", "raw", "finish"]);
    expect(isStepFinishedMarker(parts.at(-2)?.rawValue)).toBe(true);
  });

  it("joins the deltas waiting for a reader that fell behind, keeping the text and the order of parts", async () => {
    const parts = await readParts(true);
    const deltas = parts.filter((p) => p.type === "text-delta");
    expect(text(parts)).toBe(TEXT);
    expect(kinds(parts)).toEqual(["stream-start", "response-metadata", "text-start", "text-delta", "text-end", "raw", "finish"]);
    // The provider sent one delta per 4 characters; the reader got them in a few larger ones.
    expect(deltas.length).toBeLessThan(Math.ceil(TEXT.length / 4) / 10);
  });
});
