import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/errors.js";
import { formatModel, imageSupportOf, KNOWN_MODELS, knownModel, parseModelString } from "./models.js";

describe("parseModelString", () => {
  it("resolves every alias the README lists", () => {
    expect(parseModelString("sonnet")).toEqual({ provider: "anthropic", modelId: "claude-sonnet-4-5" });
    expect(parseModelString("opus")).toEqual({ provider: "anthropic", modelId: "claude-opus-4-5" });
    expect(parseModelString("haiku")).toEqual({ provider: "anthropic", modelId: "claude-haiku-4-5" });
    expect(parseModelString("gpt")).toEqual({ provider: "openai", modelId: "gpt-5" });
    expect(parseModelString("gpt-mini")).toEqual({ provider: "openai", modelId: "gpt-5-mini" });
    expect(parseModelString("codex")).toEqual({ provider: "openai", modelId: "gpt-5-codex" });
    expect(parseModelString("gemini")).toEqual({ provider: "google", modelId: "gemini-2.5-pro" });
    expect(parseModelString("flash")).toEqual({ provider: "google", modelId: "gemini-2.5-flash" });
    expect(parseModelString("grok")).toEqual({ provider: "xai", modelId: "grok-4" });
    expect(parseModelString("deepseek")).toEqual({ provider: "deepseek", modelId: "deepseek-chat" });
  });

  it("no alias is claimed by two models", () => {
    const aliases = KNOWN_MODELS.flatMap((k) => k.aliases);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it("splits provider:model-id", () => {
    expect(parseModelString("anthropic:claude-sonnet-4-5")).toEqual({ provider: "anthropic", modelId: "claude-sonnet-4-5" });
    expect(parseModelString("local-vllm:qwen3-coder")).toEqual({ provider: "local-vllm", modelId: "qwen3-coder" });
  });

  it("splits at the first colon only, so model ids may contain colons", () => {
    expect(parseModelString("ollama:qwen3:8b")).toEqual({ provider: "ollama", modelId: "qwen3:8b" });
  });

  it("keeps slashes in model ids", () => {
    expect(parseModelString("openrouter:anthropic/claude-sonnet-4.5")).toEqual({
      provider: "openrouter",
      modelId: "anthropic/claude-sonnet-4.5",
    });
  });

  it("ignores surrounding whitespace", () => {
    expect(parseModelString("  sonnet\n")).toEqual({ provider: "anthropic", modelId: "claude-sonnet-4-5" });
    expect(parseModelString(" openai:gpt-5 ")).toEqual({ provider: "openai", modelId: "gpt-5" });
  });

  it.each(["claude-sonnet-4-5", "anthropic:", ":gpt-5", "", "   "])("rejects %j with a helpful error", (input) => {
    let caught: unknown;
    try {
      parseModelString(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toContain(`invalid model "${input}"`);
    expect(message).toContain("provider:model-id");
    expect(message).toContain("sonnet, opus, haiku");
    expect(message).toContain("gpt-mini");
  });

  it("round-trips with formatModel", () => {
    expect(formatModel(parseModelString("ollama:qwen3:8b"))).toBe("ollama:qwen3:8b");
  });
});

describe("knownModel", () => {
  it("finds a model by provider and id", () => {
    expect(knownModel({ provider: "openai", modelId: "gpt-5" })?.price.input).toBe(1.25);
  });

  it("does not match the same id under another provider", () => {
    expect(knownModel({ provider: "openrouter", modelId: "gpt-5" })).toBeUndefined();
  });
});

describe("imageSupportOf", () => {
  it("follows the model table, then the provider's default", () => {
    expect(imageSupportOf({ provider: "anthropic", modelId: "claude-sonnet-4-5" }, "anthropic")).toEqual({ maxBytes: 3_750_000, maxEdge: 8000 });
    expect(imageSupportOf({ provider: "openai", modelId: "gpt-5" }, "openai")).toEqual({ maxBytes: 5_000_000, maxEdge: 8000 });
    expect(imageSupportOf({ provider: "deepseek", modelId: "deepseek-chat" }, "openai-compatible")).toBeNull();
    // Models Mux does not know: the big providers' take images; a custom server's or Ollama's do not.
    expect(imageSupportOf({ provider: "openai", modelId: "gpt-9" }, "openai")).not.toBeNull();
    expect(imageSupportOf({ provider: "ollama", modelId: "qwen3:8b" }, "ollama")).toBeNull();
    expect(imageSupportOf({ provider: "local", modelId: "qwen3-coder" }, "openai-compatible")).toBeNull();
  });

  it("takes what providers.jsonc declares for a model over every default, and a mapped model's word", () => {
    const limits = { llava: { images: true }, blind: { images: false }, alias: { mappedToModel: "anthropic:claude-sonnet-4-5" } };
    expect(imageSupportOf({ provider: "local", modelId: "llava" }, "openai-compatible", limits)).toEqual({ maxBytes: 3_750_000, maxEdge: 8000 });
    expect(imageSupportOf({ provider: "openai", modelId: "blind" }, "openai", limits)).toBeNull();
    expect(imageSupportOf({ provider: "local", modelId: "alias" }, "openai-compatible", limits)).not.toBeNull();
  });
});
