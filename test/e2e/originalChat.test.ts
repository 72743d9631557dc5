import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { OriginalLineSchema, PNG_BASE64, SUMMARY, writeOriginalChat } from "../helpers/originalChat.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/**
 * Continuing, with `mux run`, a chat the original Mux wrote: what the model is sent, and what
 * chat.jsonl holds afterwards (still the original's format, its own lines untouched).
 */

const KEY = "sk-ant-original-chat-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
let repo: string;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  repo = makeRepo(path.join(dirs.base, "app"));
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const run = (args: string[]) => runMux(["run", "--dir", repo, "-m", "sonnet", "--json", ...args], { env: env() });
const lines = (file: string) =>
  fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

/** A message of the Anthropic wire format, as the fake provider recorded it. */
type WireMessage = { role: string; content: string | any[] };
const blocks = (messages: WireMessage[]) => messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [{ type: "text", text: m.content }]));

async function createWorkspace(name: string): Promise<string> {
  const created = await runMux(["workspace", "create", name, "--project", repo, "--runtime", "local", "--json"], { env: { MUX_ROOT: dirs.muxRoot } });
  expect(created.code, created.stderr).toBe(0);
  return JSON.parse(created.stdout).id;
}

it("mux run --workspace continues a chat the original Mux wrote: the model gets its history, the original keeps a chat it can read", async () => {
  const sessionDir = path.join(dirs.muxRoot, "sessions", await createWorkspace("carried"));
  const before = writeOriginalChat(sessionDir);
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "echo fixed" } }] }, { text: "Fixed it." });

  const r = await run(["--workspace", "carried", "please continue"]);
  expect(r.code, r.stderr).toBe(0);
  expect(lastEvent(r.events, "run-complete")?.text).toBe("Fixed it.");

  // What the model was sent: the summary in place of the compacted messages, the image as an
  // image, the original's bash call as a tool call with its result, a tool Mux lacks as text,
  // and the interrupted answer with its unfinished call closed.
  const sent = fake.requests[0].body.messages as WireMessage[];
  expect(sent[0].role).toBe("user");
  expect(JSON.stringify(sent[0].content)).toContain(SUMMARY);
  const all = blocks(sent);
  expect(JSON.stringify(sent)).not.toContain("Earlier question");
  expect(all).toContainEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } });
  expect(all).toContainEqual(
    expect.objectContaining({ type: "tool_use", id: "call-test", name: "bash", input: expect.objectContaining({ script: "npm test" }) }),
  );
  expect(all).toContainEqual(expect.objectContaining({ type: "tool_result", tool_use_id: "call-test", is_error: true }));
  expect(JSON.stringify(all)).toContain("Earlier call of the tool memory_read");
  expect(all).toContainEqual(expect.objectContaining({ type: "tool_result", tool_use_id: "call-fix", is_error: true }));
  expect(JSON.stringify(sent.at(-1))).toContain("please continue");

  // chat.jsonl: the original's lines byte for byte, then its interrupted answer, then the new
  // turn — every added line one the original reads, historySequence still increasing.
  const chatFile = path.join(sessionDir, "chat.jsonl");
  expect(fs.readFileSync(chatFile, "utf8").startsWith(before)).toBe(true);
  const after = lines(chatFile);
  const added = after.slice(before.split("\n").filter((l) => l.trim()).length);
  expect(added.map((l) => l.role)).toEqual(["assistant", "user", "assistant"]);
  expect(added[0]).toMatchObject({ id: "a-partial", metadata: { partial: true } });
  for (const line of added) expect(OriginalLineSchema.safeParse(line).error).toBeUndefined();
  const sequences = after.map((l) => l.metadata.historySequence);
  expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  expect(new Set(sequences).size).toBe(sequences.length);
  expect(added[1].parts).toEqual([{ type: "text", text: "please continue" }]);
  expect(added[2].parts).toContainEqual(
    expect.objectContaining({ type: "dynamic-tool", toolName: "bash", state: "output-available", input: { script: "echo fixed" } }),
  );
  expect(added[2].parts.at(-1)).toEqual({ type: "text", text: "Fixed it." });
  expect(fs.existsSync(path.join(sessionDir, "partial.json"))).toBe(false);

  // The next run reads its own turn back from that format.
  fake.enqueue({ text: "Still here." });
  const next = await run(["--workspace", "carried", "and now?"]);
  expect(next.code, next.stderr).toBe(0);
  const again = blocks(fake.requests.at(-1)!.body.messages as WireMessage[]);
  expect(again).toContainEqual(expect.objectContaining({ type: "tool_use", name: "bash", input: { script: "echo fixed" } }));
  expect(JSON.stringify(again)).toContain("Fixed it.");
  expect(
    lines(chatFile)
      .slice(-2)
      .map((l) => l.metadata.historySequence),
  ).toEqual([sequences.at(-1) + 1, sequences.at(-1) + 2]);
});

it("mux run --session continues a session of the original's format by its id", async () => {
  const sessionDir = path.join(dirs.muxRoot, "sessions", "5f3e2d1c0b");
  writeOriginalChat(sessionDir, { partial: false });
  fake.enqueue({ text: "Hello again." });
  const r = await run(["--session", "5f3e2d1c0b", "hi"]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.stringify(fake.requests[0].body.messages)).toContain(SUMMARY);
  const added = lines(path.join(sessionDir, "chat.jsonl")).slice(-2);
  for (const line of added) expect(OriginalLineSchema.safeParse(line).error).toBeUndefined();
  expect(added.map((l) => l.parts.at(-1).text)).toEqual(["hi", "Hello again."]);
}, 60_000);
