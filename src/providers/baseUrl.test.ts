import { describe, expect, it } from "vitest";
import { normalizeBaseUrl, urlHost } from "./baseUrl.js";

describe("normalizeBaseUrl: anthropic", () => {
  it("adds /v1 to a gateway URL configured without it", () => {
    expect(normalizeBaseUrl("anthropic", "https://coder.example.com/api/v2/aibridge/anthropic")).toBe("https://coder.example.com/api/v2/aibridge/anthropic/v1");
  });

  it("handles a trailing slash before adding /v1", () => {
    expect(normalizeBaseUrl("anthropic", "https://coder.example.com/api/v2/aibridge/anthropic/")).toBe(
      "https://coder.example.com/api/v2/aibridge/anthropic/v1",
    );
  });

  it("keeps a URL that already ends with /v1 (with or without a trailing slash)", () => {
    expect(normalizeBaseUrl("anthropic", "https://api.anthropic.com/v1")).toBe("https://api.anthropic.com/v1");
    expect(normalizeBaseUrl("anthropic", "https://api.anthropic.com/v1/")).toBe("https://api.anthropic.com/v1");
  });

  it("adds /v1 to a bare origin", () => {
    expect(normalizeBaseUrl("anthropic", "http://localhost:8080")).toBe("http://localhost:8080/v1");
    expect(normalizeBaseUrl("anthropic", "http://localhost:8080/")).toBe("http://localhost:8080/v1");
  });

  it("ignores surrounding whitespace", () => {
    expect(normalizeBaseUrl("anthropic", "  https://gw/anthropic \n")).toBe("https://gw/anthropic/v1");
  });
});

describe("normalizeBaseUrl: openai", () => {
  it("adds /v1 to a URL with no path", () => {
    expect(normalizeBaseUrl("openai", "http://host:8080")).toBe("http://host:8080/v1");
  });

  it("keeps a bare trailing slash at the origin root", () => {
    expect(normalizeBaseUrl("openai", "http://host:8080/")).toBe("http://host:8080");
  });

  it("leaves a gateway URL that ends with /v1 unchanged", () => {
    expect(normalizeBaseUrl("openai", "https://coder.example.com/api/v2/aibridge/openai/v1")).toBe("https://coder.example.com/api/v2/aibridge/openai/v1");
  });

  it("strips a trailing slash after a path", () => {
    expect(normalizeBaseUrl("openai", "https://x/v1/")).toBe("https://x/v1");
    expect(normalizeBaseUrl("openai", "https://x/openai//")).toBe("https://x/openai");
  });

  it("does not add /v1 to a path that lacks it", () => {
    expect(normalizeBaseUrl("openai", "https://x/custom")).toBe("https://x/custom");
  });
});

describe("normalizeBaseUrl: ollama", () => {
  it("accepts OLLAMA_HOST's host:port form", () => {
    expect(normalizeBaseUrl("ollama", "127.0.0.1:11434")).toBe("http://127.0.0.1:11434/api");
  });

  it("gives a bare host Ollama's default port, as the ollama CLI does", () => {
    expect(normalizeBaseUrl("ollama", "0.0.0.0")).toBe("http://0.0.0.0:11434/api");
    expect(normalizeBaseUrl("ollama", "gpu-box")).toBe("http://gpu-box:11434/api");
    expect(normalizeBaseUrl("ollama", "[::1]")).toBe("http://[::1]:11434/api");
  });

  it("adds /api to a URL with no path, or only a slash", () => {
    expect(normalizeBaseUrl("ollama", "http://h:11434")).toBe("http://h:11434/api");
    expect(normalizeBaseUrl("ollama", "http://h:11434/")).toBe("http://h:11434/api");
  });

  it("keeps a URL that already has a path", () => {
    expect(normalizeBaseUrl("ollama", "http://h:11434/api")).toBe("http://h:11434/api");
    expect(normalizeBaseUrl("ollama", "http://h:11434/api/")).toBe("http://h:11434/api");
    expect(normalizeBaseUrl("ollama", "https://gw.example.com/ollama/api")).toBe("https://gw.example.com/ollama/api");
  });

  it("keeps an explicit scheme's own port rules (https without a port)", () => {
    expect(normalizeBaseUrl("ollama", "https://ollama.example.com")).toBe("https://ollama.example.com/api");
  });
});

describe("normalizeBaseUrl: verbatim", () => {
  it("only strips trailing slashes", () => {
    expect(normalizeBaseUrl("verbatim", "https://openrouter.ai/api/v1/")).toBe("https://openrouter.ai/api/v1");
    expect(normalizeBaseUrl("verbatim", "https://g.example.com")).toBe("https://g.example.com");
  });
});

describe("urlHost", () => {
  it("returns host and port only", () => {
    expect(urlHost("https://coder.example.com/api/v2/aibridge/openai/v1")).toBe("coder.example.com");
    expect(urlHost("http://127.0.0.1:11434/api")).toBe("127.0.0.1:11434");
  });

  it("never shows credentials embedded in the URL", () => {
    expect(urlHost("https://user:s3cret-token@gw.example.com/v1")).toBe("gw.example.com");
  });

  it("says so for an invalid URL", () => {
    expect(urlHost("not a url")).toBe("(invalid URL)");
  });
});
