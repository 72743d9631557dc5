import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/**
 * A chat as the original Mux (coder/mux) writes it, built here from its public format — one
 * UIMessage-shaped message per line of chat.jsonl, with `metadata.historySequence`, and an
 * answer in progress in partial.json — for the tests that read, show and continue such a chat.
 * Nothing here comes from a real user's data.
 */

export const ORIGINAL_MODEL = "anthropic:claude-sonnet-4-5";
/** A 1×1 PNG. */
export const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
export const SUMMARY = "Summary: the project was set up, the README title renamed, and the docs fetched.";
/** Questions and answers before everything else, so the chat is long. */
export const FILLER_PAIRS = 10;

type Line = Record<string, unknown>;

const usage = { inputTokens: 1200, outputTokens: 80, totalTokens: 1280, reasoningTokens: 10, cachedInputTokens: 900 };

/** The messages of chat.jsonl, oldest first, and the answer partial.json holds. */
export function originalChat(workspaceId: string): { lines: Line[]; partial: Line } {
  let seq = 0;
  const t0 = 1_750_000_000_000;
  const msg = (id: string, role: string, parts: unknown[], metadata: Line = {}, extra: Line = {}): Line => {
    const historySequence = seq++;
    return { id, role, parts, metadata: { historySequence, timestamp: t0 + historySequence * 1000, ...metadata }, workspaceId, ...extra };
  };
  const text = (t: string) => ({ type: "text", text: t });
  const assistantMeta = { model: ORIGINAL_MODEL, usage, mode: "exec" };
  const lines: Line[] = [];
  for (let i = 1; i <= FILLER_PAIRS; i++) {
    lines.push(msg(`fq${i}`, "user", [text(`Earlier question ${i}`)]));
    lines.push(msg(`fa${i}`, "assistant", [text(`Earlier answer ${i}.`)], assistantMeta));
  }
  lines.push(msg("u-setup", "user", [text("Set up the project")]));
  lines.push(
    msg(
      "a-setup",
      "assistant",
      [
        { type: "reasoning", text: "I should look at the files first.", providerOptions: { anthropic: { signature: "sig-1" } } },
        text("Let me look."),
        {
          type: "dynamic-tool",
          toolCallId: "call-ls",
          toolName: "bash",
          state: "output-available",
          input: { script: "ls", timeout_secs: 10, display_name: "list" },
          output: { success: true, output: "README.md\nsrc\n", exitCode: 0, wall_duration_ms: 12 },
        },
        {
          type: "dynamic-tool",
          toolCallId: "call-read",
          toolName: "file_read",
          state: "output-available",
          input: { filePath: "README.md" },
          output: { success: true, file_size: 7, modifiedTime: "2025-06-15T00:00:00.000Z", lines_read: 1, content: "1\t# Demo" },
        },
        text("Now I'll rename the title."),
        {
          type: "dynamic-tool",
          toolCallId: "call-edit",
          toolName: "file_edit_replace_string",
          state: "output-available",
          input: { file_path: "README.md", old_string: "# Demo", new_string: "# Demo app" },
          output: {
            success: true,
            diff: "Index: README.md\n===================================================================\n--- README.md\n+++ README.md\n@@ -1,1 +1,1 @@\n-# Demo\n+# Demo app\n",
            edits_applied: 1,
          },
        },
        text("Done: the title is renamed."),
      ],
      assistantMeta,
    ),
  );
  lines.push(msg("u-docs", "user", [text("Fetch the docs")]));
  lines.push(
    msg(
      "a-docs",
      "assistant",
      [
        {
          type: "dynamic-tool",
          toolCallId: "call-fetch-1",
          toolName: "memory_read", // one of the original's tools this Mux does not have
          state: "output-available",
          input: { url: "https://example.com/docs" },
          output: { success: true, title: "Docs", content: "The docs say hello.", url: "https://example.com/docs", length: 19 },
        },
        text("The docs say hello."),
      ],
      assistantMeta,
      // A field of a later version of the original, unknown to Mux.
      { reactions: [{ emoji: "👍", by: "user" }] },
    ),
  );
  lines.push(
    msg("u-compact", "user", [text("Summarize this conversation so far.")], {
      muxMetadata: { type: "compaction-request", rawCommand: "/compact", parsed: {} },
    }),
  );
  lines.push(
    msg("a-summary", "assistant", [text(SUMMARY)], {
      ...assistantMeta,
      compacted: "user",
      compactionBoundary: true,
      compactionEpoch: 1,
      muxMetadata: { type: "compaction-summary" },
    }),
  );
  lines.push(
    msg("u-test", "user", [
      text("Now add a test like the one in this screenshot"),
      { type: "file", mediaType: "image/png", url: `data:image/png;base64,${PNG_BASE64}`, filename: "shot.png" },
    ]),
  );
  lines.push(
    msg(
      "a-test",
      "assistant",
      [
        text("Adding a test."),
        {
          type: "dynamic-tool",
          toolCallId: "call-test",
          toolName: "bash",
          state: "output-available",
          input: { script: "npm test", timeout_secs: 60, display_name: "tests" },
          output: { success: false, output: "FAIL demo.test.ts", exitCode: 1, error: "Command exited with code 1", wall_duration_ms: 800 },
        },
        {
          type: "dynamic-tool",
          toolCallId: "call-fetch-2",
          toolName: "memory_read", // one of the original's tools this Mux does not have
          state: "output-available",
          input: { url: "https://example.com/testing" },
          output: { success: true, title: "Testing", content: "Use vitest.", url: "https://example.com/testing", length: 11 },
        },
        // A part type of a later version of the original, unknown to Mux.
        { type: "source-url", sourceId: "src-1", url: "https://example.com/testing", title: "Testing guide" },
        text("The test fails for now."),
      ],
      assistantMeta,
    ),
  );
  const partial = {
    id: "a-partial",
    role: "assistant",
    parts: [
      text("I was in the middle of fixing the test"),
      { type: "dynamic-tool", toolCallId: "call-fix", toolName: "bash", state: "input-available", input: { script: "npm test -- --fix", display_name: "fix" } },
    ],
    metadata: { historySequence: seq++, timestamp: t0 + seq * 1000, model: ORIGINAL_MODEL, partial: true },
  };
  return { lines, partial };
}

/** Writes the chat (and, unless `partial` is false, its partial.json) into `sessionDir`; returns chat.jsonl's text. */
export function writeOriginalChat(sessionDir: string, opts: { partial?: boolean; torn?: boolean } = {}): string {
  const { lines, partial } = originalChat(path.basename(sessionDir));
  fs.mkdirSync(sessionDir, { recursive: true });
  // The original writes with a trailing newline; a crash may leave a torn last line.
  const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n${opts.torn ? '{"id":"torn","role":"assis' : ""}`;
  fs.writeFileSync(path.join(sessionDir, "chat.jsonl"), text);
  if (opts.partial !== false) fs.writeFileSync(path.join(sessionDir, "partial.json"), JSON.stringify(partial, null, 2));
  return text;
}

/**
 * What the original app accepts of a line (its message schema, as its public source describes
 * it): the part types it knows, a tool part in one of its states, `historySequence` a number.
 */
const OriginalPartSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("reasoning"), text: z.string() }),
  z.object({ type: z.literal("file"), mediaType: z.string(), url: z.string() }),
  z.object({
    type: z.literal("dynamic-tool"),
    toolCallId: z.string(),
    toolName: z.string(),
    input: z.unknown(),
    state: z.enum(["input-available", "output-available", "output-redacted"]),
  }),
]);
export const OriginalLineSchema = z.object({
  id: z.string(),
  role: z.enum(["system", "user", "assistant"]),
  parts: z.array(OriginalPartSchema),
  // A Date in its schema: absent, or an ISO string once written as JSON (never a number).
  createdAt: z.string().optional(),
  metadata: z.object({ historySequence: z.number().int().nonnegative(), timestamp: z.number().optional(), model: z.string().optional() }),
});
