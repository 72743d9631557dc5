/** How transient provider failures are retried (429, 5xx, resets, stalls, malformed streams). */
export interface RetryPolicy {
  /** Total attempts per LLM step, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `retry-after` longer than this is not waited for: the error is reported instead. */
  maxRetryAfterMs: number;
  /** A stream that produces nothing for this long is abandoned and retried. */
  stallTimeoutMs: number;
}

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]?.trim();
  // Number("") is 0: an empty or blank variable is unset, not zero.
  if (!raw) return fallback;
  const v = Number(raw);
  return Number.isFinite(v) && v >= min ? v : fallback;
}

/** Defaults suit real providers; the env knobs let tests and slow gateways tune them. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  return {
    maxAttempts: Math.floor(envNumber(env, "MUX_MAX_ATTEMPTS", 5, 1)),
    baseDelayMs: envNumber(env, "MUX_RETRY_BASE_MS", 1_000),
    maxDelayMs: envNumber(env, "MUX_RETRY_MAX_MS", 30_000),
    maxRetryAfterMs: envNumber(env, "MUX_RETRY_AFTER_MAX_MS", 120_000),
    stallTimeoutMs: envNumber(env, "MUX_STALL_TIMEOUT_MS", 90_000),
  };
}

/** Exponential backoff with jitter; the server's `retry-after` wins when it gave one. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Jitter must not push the delay past the configured maximum.
  return Math.round(Math.min(policy.maxDelayMs, exp * (0.8 + Math.random() * 0.4)));
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
