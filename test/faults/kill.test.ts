import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { FakeProvider, RecordedRequest } from "../fake-provider/index.js";
import { makeRepo } from "../helpers/git.js";
import { lastEvent, runMux } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

/**
 * kill -9 of `mux run --workspace` at instants spread over whole turns (start-up, streaming,
 * a running tool, the second request, the final write), each followed by an ordinary run in the
 * same workspace. Whatever the instant: the registry still parses, the next run completes, and it
 * sends the provider every user message that an earlier run had already sent, once and in order.
 */

const KEY = "sk-ant-kill-0123456789abcdef";
const KILLS = 16;
let fake: FakeProvider;
let dirs: TempDirs;
let repo: string;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  repo = makeRepo(path.join(dirs.base, "app"));
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const run = (prompt: string, hooks: Pick<NonNullable<Parameters<typeof runMux>[1]>, "onSpawn" | "onStdout"> = {}) =>
  runMux(["run", "--json", "--dir", repo, "-m", "sonnet", "--workspace", "crashy", prompt], { env: env(), ...hooks });

/** The user prompts (not tool results) a request carried, in order. */
function userPrompts(req: RecordedRequest): string[] {
  const prompts: string[] = [];
  for (const m of req.body.messages as { role: string; content: string | { type: string; text?: string }[] }[]) {
    if (m.role !== "user") continue;
    const blocks = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    for (const b of blocks) if (b.type === "text" && b.text?.startsWith("prompt ")) prompts.push(b.text);
  }
  return prompts;
}

it(`${KILLS} kill -9s at instants across a turn with a tool call never corrupt the chat or the registry`, async () => {
  // Every request after a tool result gets a slow streamed answer; every other one a slow tool.
  fake.setResponder((req) => {
    const last = req.body.messages.at(-1);
    if (userPrompts(req).at(-1)?.startsWith("prompt check")) return { text: "checked" };
    const afterTool = Array.isArray(last?.content) && last.content.some((b: { type: string }) => b.type === "tool_result");
    return afterTool
      ? { text: "streamed answer ".repeat(40), chunkSize: 8, chunkDelayMs: 8 }
      : { toolCalls: [{ name: "bash", args: { script: "echo step >> steps.log; sleep 0.3" } }], chunkDelayMs: 5 };
  });
  const warmUp = await run("prompt warm-up");
  expect(warmUp.code, warmUp.stderr).toBe(0);
  const sent = ["prompt warm-up"]; // prompts the provider has seen, in order
  const outcomes: string[] = [];
  for (let i = 0; i < KILLS; i++) {
    const prompt = `prompt ${i}`;
    // A few during start-up; the rest spread over the turn, timed from its first event (so a
    // slow start on a busy machine does not push them all before the first request).
    const startUp = i < 3;
    const killAfterMs = startUp ? 40 + i * 120 : (i - 3) * 100;
    const before = fake.requests.length;
    const kill = (child: import("node:child_process").ChildProcess) => setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    let timed = false;
    const r = await run(prompt, {
      onSpawn: (child) => startUp && kill(child),
      onStdout: (_chunk, child) => {
        if (startUp || timed) return;
        timed = true;
        kill(child);
      },
    });
    outcomes.push(
      r.signal === "SIGKILL"
        ? `killed ${killAfterMs} ms after ${startUp ? "spawn" : "the first event"}, after ${fake.requests.length - before} request(s)`
        : `finished (${r.code})`,
    );
    if (fake.requests.length > before) sent.push(prompt);

    // The registry is whole JSON and still has the workspace.
    const registry = JSON.parse(fs.readFileSync(path.join(dirs.muxRoot, "config.json"), "utf8"));
    expect(JSON.stringify(registry)).toContain('"crashy"');

    // An ordinary run continues the same chat with everything sent so far.
    const check = `prompt check ${i}`;
    const next = await run(check);
    expect(next.code, `${outcomes.at(-1)}\n${next.stderr}`).toBe(0);
    expect(lastEvent(next.events, "run-complete")?.status).toBe("completed");
    sent.push(check);
    const seen = userPrompts(fake.requests.at(-1)!);
    // Every prompt already sent is there, in order; a prompt saved just before a kill (never
    // sent) may be there too. Nothing twice.
    expect(
      seen.filter((p) => sent.includes(p)),
      outcomes.at(-1),
    ).toEqual(sent);
    expect(new Set(seen).size, outcomes.at(-1)).toBe(seen.length);
  }
  console.log(`kill -9 outcomes: ${outcomes.join("; ")}`);
  // Most kills landed mid-run (not before start-up, not after the end).
  expect(outcomes.filter((o) => o.startsWith("killed")).length).toBeGreaterThanOrEqual(KILLS / 2);
}, 180_000);
