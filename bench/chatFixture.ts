import type { Usage } from "../src/agent/events.js";
import type { ChatMessage } from "../src/agent/messages.js";

/**
 * Turn `t`'s answer in the benches' long chats: a file_read of src/file<t>.ts (`readLines` lines
 * read), then `text`; finished, on Sonnet, with `usage` when given.
 */
export function readThenAnswer(t: number, { readLines, text, usage }: { readLines: number; text: string; usage?: Usage }): ChatMessage {
  return {
    id: `a${t}`,
    role: "assistant",
    createdAt: Date.now(),
    parts: [
      { type: "step-start" },
      {
        type: "tool",
        toolCallId: `c${t}`,
        toolName: "file_read",
        state: "done",
        input: { path: `src/file${t}.ts` },
        output: { content: "export const x = 1;\n".repeat(readLines) },
      },
      { type: "step-start" },
      { type: "text", text },
    ],
    metadata: { model: "anthropic:claude-sonnet-4-5", status: "complete", ...(usage ? { usage } : {}) },
  };
}
