import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { countToolResults, type FakeProvider } from "../fake-provider/index.js";
import { lastEvent, type MuxResult, runMux, writeProviders } from "../helpers/mux.js";
import { fakeProviderSuite, type TempDirs } from "../helpers/suite.js";

const KEY = "sk-test-e2e-0123456789abcdefXYZ";

let fake: FakeProvider;
let dirs: TempDirs;
fakeProviderSuite(KEY, (s) => {
  fake = s.fake;
  dirs = s.dirs;
});

function expectNoSecret(r: MuxResult, secret = KEY) {
  expect(r.stdout).not.toContain(secret);
  expect(r.stderr).not.toContain(secret);
}

/** One tool call then an answer: proves the whole loop works over a provider's wire format. */
async function toolRoundTrip(model: string, env: Record<string, string | undefined>) {
  fake.enqueue({ text: "Running it.", toolCalls: [{ name: "bash", args: { script: "echo from-the-tool" } }] }, { text: "The tool said from-the-tool." });
  const r = await runMux(["run", "--json", "--dir", dirs.workspace, "-m", model, "say hi"], {
    env: { MUX_ROOT: dirs.muxRoot, HOME: dirs.base, ...env },
  });
  expectNoSecret(r);
  expect(r.code, r.stderr).toBe(0);
  const end = lastEvent(r.events, "tool-call-end");
  expect(end?.isError).toBe(false);
  expect((end!.result as { output: string }).output).toContain("from-the-tool");
  const done = lastEvent(r.events, "run-complete");
  expect(done?.status).toBe("completed");
  expect(done?.text).toBe("The tool said from-the-tool.");
  expect(done?.usage.inputTokens).toBeGreaterThan(0);
  expect(fake.requests).toHaveLength(2);
  expect(countToolResults(fake.requests[1])).toBe(1);
  return { r, done: done!, requests: fake.requests };
}

describe("every provider kind through its real SDK", () => {
  it("openai (Responses API) through an AI Bridge base URL from the environment", async () => {
    const { done, requests } = await toolRoundTrip("openai:gpt-5", {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: `${fake.url}/api/v2/aibridge/openai/v1`,
    });
    expect(requests[0].path).toBe("/api/v2/aibridge/openai/v1/responses");
    expect(requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(done.costUsd).toBeGreaterThan(0);
  });

  it("openai with wireFormat chatCompletions from providers.jsonc", async () => {
    writeProviders(dirs.muxRoot, `{ "openai": { "apiKey": "${KEY}", "baseUrl": "${fake.url}/v1", "wireFormat": "chatCompletions" } }`);
    const { requests } = await toolRoundTrip("openai:gpt-5", {});
    expect(requests[0].path).toBe("/v1/chat/completions");
  });

  it("anthropic through an AI Bridge base URL gains /v1", async () => {
    const { requests, done } = await toolRoundTrip("sonnet", {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: `${fake.url}/api/v2/aibridge/anthropic`,
    });
    expect(requests[0].path).toBe("/api/v2/aibridge/anthropic/v1/messages");
    expect(requests[0].headers["x-api-key"]).toBe(KEY);
    expect(done.model).toBe("anthropic:claude-sonnet-4-5");
  });

  it("anthropic with ANTHROPIC_AUTH_TOKEN sends a bearer token", async () => {
    const { requests } = await toolRoundTrip("anthropic:claude-haiku-4-5", {
      ANTHROPIC_AUTH_TOKEN: KEY,
      ANTHROPIC_BASE_URL: `${fake.url}/v1`,
    });
    expect(requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(requests[0].headers["x-api-key"]).toBeUndefined();
  });

  it("google", async () => {
    writeProviders(dirs.muxRoot, `{ "google": { "baseUrl": "${fake.url}/v1beta" } }`);
    const { requests } = await toolRoundTrip("gemini", { GOOGLE_API_KEY: KEY });
    expect(requests[0].path).toMatch(/^\/v1beta\/models\/gemini-2\.5-pro:streamGenerateContent/);
  });

  it("xai and deepseek (OpenAI-compatible), a URL without a path gains /v1", async () => {
    writeProviders(dirs.muxRoot, `{ "xai": { "baseUrl": "${fake.url}" }, "deepseek": { "baseUrl": "${fake.url}/" } }`);
    const xai = await toolRoundTrip("xai:grok-4", { XAI_API_KEY: KEY });
    expect(xai.requests[0].path).toBe("/v1/chat/completions");
    fake.reset();
    const ds = await toolRoundTrip("deepseek:deepseek-chat", { DEEPSEEK_API_KEY: KEY });
    expect(ds.requests[0].path).toBe("/chat/completions");
  });

  it("openrouter", async () => {
    writeProviders(dirs.muxRoot, `{ "openrouter": { "baseUrl": "${fake.url}/api/v1" } }`);
    const { requests } = await toolRoundTrip("openrouter:anthropic/claude-sonnet-4.5", { OPENROUTER_API_KEY: KEY });
    expect(requests[0].path).toBe("/api/v1/chat/completions");
    expect(requests[0].body.model).toBe("anthropic/claude-sonnet-4.5");
  });

  it("ollama from OLLAMA_HOST, model ids with colons, no key, cost unknown", async () => {
    fake.setToken(null);
    const { requests, done } = await toolRoundTrip("ollama:qwen3:8b", {
      OLLAMA_HOST: fake.url.replace("http://", ""),
    });
    expect(requests[0].path).toBe("/api/chat");
    expect(requests[0].body.model).toBe("qwen3:8b");
    expect(done.costUsd).toBeNull();
  });

  it("custom OpenAI-compatible providers: /v1 rule, trailing slash keeps the root, apiKeyFile with ~", async () => {
    fs.mkdirSync(path.join(dirs.base, ".secrets"));
    fs.writeFileSync(path.join(dirs.base, ".secrets", "vllm"), `${KEY}\n`);
    writeProviders(
      dirs.muxRoot,
      `{
        // a local vLLM, key kept out of this file
        "local-vllm": { "providerType": "openai-compatible", "displayName": "Local vLLM",
                        "baseUrl": "${fake.url}", "apiKeyFile": "~/.secrets/vllm", "models": ["qwen3-coder"] },
        "root_gw": { "providerType": "openai-compatible", "baseUrl": "${fake.url}/", "apiKey": "${KEY}" },
      }`,
    );
    const a = await toolRoundTrip("local-vllm:qwen3-coder", {});
    expect(a.requests[0].path).toBe("/v1/chat/completions");
    expect(a.done.costUsd).toBeNull();
    fake.reset();
    const b = await toolRoundTrip("root_gw:some-model", {});
    expect(b.requests[0].path).toBe("/chat/completions");
  });
});

describe("settings precedence and `mux providers`", () => {
  it("a key in providers.jsonc wins over the environment; env fills fields the file leaves out", async () => {
    writeProviders(dirs.muxRoot, `{ "openai": { "apiKey": "${KEY}" } }`);
    const env = {
      OPENAI_API_KEY: "sk-env-key-that-is-wrong-000000",
      OPENAI_BASE_URL: `${fake.url}/v1`,
    };
    await toolRoundTrip("openai:gpt-5", env);
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);

    const shown = await runMux(["providers", "--json"], { env: { MUX_ROOT: dirs.muxRoot, ...env } });
    expectNoSecret(shown);
    expectNoSecret(shown, env.OPENAI_API_KEY);
    const openai = JSON.parse(shown.stdout).providers.find((p: { id: string }) => p.id === "openai");
    expect(openai.apiKey.value).toBe(`sk-…${KEY.slice(-4)}`);
    expect(openai.apiKey.source).toContain("providers.jsonc");
    expect(openai.baseUrl).toMatchObject({ value: `${fake.url}/v1`, source: "environment variable OPENAI_BASE_URL" });
  });

  it("the human-readable listing names every source and masks keys", async () => {
    const r = await runMux(["providers"], {
      env: { MUX_ROOT: dirs.muxRoot, ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: "https://coder.example.com/api/v2/aibridge/anthropic" },
    });
    expect(r.code).toBe(0);
    expectNoSecret(r);
    expect(r.stdout).toContain("https://coder.example.com/api/v2/aibridge/anthropic/v1");
    expect(r.stdout).toContain("environment variable ANTHROPIC_BASE_URL");
    expect(r.stdout).toContain("environment variable ANTHROPIC_API_KEY");
    expect(r.stdout).toMatch(/openai.*no key/);
  });

  it("a malformed providers.jsonc names file, line and column, and is left untouched", async () => {
    const text = `{\n  "openai": {\n    "apiKey": "x",,\n  }\n}\n`;
    writeProviders(dirs.muxRoot, text);
    const file = path.join(dirs.muxRoot, "providers.jsonc");
    for (const args of [["run", "--dir", dirs.workspace, "hi"], ["providers"]]) {
      const r = await runMux(args, { env: { MUX_ROOT: dirs.muxRoot } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:3:19`);
    }
    expect(fs.readFileSync(file, "utf8")).toBe(text);
    expect(fake.requests).toHaveLength(0);
  });

  it("a schema error points at the offending field's line", async () => {
    writeProviders(dirs.muxRoot, `{\n  "openai": {\n    "wireFormat": "grpc"\n  }\n}\n`);
    const r = await runMux(["providers"], { env: { MUX_ROOT: dirs.muxRoot } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("providers.jsonc:3:19");
    expect(r.stderr).toContain("openai.wireFormat");
  });

  it('an Ollama nobody answers for is "not reachable at URL", not ready; the check makes no LLM request', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await runMux(["providers"], { env: { MUX_ROOT: dirs.muxRoot, OLLAMA_HOST: `127.0.0.1:${port}` } });
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`ollama .*not reachable at http://127\\.0\\.0\\.1:${port}/api`));

    const up = await runMux(["providers", "--json"], { env: { MUX_ROOT: dirs.muxRoot, OLLAMA_HOST: new URL(fake.url).host } });
    const ollama = JSON.parse(up.stdout).providers.find((p: { id: string }) => p.id === "ollama");
    expect(ollama).toMatchObject({ ready: true, reachable: { ok: true } });
    expect(fake.requests).toHaveLength(0);
  });

  it("a missing key says which setting or variable to fill", async () => {
    const r = await runMux(["run", "--dir", dirs.workspace, "-m", "openai:gpt-5", "hi"], { env: { MUX_ROOT: dirs.muxRoot } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("OPENAI_API_KEY");
    expect(r.stderr).toContain("Settings → Providers");
  });
});
