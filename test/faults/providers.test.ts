import { describe, expect, it } from "vitest";
import type { FakeProtocol, FakeProvider, FakeTurn } from "../fake-provider/index.js";
import { lastEvent, runMux, writeProviders } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-fault-test-key-0123456789abcdef";

let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

/** One entry per wire protocol; `keyVar` is unset for a provider that takes no key. */
const PROVIDERS: {
  name: string;
  label: string;
  protocol: FakeProtocol;
  model: string;
  env: () => Record<string, string>;
  keyVar?: string;
  providersJsonc?: string;
}[] = [
  {
    name: "openai (Responses)",
    label: "OpenAI",
    protocol: "openai-responses",
    model: "openai:gpt-5",
    env: () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1` }),
    keyVar: "OPENAI_API_KEY",
  },
  {
    name: "openai (Chat Completions)",
    label: "OpenAI",
    protocol: "openai-chat",
    model: "openai:gpt-5",
    env: () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${fake.url}/v1` }),
    keyVar: "OPENAI_API_KEY",
    providersJsonc: '{ "openai": { "wireFormat": "chatCompletions" } }',
  },
  {
    name: "anthropic",
    label: "Anthropic",
    protocol: "anthropic",
    model: "anthropic:claude-sonnet-4-5",
    env: () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: `${fake.url}/api/v2/aibridge/anthropic` }),
    keyVar: "ANTHROPIC_API_KEY",
  },
  {
    name: "ollama",
    label: "Ollama",
    protocol: "ollama",
    model: "ollama:qwen3",
    env: () => ({ OLLAMA_HOST: fake.url }),
  },
];

const ANSWER = "The final answer, streamed in full.";
const longAnswer: FakeTurn = { text: ANSWER, chunkSize: 4 };

for (const p of PROVIDERS) {
  describe(`${p.name}: transient faults are retried and leave no trace in the answer`, () => {
    const run = (extraEnv: Record<string, string> = {}) => {
      if (p.providersJsonc) writeProviders(dirs.muxRoot, p.providersJsonc);
      if (!p.keyVar) fake.setToken(null);
      return runMux(["run", "--json", "--dir", dirs.workspace, "-m", p.model, "hello"], {
        env: { MUX_ROOT: dirs.muxRoot, ...p.env(), ...extraEnv },
      });
    };

    const cases: [string, FakeTurn, Record<string, string>?][] = [
      ["HTTP 500", { fault: { kind: "status", status: 500 } }],
      ["HTTP 503", { fault: { kind: "status", status: 503 } }],
      ["connection reset mid-stream", { text: "partial text that must vanish", chunkSize: 4, fault: { kind: "reset", afterChunks: 4 } }],
      ["malformed event", { text: "partial text that must vanish", chunkSize: 4, fault: { kind: "malformed", afterChunks: 4 } }],
      ["stalled stream", { text: "partial text that must vanish", chunkSize: 4, fault: { kind: "stall", afterChunks: 4 } }, { MUX_STALL_TIMEOUT_MS: "1500" }],
    ];
    for (const [label, fault, env] of cases) {
      it(label, async () => {
        fake.enqueue(fault, longAnswer);
        const r = await run(env);
        expect(r.code, r.stderr).toBe(0);
        expect(fake.requests.map((q) => q.protocol)).toEqual([p.protocol, p.protocol]);
        const retry = lastEvent(r.events, "retry");
        expect(retry?.attempt).toBe(2);
        expect(retry?.reason).toContain(p.label);
        const done = lastEvent(r.events, "run-complete");
        expect(done?.status).toBe("completed");
        expect(done?.text).toBe(ANSWER);
        expect(r.stdout).not.toContain(KEY);
      });
    }

    it("429 waits for retry-after", async () => {
      fake.enqueue({ fault: { kind: "status", status: 429, retryAfterSeconds: 1 } }, longAnswer);
      const r = await run();
      expect(r.code, r.stderr).toBe(0);
      expect(lastEvent(r.events, "retry")?.delayMs).toBe(1000);
      const gap = fake.requests[1].receivedAt - fake.requests[0].receivedAt;
      expect(gap).toBeGreaterThanOrEqual(950);
    });

    it("gives up after the bounded number of attempts and says why", async () => {
      fake.enqueue(...Array.from({ length: 3 }, () => ({ fault: { kind: "status" as const, status: 502 } })));
      const r = await run({ MUX_MAX_ATTEMPTS: "3" });
      expect(r.code).toBe(1);
      expect(fake.requests).toHaveLength(3);
      expect(r.events.filter((e) => e.type === "retry")).toHaveLength(2);
      const err = lastEvent(r.events, "error");
      expect(err?.kind).toBe("server");
      expect(err?.status).toBe(502);
      expect(lastEvent(r.events, "run-complete")?.status).toBe("error");
    });

    // A keyless provider (Ollama) has no 401 case.
    if (p.keyVar)
      it("401 is not retried; the error names provider, URL and key source but never the key", async () => {
        fake.enqueue({
          fault: {
            kind: "status",
            status: 401,
            // Some providers echo the key back in their error message.
            body: { error: { message: `Incorrect API key provided: ${KEY}`, type: "invalid_request_error" }, type: "error" },
          },
        });
        const r = await run();
        expect(r.code).toBe(1);
        expect(fake.requests).toHaveLength(1);
        const err = lastEvent(r.events, "error");
        expect(err?.kind).toBe("auth");
        expect(err?.message).toContain(fake.url);
        expect(err?.message).toContain(`environment variable ${p.keyVar}`);
        expect(err?.message).toContain(p.label);
        expect(r.stdout + r.stderr).not.toContain(KEY);
      });

    it("400 is not retried", async () => {
      fake.enqueue({ fault: { kind: "status", status: 400 } });
      const r = await run();
      expect(r.code).toBe(1);
      expect(fake.requests).toHaveLength(1);
      expect(lastEvent(r.events, "error")?.kind).toBe("bad_request");
    });
  });
}

it("a wrong key is rejected with a readable error in the default output too", async () => {
  const r = await runMux(["run", "--dir", dirs.workspace, "-m", "openai:gpt-5", "hello"], {
    env: { MUX_ROOT: dirs.muxRoot, OPENAI_API_KEY: "sk-wrong-key-000000000000", OPENAI_BASE_URL: `${fake.url}/v1` },
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/OpenAI \(openai\) request to http:\/\/127\.0\.0\.1:\d+\/v1\/responses failed: HTTP 401/);
  expect(r.stderr).toContain("environment variable OPENAI_API_KEY");
  expect(r.stderr).not.toContain("sk-wrong-key-000000000000");
});

it("ollama: a malformed line (which its SDK skips silently) is still caught and retried", async () => {
  fake.setToken(null);
  fake.enqueue({ text: "partial text that must vanish", chunkSize: 4, fault: { kind: "malformed", afterChunks: 3 } }, longAnswer);
  const r = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", "ollama:qwen3", "hello"], {
    env: { MUX_ROOT: dirs.muxRoot, OLLAMA_HOST: fake.url },
  });
  expect(r.code, r.stderr).toBe(0);
  expect(fake.requests).toHaveLength(2);
  expect(lastEvent(r.events, "retry")?.reason).toContain("malformed");
  expect(lastEvent(r.events, "run-complete")?.text).toBe(ANSWER);
});
