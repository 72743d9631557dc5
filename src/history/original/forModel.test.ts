import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { modelMessageSchema } from "ai";
import { afterEach, beforeEach, expect, it } from "vitest";
import { ORIGINAL_MODEL, PNG_BASE64, SUMMARY, writeOriginalChat } from "../../../test/helpers/originalChat.js";
import { toModelMessages } from "../../agent/toModelMessages.js";
import { historyForModel } from "../../session/turn.js";
import { SessionStore } from "../sessionStore.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-original-model-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** What the model is sent when the chat is continued (the same path a turn takes). */
function modelHistory() {
  const dir = path.join(root, "0a1b2c3d4e");
  writeOriginalChat(dir);
  return toModelMessages(historyForModel(new SessionStore(dir).load().messages), ORIGINAL_MODEL);
}

it("continuing an original chat, the model gets the compaction summary in place of what came before it", () => {
  const out = modelHistory();
  for (const m of out) expect(modelMessageSchema.safeParse(m).error).toBeUndefined();
  expect(out[0]).toEqual({ role: "user", content: expect.stringContaining(SUMMARY) });
  const json = JSON.stringify(out);
  expect(json).not.toContain("Earlier question");
  expect(json).not.toContain("Set up the project");
});

it("continuing an original chat, the model gets images as images and tool calls as calls with their results", () => {
  const out = modelHistory();
  expect(out[1]).toEqual({
    role: "user",
    content: [
      { type: "text", text: "Now add a test like the one in this screenshot" },
      { type: "image", image: PNG_BASE64, mediaType: "image/png" },
    ],
  });
  const call = out.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string }[]) : [])).find((c) => c.type === "tool-call");
  expect(call).toMatchObject({ toolCallId: "call-test", toolName: "bash", input: { script: "npm test" } });
  const result = out.find((m) => m.role === "tool");
  expect(result?.content[0]).toMatchObject({ toolCallId: "call-test", output: { type: "error-text", value: "Command exited with code 1" } });
});

it("continuing an original chat, calls of tools Mux does not have are told as text; unknown parts are not sent", () => {
  const json = JSON.stringify(modelHistory());
  expect(json).toContain("Earlier call of the tool memory_read");
  expect(json).toContain("Use vitest.");
  expect(json).not.toContain('"toolName":"memory_read"');
  expect(json).not.toContain("source-url");
});

it("continuing an original chat, its interrupted answer is sent with the unfinished tool call closed as interrupted", () => {
  const out = modelHistory();
  const json = JSON.stringify(out.slice(-2));
  expect(json).toContain("I was in the middle of fixing the test");
  expect(out.at(-1)).toMatchObject({ role: "tool", content: [{ toolCallId: "call-fix", output: { type: "error-text" } }] });
});
