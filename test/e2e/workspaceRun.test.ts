import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import type { FakeProvider } from "../fake-provider/index.js";
import { gitIn, makeRepo } from "../helpers/git.js";
import { lastEvent, runMux, savedPartialText } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-ant-ws-run-0123456789abcdef";
let fake: FakeProvider;
let dirs: TempDirs;
let repo: string;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
  repo = makeRepo(path.join(dirs.base, "app"));
});

const run = (args: string[], extra: Parameters<typeof runMux>[1] = {}) =>
  runMux(["run", "--dir", repo, "-m", "sonnet", ...args], {
    ...extra,
    env: { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url },
  });
const wsDir = (name: string) => path.join(dirs.muxRoot, "src", "app", name);

it("mux run --workspace creates a worktree workspace, works inside it, and continues its chat", async () => {
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "pwd; git branch --show-current; echo hi > made.txt" } }] }, { text: "Made it." });
  const first = await run(["--json", "--workspace", "feat", "make a file"]);
  expect(first.code, first.stderr).toBe(0);
  const output = (lastEvent(first.events, "tool-call-end")!.result as { output: string }).output;
  expect(output).toBe(`${wsDir("feat")}\nfeat\n`);
  expect(fs.existsSync(path.join(wsDir("feat"), "made.txt"))).toBe(true);
  expect(fs.existsSync(path.join(repo, "made.txt"))).toBe(false);

  fake.enqueue({ text: "Still here." });
  const second = await run(["--json", "--workspace", "feat", "and now?"]);
  expect(second.code, second.stderr).toBe(0);
  expect(lastEvent(second.events, "run-complete")!.sessionId).toBe(lastEvent(first.events, "run-complete")!.sessionId);
  expect(JSON.stringify(fake.requests.at(-1)!.body.messages)).toContain("make a file");
  // The model chosen first is remembered by the workspace.
  const list = JSON.parse((await runMux(["workspace", "list", "--json"], { cwd: repo, env: { MUX_ROOT: dirs.muxRoot } })).stdout);
  expect(list[0].settings.model).toBe("anthropic:claude-sonnet-4-5"); // written as provider:model, which the original Mux can read
});

it("the first tool call waits for the init hook; its output is part of the event stream", async () => {
  fs.mkdirSync(path.join(repo, ".mux"));
  fs.writeFileSync(path.join(repo, ".mux", "init"), "#!/bin/bash\necho installing deps\nsleep 1\necho ready > .ready\n", { mode: 0o755 });
  gitIn(repo, "add", ".mux");
  gitIn(repo, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "-m", "hook");
  fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "cat .ready" } }] }, { text: "ok" });
  const r = await run(["--json", "--workspace", "hooked", "check"]);
  expect(r.code, r.stderr).toBe(0);
  expect(lastEvent(r.events, "init-output")?.text).toContain("installing deps");
  expect(lastEvent(r.events, "init-end")?.ok).toBe(true);
  expect((lastEvent(r.events, "tool-call-end")!.result as { output: string }).output).toBe("ready\n");
  const types = r.events.map((e) => e.type);
  expect(types.indexOf("init-end")).toBeLessThan(types.indexOf("tool-call-args"));
});

it("kill -9 of a workspace run mid-stream: the next run recovers the partial answer and continues", async () => {
  fake.enqueue({ text: "token ".repeat(500), chunkSize: 6, chunkDelayMs: 10 });
  let seen = 0;
  const sessions = path.join(dirs.muxRoot, "sessions");
  const r = await run(["--json", "--workspace", "crashy", "stream"], {
    onStdout: (chunk, child) => {
      seen += (chunk.match(/text-delta/g) ?? []).length;
      // Once a crash-recovery snapshot with text is on disk (on a loaded machine deltas arrive in
      // bursts, so counting them says little about the snapshots).
      const saved = savedPartialText(sessions).includes("token token");
      if (seen > 15 && saved && !child.killed) child.kill("SIGKILL");
    },
  });
  expect(r.signal).toBe("SIGKILL");
  fake.enqueue({ text: "Back again." });
  const next = await run(["--json", "--workspace", "crashy", "continue please"]);
  expect(next.code, next.stderr).toBe(0);
  const body = JSON.stringify(fake.requests.at(-1)!.body.messages);
  expect(body).toContain("token token");
  expect(body).toContain("continue please");
});

it("a second run in a workspace whose agent is running is refused, and the chat stays whole", async () => {
  // Long enough (~6 s) that the second run starts while it streams, even on a loaded machine.
  fake.enqueue({ text: "slow ".repeat(600), chunkSize: 5, chunkDelayMs: 10 });
  let second: Promise<Awaited<ReturnType<typeof run>>> | undefined;
  const first = await run(["--json", "--workspace", "busy", "first"], {
    onStdout: (chunk) => {
      if (!second && chunk.includes("text-delta")) second = run(["--json", "--workspace", "busy", "second"]);
    },
  });
  expect(first.code, first.stderr).toBe(0);
  const refused = await second!;
  expect(refused.code).toBe(1);
  expect(lastEvent(refused.events, "error")?.message).toMatch(/workspace "busy" is busy: an agent is already running in this chat \(mux run, pid \d+/);
  expect(lastEvent(refused.events, "run-complete")?.status).toBe("error");
  // Only the first run's messages; the lock is gone with it, so the next run goes ahead.
  fake.enqueue({ text: "Next." });
  const third = await run(["--json", "--workspace", "busy", "third"]);
  expect(third.code, third.stderr).toBe(0);
  const sent = JSON.stringify(fake.requests.at(-1)!.body.messages);
  expect(sent).toContain("first");
  expect(sent).not.toContain('"second"');
  // The refused run never reached the provider.
  expect(fake.requests.filter((r) => JSON.stringify(r.body.messages).includes('"second"'))).toEqual([]);
});

it("mux run --workspace W /compact and /clear: the summary is the answer and later runs start from it; /clear asks nothing", async () => {
  fake.enqueue({ text: "Wrote OLD-DETAIL into parser.ts." });
  expect((await run(["--json", "--workspace", "ctx", "fix the parser"])).code).toBe(0);
  fake.enqueue({ text: "SUMMARY: parser fixed." });
  const compacted = await run(["--json", "--workspace", "ctx", "/compact"]);
  expect(compacted.code, compacted.stderr).toBe(0);
  expect(lastEvent(compacted.events, "run-complete")).toMatchObject({ status: "completed", text: "SUMMARY: parser fixed." });
  expect(lastEvent(compacted.events, "run-complete")!.costUsd).toBeGreaterThan(0);
  fake.enqueue({ text: "Going on." });
  await run(["--json", "--workspace", "ctx", "go on"]);
  const next = JSON.stringify(fake.requests.at(-1)!.body.messages);
  expect(next).toContain("SUMMARY: parser fixed.");
  expect(next).not.toContain("OLD-DETAIL");

  const requests = fake.requests.length;
  const cleared = await run(["--json", "--workspace", "ctx", "/clear"]);
  expect(cleared.code, cleared.stderr).toBe(0);
  expect(fake.requests).toHaveLength(requests);
  fake.enqueue({ text: "Fresh." });
  await run(["--json", "--workspace", "ctx", "hello"]);
  expect(JSON.stringify(fake.requests.at(-1)!.body.messages)).not.toContain("SUMMARY");
  // Everything stays in the chat on disk.
  const chat = fs.readFileSync(path.join(dirs.muxRoot, "sessions", lastEvent(cleared.events, "run-complete")!.sessionId!, "chat.jsonl"), "utf8");
  expect(chat).toContain("OLD-DETAIL");
  expect(chat).toContain('"contextBoundary":"reset"');
});
