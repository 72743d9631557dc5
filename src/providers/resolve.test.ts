import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { BUILTIN_PROVIDERS } from "./catalog.js";
import { type LoadedProvidersConfig, loadProvidersConfig, type ProvidersConfig } from "./config.js";
import { describeSource, maskSecret, type ResolvedProvider, resolveProvider, resolveProviders } from "./resolve.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-resolve-"));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Writes providers.jsonc under a temp MUX_ROOT and loads it the way `mux` does. */
function loadFile(text: string): LoadedProvidersConfig {
  fs.writeFileSync(path.join(root, "providers.jsonc"), text);
  return loadProvidersConfig({ MUX_ROOT: root });
}

const noFile = (config: ProvidersConfig = {}): LoadedProvidersConfig => ({
  file: path.join(root, "providers.jsonc"),
  exists: false,
  config,
});

function get(id: string, loaded: LoadedProvidersConfig, env: NodeJS.ProcessEnv): ResolvedProvider {
  const p = resolveProvider(id, loaded, env);
  if (!p) throw new Error(`no provider ${id}`);
  return p;
}

describe("resolveProviders: file versus environment", () => {
  it("prefers the file's apiKey over the environment variable, and says so", () => {
    const loaded = loadFile('{ "openai": { "apiKey": "sk-from-file" } }');
    const openai = get("openai", loaded, { OPENAI_API_KEY: "sk-from-env" });
    expect(openai.apiKey.value).toBe("sk-from-file");
    expect(describeSource(openai.apiKey.source)).toBe(`${loaded.file} (apiKey)`);
  });

  it("prefers the file's baseUrl over the environment variable", () => {
    const loaded = loadFile('{ "anthropic": { "baseUrl": "https://gw.example.com/anthropic" } }');
    const anthropic = get("anthropic", loaded, { ANTHROPIC_BASE_URL: "https://env.example.com" });
    expect(anthropic.baseUrlInput.value).toBe("https://gw.example.com/anthropic");
    expect(anthropic.baseUrl).toBe("https://gw.example.com/anthropic/v1");
    expect(describeSource(anthropic.baseUrlInput.source)).toBe(`${loaded.file} (baseUrl)`);
  });

  it("falls back to the environment for fields the file leaves out", () => {
    const loaded = loadFile('{ "openai": { "baseUrl": "https://gw.example.com/openai/v1" } }');
    const openai = get("openai", loaded, { OPENAI_API_KEY: "sk-from-env", OPENAI_BASE_URL: "https://ignored" });
    expect(openai.apiKey.value).toBe("sk-from-env");
    expect(describeSource(openai.apiKey.source)).toBe("environment variable OPENAI_API_KEY");
    expect(openai.baseUrl).toBe("https://gw.example.com/openai/v1");
  });

  it("uses the environment's base URL, normalised, when the file has none", () => {
    const openai = get("openai", noFile(), { OPENAI_BASE_URL: "https://coder.example.com/api/v2/aibridge/openai/v1/" });
    expect(openai.baseUrl).toBe("https://coder.example.com/api/v2/aibridge/openai/v1");
    expect(describeSource(openai.baseUrlInput.source)).toBe("environment variable OPENAI_BASE_URL");
  });

  it("reports defaults and unset keys", () => {
    const openai = get("openai", noFile(), {});
    expect(openai.baseUrl).toBe("https://api.openai.com/v1");
    expect(describeSource(openai.baseUrlInput.source)).toBe("default");
    expect(openai.apiKey.value).toBeUndefined();
    expect(describeSource(openai.apiKey.source)).toBe("not set");
  });

  it("ignores blank environment variables", () => {
    const openai = get("openai", noFile(), { OPENAI_API_KEY: "  ", OPENAI_BASE_URL: "" });
    expect(openai.apiKey.source).toEqual({ kind: "unset" });
    expect(openai.baseUrlInput.source).toEqual({ kind: "default" });
  });

  it("trims whitespace around environment values", () => {
    expect(get("openai", noFile(), { OPENAI_API_KEY: " sk-abc\n" }).apiKey.value).toBe("sk-abc");
  });
});

describe("resolveProviders: per-provider environment variables", () => {
  it("anthropic: ANTHROPIC_API_KEY is an x-api-key", () => {
    const a = get("anthropic", noFile(), { ANTHROPIC_API_KEY: "sk-ant-key" });
    expect(a.apiKey.value).toBe("sk-ant-key");
    expect(a.bearerAuth).toBe(false);
  });

  it("anthropic: ANTHROPIC_AUTH_TOKEN is used as a bearer token", () => {
    const a = get("anthropic", noFile(), { ANTHROPIC_AUTH_TOKEN: "coder-session-token" });
    expect(a.apiKey.value).toBe("coder-session-token");
    expect(describeSource(a.apiKey.source)).toBe("environment variable ANTHROPIC_AUTH_TOKEN");
    expect(a.bearerAuth).toBe(true);
  });

  it("anthropic: ANTHROPIC_API_KEY wins over ANTHROPIC_AUTH_TOKEN", () => {
    const a = get("anthropic", noFile(), { ANTHROPIC_API_KEY: "sk-ant-key", ANTHROPIC_AUTH_TOKEN: "token" });
    expect(a.apiKey.value).toBe("sk-ant-key");
    expect(a.bearerAuth).toBe(false);
  });

  it("anthropic: a key from the file is never a bearer token", () => {
    const a = get("anthropic", noFile({ anthropic: { apiKey: "sk-ant-file" } }), { ANTHROPIC_AUTH_TOKEN: "token" });
    expect(a.apiKey.value).toBe("sk-ant-file");
    expect(a.bearerAuth).toBe(false);
  });

  it("google: GOOGLE_GENERATIVE_AI_API_KEY is preferred over GOOGLE_API_KEY", () => {
    const both = get("google", noFile(), { GOOGLE_GENERATIVE_AI_API_KEY: "gen-key-123", GOOGLE_API_KEY: "plain-key-456" });
    expect(both.apiKey.value).toBe("gen-key-123");
    const only = get("google", noFile(), { GOOGLE_API_KEY: "plain-key-456" });
    expect(only.apiKey.value).toBe("plain-key-456");
    expect(describeSource(only.apiKey.source)).toBe("environment variable GOOGLE_API_KEY");
  });

  it("openai: OPENAI_ORG_ID sets the organization unless the file does", () => {
    const fromEnv = get("openai", noFile(), { OPENAI_ORG_ID: "org-env" });
    expect(fromEnv.organization).toEqual({ value: "org-env", source: { kind: "env", name: "OPENAI_ORG_ID" } });
    const fromFile = get("openai", noFile({ openai: { organization: "org-file" } }), { OPENAI_ORG_ID: "org-env" });
    expect(fromFile.organization.value).toBe("org-file");
  });

  it("OPENAI_ORG_ID does not leak into other providers", () => {
    expect(get("xai", noFile(), { OPENAI_ORG_ID: "org-env" }).organization.value).toBeUndefined();
  });

  it("ollama: OLLAMA_HOST becomes the API base URL", () => {
    const o = get("ollama", noFile(), { OLLAMA_HOST: "127.0.0.1:11434" });
    expect(o.baseUrl).toBe("http://127.0.0.1:11434/api");
    expect(describeSource(o.baseUrlInput.source)).toBe("environment variable OLLAMA_HOST");
    expect(o.requiresKey).toBe(false);
  });

  it("ollama: defaults to localhost", () => {
    expect(get("ollama", noFile(), {}).baseUrl).toBe("http://localhost:11434/api");
  });

  it("xai, deepseek and openrouter read their own key variables", () => {
    const env = { XAI_API_KEY: "xai-key-1", DEEPSEEK_API_KEY: "ds-key-2", OPENROUTER_API_KEY: "or-key-3" };
    expect(get("xai", noFile(), env).apiKey.value).toBe("xai-key-1");
    expect(get("deepseek", noFile(), env).apiKey.value).toBe("ds-key-2");
    expect(get("openrouter", noFile(), env).apiKey.value).toBe("or-key-3");
  });

  it("does not read the process environment when an env is passed", () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-process-env";
    try {
      expect(get("openai", noFile(), {}).apiKey.value).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe("resolveProviders: apiKeyFile", () => {
  it("reads and trims the key file, reporting the key file as the source", () => {
    const keyFile = path.join(root, "vllm.key");
    fs.writeFileSync(keyFile, "sk-from-key-file\n");
    const loaded = loadFile(`{ "openai": { "apiKeyFile": ${JSON.stringify(keyFile)} } }`);
    const openai = get("openai", loaded, { OPENAI_API_KEY: "sk-env" });
    expect(openai.apiKey.value).toBe("sk-from-key-file");
    expect(describeSource(openai.apiKey.source)).toBe(`file ${keyFile}`);
  });

  it("expands ~ to the home directory", () => {
    const home = path.join(root, "home");
    fs.mkdirSync(path.join(home, ".secrets"), { recursive: true });
    fs.writeFileSync(path.join(home, ".secrets/vllm"), "vllm-secret-key\n");
    const loaded = loadFile(
      '{ "local-vllm": { "providerType": "openai-compatible", "baseUrl": "http://localhost:8000/v1", "apiKeyFile": "~/.secrets/vllm" } }',
    );
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const vllm = get("local-vllm", loaded, {});
      expect(vllm.apiKey.value).toBe("vllm-secret-key");
      expect(describeSource(vllm.apiKey.source)).toBe(`file ${path.join(home, ".secrets/vllm")}`);
    } finally {
      process.env.HOME = savedHome;
    }
  });

  it("a missing key file is a ConfigError naming both files", () => {
    const keyFile = path.join(root, "missing.key");
    const loaded = loadFile(`{ "openai": { "apiKeyFile": ${JSON.stringify(keyFile)} } }`);
    let caught: unknown;
    try {
      resolveProviders(loaded, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(`${loaded.file}: apiKeyFile ${keyFile} cannot be read: ENOENT`);
    expect((caught as ConfigError).file).toBe(loaded.file);
  });

  it("an apiKey in the file wins over its apiKeyFile", () => {
    const loaded = loadFile(`{ "openai": { "apiKey": "sk-inline", "apiKeyFile": "/nonexistent/key" } }`);
    expect(get("openai", loaded, {}).apiKey.value).toBe("sk-inline");
  });
});

describe("resolveProviders: custom providers", () => {
  const text = [
    "{",
    '  "zeta": { "providerType": "openai-compatible", "baseUrl": "http://localhost:9000" },',
    '  "openai": { "apiKey": "sk-x" },',
    '  "local-vllm": { "providerType": "openai-compatible", "displayName": "Local vLLM",',
    '                  "baseUrl": "http://localhost:8000/v1/", "apiKey": "vllm-key-123",',
    '                  "headers": { "X-Team": "a" }, "models": ["qwen3-coder"],',
    '                  "prices": { "qwen3-coder": { "input": 0, "output": 0 } } }',
    "}",
  ].join("\n");

  it("come after the built-ins, in file order", () => {
    const ids = resolveProviders(loadFile(text), {}).map((p) => p.id);
    expect(ids).toEqual([...BUILTIN_PROVIDERS.map((p) => p.id), "zeta", "local-vllm"]);
  });

  it("are OpenAI-compatible chat-completions providers with normalised URLs", () => {
    const [zeta, vllm] = resolveProviders(loadFile(text), {}).filter((p) => p.custom);
    expect(zeta).toMatchObject({ displayName: "zeta", kind: "openai-compatible", baseUrl: "http://localhost:9000/v1" });
    expect(vllm).toMatchObject({
      displayName: "Local vLLM",
      wireFormat: "chatCompletions",
      baseUrl: "http://localhost:8000/v1",
      headers: { "X-Team": "a" },
      models: ["qwen3-coder"],
      prices: { "qwen3-coder": { input: 0, output: 0 } },
      requiresKey: false,
    });
    expect(vllm.apiKey.value).toBe("vllm-key-123");
  });

  it("resolveProvider finds a custom provider and returns undefined for an unknown one", () => {
    const loaded = loadFile(text);
    expect(resolveProvider("local-vllm", loaded, {})?.custom).toBe(true);
    expect(resolveProvider("nope", loaded, {})).toBeUndefined();
  });
});

describe("describeSource", () => {
  it("names where each value came from", () => {
    expect(describeSource({ kind: "file", file: "/x/providers.jsonc", field: "baseUrl" })).toBe("/x/providers.jsonc (baseUrl)");
    expect(describeSource({ kind: "file", file: "/x/key", field: "apiKeyFile" })).toBe("file /x/key");
    expect(describeSource({ kind: "env", name: "OPENAI_API_KEY" })).toBe("environment variable OPENAI_API_KEY");
    expect(describeSource({ kind: "default" })).toBe("default");
    expect(describeSource({ kind: "unset" })).toBe("not set");
  });
});

describe("maskSecret", () => {
  it("shows a short provider prefix and the last 4 characters only", () => {
    expect(maskSecret("sk-proj-abcdefghijklmnopqrstuvwxyz1234")).toBe("sk-…1234");
    expect(maskSecret("sk-ant-api03-abcdefghijklmnopWXYZ")).toBe("sk-…WXYZ");
  });

  it("shows no prefix when the key has none", () => {
    expect(maskSecret("AIzaSyA1234567890abcdefgh")).toBe("…efgh");
  });

  it("fully masks short secrets", () => {
    expect(maskSecret("sk-12345678")).toBe("****");
    expect(maskSecret("abcdefghijkl")).toBe("****");
  });

  it("returns an empty string when there is no secret", () => {
    expect(maskSecret(undefined)).toBe("");
    expect(maskSecret("")).toBe("");
  });

  it("never reveals more than the prefix and 4 characters of any key", () => {
    for (const key of ["xai-0123456789abcdefghij", "sk-proj-abcdefghijklmnopqrstuvwxyz", "x".repeat(24)]) {
      const masked = maskSecret(key);
      const visible = masked.replace("…", "");
      expect(visible.length).toBeLessThanOrEqual(5 + 4);
      expect(masked).not.toContain(key.slice(0, 9));
      expect(masked.endsWith(key.slice(-4))).toBe(true);
    }
    // Short keys: the last 4 characters would be too large a share of the secret.
    for (const key of ["sk-abcdefghij1", "abcd-efghijklmnopq"]) expect(maskSecret(key)).toBe("****");
  });
});
