import { describe, expect, it } from "vitest";
import { redact, registerSecret } from "./redact.js";

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
});
