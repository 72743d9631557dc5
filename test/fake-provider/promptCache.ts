/**
 * The providers' prompt caches, simulated so tests and benchmarks can see what caching saves.
 * A prompt is a list of blocks in the order the provider reads them (tools, system, messages);
 * a prefix is identified by a hash chained over its blocks, so only byte-identical prefixes match.
 *
 * - Explicit (Anthropic): a block carrying `cache_control` is a breakpoint. The longest prefix
 *   ending at a breakpoint, or up to 20 blocks before one, that was cached and has not expired
 *   is read from the cache; the tokens after it up to the last breakpoint are written (each
 *   breakpoint's prefix is then cached, for its TTL: 5 minutes unless it says "1h"); the rest is
 *   fresh input. Prefixes shorter than 1024 tokens are never cached.
 * - Automatic (OpenAI, and servers like it): every prompt is cached, per cache key (the request's
 *   `prompt_cache_key`, or none); the longest prefix seen in the last 5 minutes under the same
 *   key is read from the cache, once it is at least 1024 tokens, in steps of 128 tokens.
 *
 * Tokens are estimated as a quarter of a block's JSON length.
 */
import { createHash } from "node:crypto";

export interface PromptBlock {
  /** The block as the provider sees it, without its cache marker. */
  content: unknown;
  /** Anthropic: this block ends a breakpoint's prefix, cached for this long. */
  breakpointTtlMs?: number;
}

export interface PromptOf {
  blocks: PromptBlock[];
  /** Explicit breakpoints (Anthropic) or automatic caching under a key (OpenAI). */
  mode: "explicit" | "automatic";
  /** Automatic caching: the cache a request is routed to ("" when it names none). */
  cacheKey?: string;
}

export interface CacheBilling {
  /** All input tokens of the prompt. */
  input: number;
  /** Of which read from the cache. */
  cached: number;
  /** Of which written to the cache. */
  cacheWrite: number;
}

export const CACHE_TTL_5M = 5 * 60_000;
export const CACHE_TTL_1H = 60 * 60_000;
const MIN_CACHEABLE_TOKENS = 1024;
const AUTOMATIC_INCREMENT = 128;
/** How far before a breakpoint Anthropic looks for an earlier cached prefix. */
const LOOKBACK_BLOCKS = 20;

export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value ?? null).length / 4);
}

export class PromptCacheSimulator {
  /** Prefix hash → expiry (ms on the simulator's clock). */
  private readonly entries = new Map<string, number>();
  private offsetMs = 0;

  /** Moves the simulator's clock on (entries expire as if that much time had passed). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  clear(): void {
    this.entries.clear();
  }

  private now(): number {
    return Date.now() + this.offsetMs;
  }

  private live(hash: string, now: number): boolean {
    const expires = this.entries.get(hash);
    return expires !== undefined && expires > now;
  }

  bill(prompt: PromptOf): CacheBilling {
    const now = this.now();
    const namespace = prompt.mode === "automatic" ? `auto:${prompt.cacheKey ?? ""}` : "explicit";
    // hashes[i] / tokens[i]: the prefix of the first i blocks.
    const hashes = [createHash("sha256").update(namespace).digest("hex")];
    const tokens = [0];
    for (const block of prompt.blocks) {
      hashes.push(
        createHash("sha256")
          .update(hashes[hashes.length - 1])
          .update(JSON.stringify(block.content ?? null))
          .digest("hex"),
      );
      tokens.push(tokens[tokens.length - 1] + estimateTokens(block.content));
    }
    const input = tokens[tokens.length - 1];
    return prompt.mode === "explicit" ? this.explicit(prompt.blocks, hashes, tokens, now, input) : this.automatic(hashes, tokens, now, input);
  }

  private explicit(blocks: PromptBlock[], hashes: string[], tokens: number[], now: number, input: number): CacheBilling {
    const breakpoints = blocks.flatMap((b, i) => (b.breakpointTtlMs ? [{ end: i + 1, ttlMs: b.breakpointTtlMs }] : []));
    let hit = 0;
    for (const { end } of breakpoints) {
      for (let p = end; p >= Math.max(1, end - LOOKBACK_BLOCKS); p--) {
        if (p > hit && this.live(hashes[p], now)) hit = p;
      }
    }
    // A hit refreshes the entry it came from, for as long as that entry was cached.
    if (hit) {
      const ttl = breakpoints.find((b) => b.end >= hit)?.ttlMs ?? CACHE_TTL_5M;
      this.entries.set(hashes[hit], Math.max(this.entries.get(hashes[hit]) ?? 0, now + ttl));
    }
    const cached = tokens[hit];
    let writtenTo = hit;
    for (const { end, ttlMs } of breakpoints) {
      if (tokens[end] < MIN_CACHEABLE_TOKENS) continue;
      this.entries.set(hashes[end], Math.max(this.entries.get(hashes[end]) ?? 0, now + ttlMs));
      writtenTo = Math.max(writtenTo, end);
    }
    return { input, cached, cacheWrite: tokens[writtenTo] - cached };
  }

  private automatic(hashes: string[], tokens: number[], now: number, input: number): CacheBilling {
    let hit = 0;
    for (let p = hashes.length - 1; p > 0; p--) {
      if (this.live(hashes[p], now)) {
        hit = p;
        break;
      }
    }
    for (let p = 1; p < hashes.length; p++) this.entries.set(hashes[p], now + CACHE_TTL_5M);
    const prefix = tokens[hit];
    const cached =
      prefix < MIN_CACHEABLE_TOKENS ? 0 : MIN_CACHEABLE_TOKENS + Math.floor((prefix - MIN_CACHEABLE_TOKENS) / AUTOMATIC_INCREMENT) * AUTOMATIC_INCREMENT;
    return { input, cached, cacheWrite: 0 };
  }
}
