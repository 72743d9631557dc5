import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ChatMessageSchema } from "../../src/agent/messages.js";
import type { FakeProvider } from "../fake-provider/index.js";
import { lastEvent, runMux, savedPartialText } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-ant-run-test-0123456789abcdef";

let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

const env = () => ({ MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url });
const run = (args: string[], extra: Parameters<typeof runMux>[1] = {}) =>
  runMux(["run", "--dir", dirs.workspace, "-m", "sonnet", ...args], { ...extra, env: { ...env(), ...extra.env } });

function loadChat(sessionId: string) {
  const file = path.join(dirs.muxRoot, "sessions", sessionId, "chat.jsonl");
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [ChatMessageSchema.parse(JSON.parse(l))];
      } catch {
        return []; // a torn line, as the store itself skips it
      }
    });
}

describe("mux run output modes", () => {
  it("default output streams the answer on stdout and summarises tools and cost on stderr", async () => {
    fake.enqueue({ text: "Checking.", toolCalls: [{ name: "bash", args: { script: "echo tool-ran" } }] }, { text: "It printed tool-ran." });
    const r = await run(["what does echo print?"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Checking.");
    expect(r.stdout).toContain("It printed tool-ran.");
    expect(r.stderr).toContain("▸ bash echo tool-ran");
    expect(r.stderr).toContain("tool-ran");
    expect(r.stderr).toMatch(/✓ exit 0/);
    expect(r.stderr).toMatch(/anthropic:claude-sonnet-4-5 · \d+ in .* · \$\d/);
  });

  it("--quiet prints only the final answer; the message can come from stdin", async () => {
    fake.enqueue({ text: "Thinking out loud.", toolCalls: [{ name: "bash", args: { script: "true" } }] }, { text: "Final answer." });
    const r = await run(["--quiet"], { stdin: "question from stdin\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Final answer.\n");
    expect(JSON.stringify(fake.requests[0].body.messages)).toContain("question from stdin");
  });

  it("--json prints valid events only, ending with exactly one run-complete", async () => {
    fake.enqueue({ reasoning: "hmm", text: "Hi!" });
    const r = await run(["--json", "-t", "high", "hello"]);
    expect(r.code).toBe(0);
    expect(r.events.filter((e) => e.type === "run-complete")).toHaveLength(1);
    expect(r.events.at(-1)?.type).toBe("run-complete");
    expect(r.events.map((e) => e.type)).toEqual(expect.arrayContaining(["stream-start", "step-start", "reasoning-delta", "text-delta", "usage", "stream-end"]));
    expect(fake.requests[0].body.thinking).toMatchObject({ type: "enabled", budget_tokens: 20000 });
  });

  it("no message is an error, not a hang", async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no message");
  });
});

describe("budget", () => {
  it("stops with exit 2 as soon as the running cost passes the budget", async () => {
    // 1M input tokens on Sonnet cost $3: the first step alone passes a $1 budget.
    fake.enqueue(
      { text: "Step one.", toolCalls: [{ name: "bash", args: { script: "touch should-not-exist" } }], usage: { input: 1_000_000, output: 10 } },
      { text: "never requested" },
    );
    const r = await run(["--json", "--budget", "1", "go"]);
    expect(r.code).toBe(2);
    expect(fake.requests).toHaveLength(1);
    expect(fs.existsSync(path.join(dirs.workspace, "should-not-exist"))).toBe(false);
    const done = lastEvent(r.events, "run-complete");
    expect(done?.status).toBe("budget-exceeded");
    expect(done?.costUsd).toBeGreaterThan(1);
    expect(lastEvent(r.events, "stream-abort")?.reason).toBe("budget");
  });

  it("a run within budget completes normally", async () => {
    fake.enqueue({ text: "cheap" });
    const r = await run(["--budget", "0.5", "go"]);
    expect(r.code).toBe(0);
  });

  it("refuses a budget when the model's price is unknown", async () => {
    const r = runMux(["run", "--dir", dirs.workspace, "-m", "anthropic:some-future-model", "--budget", "1", "go"], { env: env() });
    const res = await r;
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("prices");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("interrupts and history", () => {
  it("Ctrl+C mid-stream exits 130, keeps the partial answer, and the session continues", async () => {
    fake.enqueue({ text: "word ".repeat(400), chunkSize: 5, chunkDelayMs: 10 });
    let sent = false;
    const r = await run(["--json", "tell me a long story"], {
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('"text-delta"')) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 100);
        }
      },
    });
    expect(r.code).toBe(130);
    const done = lastEvent(r.events, "run-complete")!;
    expect(done.status).toBe("aborted");
    const chat = loadChat(done.sessionId);
    expect(chat.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(chat[1].metadata?.status).toBe("interrupted");
    const partial = chat[1].parts.find((p) => p.type === "text");
    expect(partial && partial.type === "text" && partial.text.length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(dirs.muxRoot, "sessions", done.sessionId)).filter((f) => f.startsWith("partial"))).toEqual([]);

    fake.enqueue({ text: "Continuing." });
    const next = await run(["--json", "--session", done.sessionId, "go on"]);
    expect(next.code, next.stderr).toBe(0);
    const sentMessages = fake.requests.at(-1)!.body.messages;
    expect(JSON.stringify(sentMessages)).toContain("tell me a long story");
    expect(JSON.stringify(sentMessages)).toContain("word word");
    expect(loadChat(done.sessionId).map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("Ctrl+C during a tool kills its process tree and records the tool as interrupted", async () => {
    fake.enqueue({ toolCalls: [{ name: "bash", args: { script: "echo started; sleep 60 & sleep 60" } }] });
    let sent = false;
    const started = Date.now();
    const r = await run(["--json", "run it"], {
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes("started")) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(r.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    const done = lastEvent(r.events, "run-complete")!;
    const tool = loadChat(done.sessionId)[1].parts.find((p) => p.type === "tool");
    expect(tool?.type === "tool" && tool.state).toBe("done");
    expect(tool?.type === "tool" && (tool.output as { aborted?: boolean }).aborted).toBe(true);
  });

  it("kill -9 mid-stream: the next run recovers the saved partial answer and continues", async () => {
    const partialWritten = () => savedPartialText(path.join(dirs.muxRoot, "sessions")).includes("chunk chunk");
    fake.enqueue({ text: "chunk ".repeat(400), chunkSize: 6, chunkDelayMs: 10 });
    let killed = false;
    let sessionText = "";
    const r = await run(["--json", "stream slowly"], {
      onStdout: (chunk, child) => {
        sessionText += chunk;
        // Past 20 deltas and once a crash-recovery snapshot with text is on disk (on a loaded
        // machine deltas arrive in bursts, so counting them says little about the snapshots).
        if (!killed && (sessionText.match(/text-delta/g) ?? []).length > 20 && partialWritten()) {
          killed = true;
          child.kill("SIGKILL");
        }
      },
    });
    expect(r.signal).toBe("SIGKILL");
    const sessionsDir = path.join(dirs.muxRoot, "sessions");
    const [sessionId] = fs.readdirSync(sessionsDir);
    expect(fs.existsSync(path.join(sessionsDir, sessionId, "partial.jsonl"))).toBe(true);

    fake.enqueue({ text: "Recovered." });
    const next = await run(["--json", "--session", sessionId, "continue"]);
    expect(next.code, next.stderr).toBe(0);
    const chat = loadChat(sessionId);
    expect(chat.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(chat[1].metadata?.status).toBe("interrupted");
    expect(JSON.stringify(chat[1].parts)).toContain("chunk chunk");
  });

  it("a torn last line in the history is skipped with a warning, never fatal", async () => {
    fake.enqueue({ text: "first" });
    const first = await run(["--json", "one"]);
    const sessionId = lastEvent(first.events, "run-complete")!.sessionId;
    fs.appendFileSync(path.join(dirs.muxRoot, "sessions", sessionId, "chat.jsonl"), '{"id":"torn","role":"assis');
    fake.enqueue({ text: "second" });
    const second = await run(["--session", sessionId, "two"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/chat\.jsonl:3: skipped unreadable entry/);
    expect(loadChat(sessionId).map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });
});

describe("plan mode and instructions", () => {
  it("--mode plan offers only read-only tools and prints the proposed plan", async () => {
    fs.writeFileSync(path.join(dirs.workspace, "app.ts"), "export const x = 1;\n");
    fake.enqueue(
      { toolCalls: [{ name: "file_read", args: { path: "app.ts" } }] },
      { toolCalls: [{ name: "propose_plan", args: { plan: "# Plan\n1. Rename x to answer." } }] },
    );
    const r = await run(["--mode", "plan", "--quiet", "rename x"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("# Plan\n1. Rename x to answer.\n");
    expect(fake.requests).toHaveLength(2);
    const tools = fake.requests[0].body.tools.map((t: { name: string }) => t.name).sort();
    expect(tools).toEqual(["ask_user_question", "file_read", "glob", "grep", "propose_plan", "todo_write", "web_fetch"]);
    expect(JSON.stringify(fake.requests[0].body.system)).toContain("PLAN MODE");
    expect(fs.readFileSync(path.join(dirs.workspace, "app.ts"), "utf8")).toBe("export const x = 1;\n");
  });

  it("the system prompt carries the environment and AGENTS.md files in order", async () => {
    fs.writeFileSync(path.join(dirs.muxRoot, "AGENTS.md"), "USER-LEVEL-RULE");
    fs.writeFileSync(path.join(dirs.workspace, "CLAUDE.md"), "PROJECT-RULE");
    fs.writeFileSync(path.join(dirs.workspace, "AGENTS.local.md"), "LOCAL-RULE");
    fake.enqueue({ text: "ok" });
    const r = await run(["hi"]);
    expect(r.code).toBe(0);
    const system = JSON.stringify(fake.requests[0].body.system);
    expect(system).toContain(fs.realpathSync(dirs.workspace));
    const order = ["USER-LEVEL-RULE", "PROJECT-RULE", "LOCAL-RULE"].map((s) => system.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("file tools refuse paths outside the workspace and the model reads why", async () => {
    fake.enqueue({ toolCalls: [{ name: "file_read", args: { path: "../../etc/passwd" } }] }, { text: "Refused, fine." });
    const r = await run(["--json", "read it"]);
    expect(r.code).toBe(0);
    const end = lastEvent(r.events, "tool-call-end")!;
    expect(end.isError).toBe(true);
    expect(JSON.stringify(end.result)).toContain("outside the workspace");
    expect(JSON.stringify(fake.requests[1].body.messages)).toContain("outside the workspace");
  });
});

describe("mux run --json: how full the context window is", () => {
  it("run-complete carries the last request's input tokens against the model's window, declared for a custom model; its output cap is sent", async () => {
    fs.writeFileSync(
      path.join(dirs.muxRoot, "providers.jsonc"),
      JSON.stringify({
        local: {
          providerType: "openai-compatible",
          baseUrl: `${fake.url}/v1`,
          apiKey: KEY,
          models: [{ id: "small", contextWindow: 8000, maxOutputTokens: 2000 }],
        },
      }),
    );
    fake.enqueue(
      { text: "Looking.", toolCalls: [{ name: "bash", args: { script: "echo hi" } }], usage: { input: 1200, output: 30 } },
      { text: "Done.", usage: { input: 1500, output: 20 } },
    );
    const r = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", "local:small", "go"], { env: { MUX_ROOT: dirs.muxRoot } });
    expect(r.code, r.stderr).toBe(0);
    expect(lastEvent(r.events, "run-complete")).toMatchObject({ status: "completed", context: { usedTokens: 1500, windowTokens: 8000 } });
    expect(fake.requests.map((q) => q.body.max_tokens)).toEqual([2000, 2000]);
  });

  it("a known model's window comes from the model table", async () => {
    fake.enqueue({ text: "Hi.", usage: { input: 900, output: 5 } });
    const r = await run(["--json", "hi"]);
    expect(lastEvent(r.events, "run-complete")).toMatchObject({ context: { usedTokens: 900, windowTokens: 200_000 } });
  });
});
