import { createAnthropic } from "@ai-sdk/anthropic";
import type { LanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, type FakeTurn, startFakeProvider } from "../../test/fake-provider/index.js";
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

type Part = { type: string; id?: string; delta?: string; toolName?: string; toolCallId?: string; rawValue?: unknown };

/** One response as the SDK reads it from the instrumented model, and what went to onOutput meanwhile. */
async function readParts(turn: FakeTurn): Promise<{ sdk: Part[]; output: Part[] }> {
  fake.reset();
  fake.setResponder(() => turn);
  const sdk = createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY });
  const output: Part[] = [];
  const hooks = { onRequest() {}, onChunk() {}, onResponseEnd() {}, onOutput: (part: Part) => void output.push({ ...part }) };
  const model = instrumentModel(sdk("claude-sonnet-4-5"), hooks) as Exclude<LanguageModel, string>;
  const { stream } = await model.doStream({
    prompt: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    includeRawChunks: true,
  });
  const reader = (stream as ReadableStream<Part>).getReader();
  const parts: Part[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { sdk: parts, output };
    // What the SDK was given up to here: onOutput had everything before it already.
    parts.push({ ...value, outputBefore: output.length } as Part);
  }
}

const kinds = (parts: Part[]) => parts.map((p) => p.type).filter((t, i, all) => !t.endsWith("-delta") || all[i - 1] !== t);
const text = (parts: Part[], type = "text-delta") =>
  parts
    .filter((p) => p.type === type)
    .map((p) => p.delta)
    .join("");

describe("instrumentModel", () => {
  it("hands the text to onOutput, in order, and the SDK the other parts, with the step-finished marker before finish", async () => {
    const { sdk, output } = await readParts({ text: TEXT, chunkSize: 4 });
    expect(text(output)).toBe(TEXT);
    expect(kinds(sdk)).toEqual(["stream-start", "response-metadata", "text-start", "text-end", "raw", "finish"]);
    expect(isStepFinishedMarker(sdk.at(-2)?.rawValue)).toBe(true);
    // The whole text was out before the SDK heard of the step's end.
    expect((sdk.at(-2) as { outputBefore?: number }).outputBefore).toBe(output.length);
  });

  it("keeps reasoning, text and tool starts in the response's order; the SDK gets each tool call but not its input's deltas", async () => {
    const { sdk, output } = await readParts({
      reasoning: "let me think about it",
      text: "I will read it.",
      toolCalls: [{ name: "file_read", args: { path: "README.md", note: "x".repeat(200) }, id: "toolu_1" }],
      chunkSize: 4,
    });
    expect(kinds(output)).toEqual(["reasoning-delta", "reasoning-end", "text-delta", "tool-input-start", "tool-call"]);
    expect(text(output, "reasoning-delta")).toBe("let me think about it");
    expect(text(output)).toBe("I will read it.");
    expect(output.at(-1)).toMatchObject({ toolCallId: "toolu_1", toolName: "file_read" });
    const sdkKinds = kinds(sdk);
    expect(sdkKinds).toContain("tool-call");
    expect(sdkKinds).toContain("reasoning-end");
    expect(sdkKinds.filter((k) => k.endsWith("-delta"))).toEqual([]);
  });
});
