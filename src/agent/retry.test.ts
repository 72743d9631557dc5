import { afterEach, describe, expect, it, vi } from "vitest";
import { type RetryPolicy, retryDelayMs, retryPolicyFromEnv, sleep } from "./retry.js";

const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  stallTimeoutMs: 90_000,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("retryDelayMs", () => {
  it("grows exponentially from the base delay, within ±20% jitter", () => {
    for (let i = 0; i < 200; i++) {
      for (const [attempt, nominal] of [
        [1, 1_000],
        [2, 2_000],
        [3, 4_000],
        [4, 8_000],
      ]) {
        const d = retryDelayMs(attempt, policy);
        expect(d).toBeGreaterThanOrEqual(nominal * 0.8);
        expect(d).toBeLessThanOrEqual(nominal * 1.2);
      }
    }
  });

  it("uses the extremes of the jitter range exactly", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(retryDelayMs(3, policy)).toBe(3_200);
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    expect(retryDelayMs(3, policy)).toBe(4_800);
  });

  it("is capped at maxDelayMs, jitter included", () => {
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(20, policy);
      expect(d).toBeGreaterThanOrEqual(30_000 * 0.8);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });

  it("lets the server's retry-after win", () => {
    expect(retryDelayMs(1, policy, 7_000)).toBe(7_000);
    expect(retryDelayMs(5, policy, 0)).toBe(0);
    // Longer-than-max waits are the caller's decision (maxRetryAfterMs), not clipped here.
    expect(retryDelayMs(1, policy, 60_000)).toBe(60_000);
  });

  it("is 0 when the base delay is 0 (tests)", () => {
    expect(retryDelayMs(3, { ...policy, baseDelayMs: 0 })).toBe(0);
  });
});

describe("sleep", () => {
  it("resolves after the delay", async () => {
    const start = Date.now();
    await sleep(30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
  });

  it("resolves early, without throwing, when the signal aborts", async () => {
    const controller = new AbortController();
    const start = Date.now();
    const p = sleep(60_000, controller.signal);
    setTimeout(() => controller.abort(new Error("interrupted")), 10);
    await expect(p).resolves.toBeUndefined();
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it("resolves at once for an already aborted signal", async () => {
    const start = Date.now();
    await sleep(60_000, AbortSignal.abort());
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it("removes its abort listener when it finishes normally", async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    await sleep(1, controller.signal);
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
  });
});

describe("retryPolicyFromEnv", () => {
  it("has the documented defaults", () => {
    expect(retryPolicyFromEnv({})).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 120_000,
      stallTimeoutMs: 90_000,
    });
  });

  it("reads the environment knobs", () => {
    expect(
      retryPolicyFromEnv({
        MUX_MAX_ATTEMPTS: "3",
        MUX_RETRY_BASE_MS: "10",
        MUX_RETRY_MAX_MS: "50",
        MUX_RETRY_AFTER_MAX_MS: "2000",
        MUX_STALL_TIMEOUT_MS: "500",
      }),
    ).toEqual({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 2_000, stallTimeoutMs: 500 });
  });

  it("accepts 0 for delays (retry at once)", () => {
    expect(retryPolicyFromEnv({ MUX_RETRY_BASE_MS: "0" }).baseDelayMs).toBe(0);
  });

  it.each(["abc", "-1", "NaN", "Infinity", "", "   "])("ignores garbage %j", (value) => {
    const p = retryPolicyFromEnv({ MUX_MAX_ATTEMPTS: value, MUX_RETRY_BASE_MS: value, MUX_STALL_TIMEOUT_MS: value });
    expect(p.maxAttempts).toBe(5);
    expect(p.baseDelayMs).toBe(1_000);
    expect(p.stallTimeoutMs).toBe(90_000);
  });

  it("always makes at least one whole attempt", () => {
    expect(retryPolicyFromEnv({ MUX_MAX_ATTEMPTS: "0" }).maxAttempts).toBe(5);
    expect(retryPolicyFromEnv({ MUX_MAX_ATTEMPTS: "1" }).maxAttempts).toBe(1);
    expect(retryPolicyFromEnv({ MUX_MAX_ATTEMPTS: "2.7" }).maxAttempts).toBe(2);
  });

  it("ignores surrounding whitespace", () => {
    expect(retryPolicyFromEnv({ MUX_MAX_ATTEMPTS: " 2 " }).maxAttempts).toBe(2);
  });
});
