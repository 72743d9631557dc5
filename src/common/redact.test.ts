import { describe, expect, it } from "vitest";
import { redact, redactDeep, registerConfiguredKey, registerSecret } from "./redact.js";

describe("redact", () => {
  it("replaces every occurrence of a registered secret", () => {
    registerSecret("sk-test-AAAAAAAAAAAA");
    expect(redact("key sk-test-AAAAAAAAAAAA and again sk-test-AAAAAAAAAAAA.")).toBe("key [REDACTED] and again [REDACTED].");
  });

  it("leaves text without secrets unchanged", () => {
    registerSecret("sk-test-BBBBBBBBBBBB");
    expect(redact("nothing to see")).toBe("nothing to see");
  });

  it("redacts several secrets in one text", () => {
    registerSecret("first-secret-111");
    registerSecret("second-secret-222");
    expect(redact("first-secret-111/second-secret-222")).toBe("[REDACTED]/[REDACTED]");
  });

  it("ignores values too short to be keys, so ordinary words survive", () => {
    registerSecret("abc");
    registerSecret("");
    registerSecret(undefined);
    expect(redact("abc abc")).toBe("abc abc");
  });

  it("fully redacts a secret that contains another registered secret", () => {
    registerSecret("token-12345678");
    registerSecret("token-12345678-and-much-more-secret");
    const out = redact("Bearer token-12345678-and-much-more-secret");
    expect(out).toBe("Bearer [REDACTED]");
    expect(out).not.toContain("much-more-secret");
  });

  it("redacts a configured key shorter than 8 characters wherever it stands as a word", () => {
    registerConfiguredKey("k3Yq");
    expect(redact("Authorization: Bearer k3Yq")).toBe("Authorization: Bearer [REDACTED]");
    expect(redact("https://h/v1?key=k3Yq&x=1")).toBe("https://h/v1?key=[REDACTED]&x=1");
    expect(redact('{"apiKey":"k3Yq"}')).toBe('{"apiKey":"[REDACTED]"}');
    // Inside a longer word it is not the key.
    expect(redact("k3Yqboard")).toBe("k3Yqboard");
  });

  it("leaves short words alone when no such key is configured, and never takes a placeholder for a key", () => {
    registerSecret("pass");
    registerConfiguredKey("EMPTY");
    registerConfiguredKey("ollama");
    registerConfiguredKey("  ");
    expect(redact("pass the EMPTY ollama model")).toBe("pass the EMPTY ollama model");
  });

  it("redacts every string inside a tool result", () => {
    registerSecret("sk-deep-secret-1234");
    expect(redactDeep({ output: "key sk-deep-secret-1234", nested: [{ v: "sk-deep-secret-1234" }], n: 1, ok: true })).toEqual({
      output: "key [REDACTED]",
      nested: [{ v: "[REDACTED]" }],
      n: 1,
      ok: true,
    });
  });
});
