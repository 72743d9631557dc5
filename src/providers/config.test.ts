import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { loadProvidersConfig, parseProvidersConfig, splitModelEntries } from "./config.js";
import { contextWindowOf } from "./models.js";

const FILE = "/home/u/.mux/providers.jsonc";

/** The ConfigError that parsing `lines` (joined with newlines) throws. */
function configError(lines: string[]): ConfigError {
  try {
    parseProvidersConfig(lines.join("\n"), FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseProvidersConfig", () => {
  it("models lists plain ids beside objects declaring a model's context window and output cap", () => {
    const text = [
      "{",
      '  "local": { "providerType": "openai-compatible", "baseUrl": "http://localhost:8000/v1",',
      '             "models": ["qwen3-coder", { "id": "small", "contextWindow": 8000, "maxOutputTokens": 2000 }, { "id": "bare" }] }',
      "}",
    ].join("\n");
    const models = parseProvidersConfig(text, FILE).local.models;
    expect(splitModelEntries(models)).toEqual({
      ids: ["qwen3-coder", "small", "bare"],
      limits: { small: { contextWindow: 8000, maxOutputTokens: 2000 }, bare: {} },
    });
  });

  it("a model object may say whether the model takes images", () => {
    const text = '{ "ollama": { "models": [{ "id": "llava", "images": true }, { "id": "qwen3", "images": false }] } }';
    expect(splitModelEntries(parseProvidersConfig(text, FILE).ollama.models).limits).toEqual({ llava: { images: true }, qwen3: { images: false } });
    expect(() => parseProvidersConfig('{ "ollama": { "models": [{ "id": "x", "images": "yes" }] } }', FILE)).toThrow(/:1:26: "ollama\.models\.0"/);
  });

  it("reads the original Mux's model entries: contextWindowTokens is the window, mappedToModel lends a known model's", () => {
    const text = '{ "ollama": { "models": [{ "id": "a", "contextWindowTokens": 32000 }, { "id": "b", "mappedToModel": "anthropic:claude-sonnet-4-5" }] } }';
    const { limits } = splitModelEntries(parseProvidersConfig(text, FILE).ollama.models);
    expect(limits).toEqual({ a: { contextWindow: 32000 }, b: { mappedToModel: "anthropic:claude-sonnet-4-5" } });
    expect(contextWindowOf({ provider: "ollama", modelId: "a" }, limits)).toBe(32000);
    expect(contextWindowOf({ provider: "ollama", modelId: "b" }, limits)).toBe(200_000);
    expect(contextWindowOf({ provider: "ollama", modelId: "c" }, limits)).toBeNull();
  });

  it("a model object with a bad or unknown field is refused where it stands", () => {
    const at = (entry: string) => configError(["{", '  "ollama": {', `    "models": ["a", ${entry}]`, "  }", "}"]).message;
    expect(at('{ "id": "m", "contextWindow": 0 }')).toMatch(/providers\.jsonc:3:\d+: .*"ollama\.models\.1/);
    expect(at('{ "id": "m", "window": 8000 }')).toMatch(/providers\.jsonc:3:\d+: /);
    expect(at('{ "contextWindow": 8000 }')).toMatch(/providers\.jsonc:3:\d+: /);
  });

  it("accepts the README example", () => {
    const text = [
      "{",
      '  "anthropic": { "apiKey": "sk-ant-x" },',
      '  "openai":    { "apiKey": "sk-x", "wireFormat": "responses" },   // or "chatCompletions"',
      '  "ollama":    { "baseUrl": "http://localhost:11434/api" },',
      "  // any OpenAI-compatible server",
      '  "local-vllm": { "providerType": "openai-compatible", "displayName": "Local vLLM",',
      '                  "baseUrl": "http://localhost:8000/v1", "apiKeyFile": "~/.secrets/vllm",',
      '                  "models": ["qwen3-coder"],',
      '                  "prices": { "qwen3-coder": { "input": 0, "output": 0 } } }',
      "}",
    ].join("\n");
    const config = parseProvidersConfig(text, FILE);
    expect(Object.keys(config)).toEqual(["anthropic", "openai", "ollama", "local-vllm"]);
    expect(config["local-vllm"]).toMatchObject({
      providerType: "openai-compatible",
      baseUrl: "http://localhost:8000/v1",
      prices: { "qwen3-coder": { input: 0, output: 0 } },
    });
  });

  it("treats an empty or fully commented-out file as no settings", () => {
    expect(parseProvidersConfig("", FILE)).toEqual({});
    expect(parseProvidersConfig('// {\n//   "openai": { "apiKey": "sk-x" }\n// }\n', FILE)).toEqual({});
  });

  it("names file, line and column of an unknown field of a built-in provider", () => {
    const err = configError(["{", '  "anthropic": {', '    "apiKey": "sk-ant-x",', '    "apiKy": "typo"', "  }", "}"]);
    expect(err.message).toBe(`${FILE}:4:14: provider "anthropic": unknown field(s) apiKy`);
    expect([err.file, err.line, err.column]).toEqual([FILE, 4, 14]);
  });

  it("rejects custom-provider fields on a built-in provider", () => {
    const err = configError(["{", '  "openai": { "providerType": "openai-compatible" }', "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:2:\\d+: .*unknown field\\(s\\) providerType`));
  });

  it("explains that a custom provider needs providerType, naming its line", () => {
    const err = configError(["{", '  "openai": {},', '  "local": { "baseUrl": "http://localhost:8000/v1" }', "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:3:\\d+: unknown provider "local"`));
    expect(err.message).toContain('"providerType": "openai-compatible"');
    expect(err.line).toBe(3);
  });

  it("rejects an invalid custom provider id, naming its line", () => {
    const err = configError(["{", "  // mine", '  "My Provider": { "providerType": "openai-compatible", "baseUrl": "http://localhost:8000/v1" }', "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:3:\\d+: invalid provider id "My Provider"`));
    expect(err.message).toContain("lowercase letters, digits");
  });

  it("rejects an invalid baseUrl, pointing at the field", () => {
    const err = configError(["{", '  "openai": {', '    "baseUrl": "not a url"', "  }", "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:3:16: "openai.baseUrl": `));
    expect(err.line).toBe(3);
  });

  it("rejects a baseUrl without an http(s) scheme", () => {
    for (const bad of ["localhost:8000/v1", "ftp://files.example.com"]) {
      const err = configError(["{", `  "vllm": { "providerType": "openai-compatible", "baseUrl": "${bad}" }`, "}"]);
      expect(err.message).toContain('"vllm.baseUrl": expected an http:// or https:// URL');
      expect(err.line).toBe(2);
    }
  });

  it("accepts http(s) URLs with IP addresses and localhost", () => {
    for (const ok of ["http://127.0.0.1:8000/v1", "http://localhost:8000", "https://[::1]:8443/v1"]) {
      expect(parseProvidersConfig(`{ "vllm": { "providerType": "openai-compatible", "baseUrl": "${ok}" } }`, FILE).vllm.baseUrl).toBe(ok);
    }
  });

  it("requires a baseUrl for a custom provider", () => {
    const err = configError(["{", '  "vllm": { "providerType": "openai-compatible" }', "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:2:\\d+: "vllm.baseUrl": `));
  });

  it("names the nested field of a wrong price", () => {
    const err = configError(["{", '  "openai": {', '    "prices": {', '      "gpt-x": { "input": -1, "output": 2 }', "    }", "  }", "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:4:\\d+: "openai.prices.gpt-x.input": `));
  });

  it("rejects a wireFormat it does not know", () => {
    const err = configError(["{", '  "openai": { "wireFormat": "grpc" }', "}"]);
    expect(err.message).toMatch(new RegExp(`^${FILE}:2:\\d+: "openai.wireFormat": `));
  });

  it("rejects a top level that is not an object", () => {
    const err = configError(['[{ "openai": {} }]']);
    expect(err.message).toBe(`${FILE}:1:1: expected an object of provider settings`);
  });

  it("passes syntax errors through with their position", () => {
    expect(configError(["{", '  "openai": {}', '  "anthropic": {}', "}"]).message).toBe(`${FILE}:3:3: comma expected`);
  });
});

describe("loadProvidersConfig", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-config-"));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("treats a missing file as an empty config", () => {
    expect(loadProvidersConfig({ MUX_ROOT: root })).toEqual({
      file: path.join(root, "providers.jsonc"),
      exists: false,
      config: {},
    });
  });

  it("reads MUX_ROOT/providers.jsonc", () => {
    fs.writeFileSync(path.join(root, "providers.jsonc"), '{ "openai": { "apiKey": "sk-file" } } // mine\n');
    const loaded = loadProvidersConfig({ MUX_ROOT: root });
    expect(loaded.exists).toBe(true);
    expect(loaded.config).toEqual({ openai: { apiKey: "sk-file" } });
  });

  it("names the real file in errors", () => {
    const file = path.join(root, "providers.jsonc");
    fs.writeFileSync(file, '{\n  "openai": { "apiKye": "x" }\n}\n');
    expect(() => loadProvidersConfig({ MUX_ROOT: root })).toThrow(`${file}:2:25: provider "openai": unknown field(s) apiKye`);
  });

  it("reports a file that cannot be read as a ConfigError naming it", () => {
    fs.mkdirSync(path.join(root, "providers.jsonc"));
    expect(() => loadProvidersConfig({ MUX_ROOT: root })).toThrow(ConfigError);
    expect(() => loadProvidersConfig({ MUX_ROOT: root })).toThrow(`${path.join(root, "providers.jsonc")}: cannot read`);
  });
});
