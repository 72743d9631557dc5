import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ChatMessage, ChatMessageSchema } from "../agent/messages.js";
import { asParsed } from "./asParsed.js";

const message: ChatMessage = {
  id: "a1",
  role: "assistant",
  createdAt: 1_700_000_000_000,
  parts: [
    { type: "step-start" },
    { type: "reasoning", text: "hm", providerMetadata: { anthropic: { signature: "sig" } } },
    { type: "tool", toolCallId: "c1", toolName: "file_read", state: "done", input: { path: "a.ts" }, output: { content: "x" }, durationMs: 3 },
    { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA", filename: "a.png" },
    { type: "raw", label: "odd", value: [1, { deep: null }] },
    { type: "text", text: "done" },
  ],
  metadata: {
    model: "anthropic:claude-sonnet-4-5",
    mode: "exec",
    status: "complete",
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    costUsd: null,
    notices: ["n"],
    contextBoundary: "compaction",
  },
};

/** What zod makes of it, or the error it throws. */
function zodOutcome(value: unknown): { value: unknown } | { error: string } {
  const r = ChatMessageSchema.safeParse(value);
  return r.success ? { value: r.data } : { error: r.error.message };
}
function quickOutcome(value: unknown): { value: unknown } | { error: string } {
  try {
    return { value: asParsed(ChatMessageSchema, value) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Replaces one value somewhere in `root` (chosen by `pick`) with `by`; returns false when there was none left. */
function mutate(root: unknown, pick: number, by: unknown): boolean {
  let n = 0;
  const walk = (v: unknown): boolean => {
    if (typeof v !== "object" || v === null) return false;
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (n++ === pick) {
        record[key] = by;
        return true;
      }
      if (walk(record[key])) return true;
    }
    return false;
  };
  return walk(root);
}

describe("asParsed", () => {
  it("gives back the value itself when zod would give back the same", () => {
    const value = structuredClone(message);
    const parsed = asParsed(ChatMessageSchema, value);
    expect(parsed).toBe(value);
    expect(parsed).toEqual(ChatMessageSchema.parse(structuredClone(message)));
  });

  it("agrees with zod on every value of a message replaced by something else", () => {
    const replacements: unknown[] = [undefined, null, "s", "", 1.5, -1, 0, true, [], {}, ["x"], { type: "text" }, "user", "exec", Number.NaN];
    let tried = 0;
    for (let pick = 0; ; pick++) {
      let found = false;
      for (const by of replacements) {
        const value = structuredClone(message);
        if (!mutate(value, pick, by)) break;
        found = true;
        tried++;
        expect(quickOutcome(structuredClone(value)), `value #${pick} → ${String(by)}`).toEqual(zodOutcome(value));
      }
      if (!found) break;
    }
    expect(tried).toBeGreaterThan(500);
  });

  it("leaves a value with a key the schema does not know to zod, which strips it", () => {
    const value = { ...structuredClone(message), extra: 1, parts: [{ type: "text", text: "a", more: 2 }] };
    const parsed = asParsed(ChatMessageSchema, value);
    expect(parsed).not.toBe(value);
    expect(parsed).toEqual(ChatMessageSchema.parse(value));
    expect(parsed).not.toHaveProperty("extra");
  });

  it("throws zod's error for a value zod refuses", () => {
    const value = { ...structuredClone(message), role: "system" };
    expect(() => asParsed(ChatMessageSchema, value)).toThrow(ChatMessageSchema.safeParse(value).error?.message);
  });

  it("leaves to zod what it cannot check itself: refinements, lengths, plain unions", () => {
    const short = z.string().min(3);
    expect(() => asParsed(short, "ab")).toThrow();
    const refined = z.number().refine((n) => n % 2 === 0);
    expect(() => asParsed(refined, 3)).toThrow();
    // The first option that accepts the value wins, and strips `b`.
    const union = z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.number() })]);
    expect(asParsed(union, { a: "x", b: 1 })).toEqual({ a: "x" });
    const strict = z.strictObject({ a: z.string() });
    expect(() => asParsed(strict, { a: "x", b: 1 })).toThrow();
  });
});
