import { z } from "zod";

/**
 * The few schemas a chat message and a workspace's settings are made of, apart from the event
 * protocol (events.ts re-exports them): building the ~30 event schemas takes several
 * milliseconds of CPU, which `mux run` need not spend before its first request.
 */

export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});

export const ModeSchema = z.enum(["exec", "plan"]);
export type Mode = z.infer<typeof ModeSchema>;

export const ThinkingLevelSchema = z.enum(["off", "low", "medium", "high", "max"]);
export type ThinkingLevel = z.infer<typeof ThinkingLevelSchema>;
