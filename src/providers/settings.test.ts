import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listModels, modelChoices, providersView, removeProvider, updateProvider } from "./settings.js";

let root: string;
let env: NodeJS.ProcessEnv;
const file = () => path.join(root, "providers.jsonc");
const KEY = "sk-proj-settings-test-abcdefghijklmnop";

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "mux-settings-"));
  env = { MUX_ROOT: root };
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("providers settings", () => {
  it("shows env values with their sources and never the full key", () => {
    env.OPENAI_API_KEY = KEY;
    env.OPENAI_BASE_URL = "https://coder.example.com/api/v2/aibridge/openai/v1";
    const view = providersView(env);
    const openai = view.providers.find((p) => p.id === "openai")!;
    expect(openai.apiKey).toEqual({ masked: `sk-…${KEY.slice(-4)}`, source: { kind: "env", label: "environment variable OPENAI_API_KEY" } });
    expect(openai.baseUrl.source.label).toBe("environment variable OPENAI_BASE_URL");
    expect(openai.ready).toBe(true);
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it("writes a key into a new file, mode 0600, and the file then wins over the environment", async () => {
    env.OPENAI_API_KEY = "sk-env-0000000000000000000000";
    const view = await updateProvider({ id: "openai", apiKey: KEY, wireFormat: "chatCompletions" }, env);
    expect(fs.statSync(file()).mode & 0o777).toBe(0o600);
    const openai = view.providers.find((p) => p.id === "openai")!;
    expect(openai.apiKey.source.kind).toBe("file");
    expect(openai.wireFormat).toBe("chatCompletions");
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it("keeps the user's comments and formatting, and null clears a field back to the environment", async () => {
    const original = `{
  // my gateway — do not remove this comment
  "anthropic": {
    "baseUrl": "https://gw.example.com/anthropic", // trailing note
    "apiKey": "sk-ant-old-key-000000000000"
  },
}
`;
    fs.writeFileSync(file(), original);
    await updateProvider({ id: "anthropic", apiKey: null }, env);
    let text = fs.readFileSync(file(), "utf8");
    expect(text).toContain("// my gateway — do not remove this comment");
    expect(text).toContain("// trailing note");
    expect(text).not.toContain("sk-ant-old-key");
    await updateProvider({ id: "anthropic", baseUrl: "https://other.example.com/anthropic" }, env);
    text = fs.readFileSync(file(), "utf8");
    expect(text).toContain('"baseUrl": "https://other.example.com/anthropic"');
    expect(text).toContain("// my gateway — do not remove this comment");
  });

  it("saves of different providers at the same time are all kept, with the file's comments", async () => {
    fs.writeFileSync(file(), `// my providers\n{\n  "anthropic": { "apiKey": "sk-ant-kept-000000000000" } // personal\n}\n`);
    const ids = Array.from({ length: 20 }, (_, i) => `custom-${i}`);
    await Promise.all([
      ...ids.map((id) => updateProvider({ id, providerType: "openai-compatible", baseUrl: `http://localhost:${8000 + Number(id.slice(7))}/v1` }, env)),
      updateProvider({ id: "openai", apiKey: KEY }, env),
    ]);
    const text = fs.readFileSync(file(), "utf8");
    const view = providersView(env);
    expect(view.error).toBeNull();
    for (const id of ids) expect(view.providers.find((p) => p.id === id)?.baseUrl.configured).toBe(`http://localhost:${8000 + Number(id.slice(7))}/v1`);
    expect(view.providers.find((p) => p.id === "openai")?.apiKey.source.kind).toBe("file");
    expect(text).toMatch(/^\/\/ my providers\n/);
    expect(text).toContain(`"anthropic": { "apiKey": "sk-ant-kept-000000000000" }, // personal\n`);
  });

  it("a trailing comment stays on its line when a field is added after it", async () => {
    fs.writeFileSync(file(), `{\n  "openai": {\n    "apiKey": "${KEY}" // work key\n  } // openai\n}\n`);
    await updateProvider({ id: "openai", baseUrl: "https://gw.example.com/v1" }, env);
    await updateProvider({ id: "ollama", baseUrl: "http://localhost:11434/api" }, env);
    const text = fs.readFileSync(file(), "utf8");
    expect(text).toContain(`"apiKey": "${KEY}", // work key\n    "baseUrl": "https://gw.example.com/v1"\n  }, // openai\n  "ollama": {`);
  });

  it("clearing a provider's last field removes its entry instead of leaving { }, and keeps the comments", async () => {
    fs.writeFileSync(
      file(),
      `{\n  // gateway keys\n  "anthropic": {\n    "apiKey": "sk-ant-old-key-000000000000" // rotate monthly\n  },\n  "openai": { "apiKey": "${KEY}" } // work\n}\n`,
    );
    await updateProvider({ id: "anthropic", apiKey: null }, env);
    expect(fs.readFileSync(file(), "utf8")).toBe(`{\n  // gateway keys\n  "openai": { "apiKey": "${KEY}" } // work\n}\n`);
  });

  it("adds and removes a custom OpenAI-compatible provider", async () => {
    let view = await updateProvider(
      { id: "local-vllm", providerType: "openai-compatible", displayName: "Local vLLM", baseUrl: "http://localhost:8000/v1", models: ["qwen3-coder"] },
      env,
    );
    expect(view.providers.at(-1)).toMatchObject({ id: "local-vllm", custom: true, displayName: "Local vLLM", models: ["qwen3-coder"] });
    expect(listModels(env).map((m) => m.id)).toContain("local-vllm:qwen3-coder");
    view = await removeProvider("local-vllm", env);
    expect(view.providers.some((p) => p.id === "local-vllm")).toBe(false);
  });

  it("a custom model's declared context window reaches the picker, and editing the list keeps what the file declares", async () => {
    fs.writeFileSync(
      file(),
      '{\n  "local": { "providerType": "openai-compatible", "baseUrl": "http://localhost:8000/v1",\n    "models": ["big", { "id": "small", "contextWindow": 8000, "maxOutputTokens": 2000 }] }\n}\n',
    );
    expect(listModels(env).find((m) => m.id === "local:small")).toMatchObject({ contextWindow: 8000 });
    expect(listModels(env).find((m) => m.id === "local:big")).toMatchObject({ contextWindow: null });
    const view = await updateProvider({ id: "local", models: ["small", "new"] }, env);
    expect(view.providers.find((p) => p.id === "local")?.models).toEqual(["small", "new"]);
    expect(JSON.parse(fs.readFileSync(file(), "utf8")).local.models).toEqual([{ id: "small", contextWindow: 8000, maxOutputTokens: 2000 }, "new"]);
  });

  it("refuses invalid changes without touching the file", async () => {
    await expect(updateProvider({ id: "new-one", baseUrl: "http://x:1/v1" }, env)).rejects.toThrow(/providerType/);
    await expect(updateProvider({ id: "anthropic", wireFormat: "responses" }, env)).rejects.toThrow(/only OpenAI/);
    expect(fs.existsSync(file())).toBe(false);
  });

  it("a malformed file is reported with file:line:column and never overwritten", async () => {
    const broken = '{\n  "openai": { "apiKey": "x" ,, }\n}\n';
    fs.writeFileSync(file(), broken);
    const view = providersView(env);
    expect(view.error).toMatch(/providers\.jsonc:2:\d+/);
    expect(view.providers.length).toBeGreaterThan(0);
    await expect(updateProvider({ id: "openai", apiKey: KEY }, env)).rejects.toThrow(/providers\.jsonc:2:\d+/);
    expect(fs.readFileSync(file(), "utf8")).toBe(broken);
  });

  it("models: known ones with readiness, plus each provider's own list", async () => {
    env.ANTHROPIC_API_KEY = KEY;
    const models = listModels(env);
    expect(models.find((m) => m.id === "anthropic:claude-sonnet-4-5")).toMatchObject({ ready: true, priced: true, aliases: ["sonnet"] });
    expect(models.find((m) => m.id === "openai:gpt-5")?.ready).toBe(false);
  });

  it("a fresh install has no provider set up; a key, an Ollama host or a custom server each count", async () => {
    expect(modelChoices(env)).toMatchObject({ configured: false, defaultModel: "anthropic:claude-sonnet-4-5" });
    expect(modelChoices({ ...env, OPENAI_API_KEY: KEY })).toMatchObject({ configured: true, defaultModel: "openai:gpt-5" });
    expect(modelChoices({ ...env, OLLAMA_HOST: "http://gpu-box:11434" }).configured).toBe(true);
    await updateProvider({ id: "local-vllm", providerType: "openai-compatible", baseUrl: "http://localhost:8000/v1", models: ["qwen3-coder"] }, env);
    expect(modelChoices(env).configured).toBe(true);
  });
});
