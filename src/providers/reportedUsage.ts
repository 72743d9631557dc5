/**
 * Token counts a provider has reported so far in a streamed response, read from its raw chunks.
 * The SDK only hands usage over with the response's final part; a request interrupted before
 * then would otherwise count as nothing, although the provider bills what it had processed.
 * (Anthropic reports the input tokens when the message starts; Gemini reports usage with every
 * chunk; OpenAI and Ollama only at the end.)
 */
export interface ReportedUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined);

function compact(u: ReportedUsage): ReportedUsage | undefined {
  const out: ReportedUsage = {};
  for (const [k, v] of Object.entries(u) as [keyof ReportedUsage, number | undefined][]) if (v !== undefined) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** Anthropic: `message_start.message.usage`, then `message_delta.usage`; input excludes cache. */
function anthropic(chunk: Record<string, any>): ReportedUsage | undefined {
  const u = chunk.type === "message_start" ? chunk.message?.usage : chunk.type === "message_delta" ? chunk.usage : undefined;
  if (!u || typeof u !== "object") return undefined;
  const fresh = num(u.input_tokens);
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  const input = fresh === undefined && read === undefined && write === undefined ? undefined : (fresh ?? 0) + (read ?? 0) + (write ?? 0);
  return compact({ inputTokens: input, outputTokens: num(u.output_tokens), cachedInputTokens: read, cacheWriteTokens: write });
}

/** Gemini: `usageMetadata` (candidates exclude thoughts). */
function google(chunk: Record<string, any>): ReportedUsage | undefined {
  const u = chunk.usageMetadata;
  if (!u || typeof u !== "object") return undefined;
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  const output = candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
  return compact({ inputTokens: num(u.promptTokenCount), outputTokens: output, cachedInputTokens: num(u.cachedContentTokenCount), reasoningTokens: thoughts });
}

/** OpenAI Chat Completions (and compatible servers): a final chunk's `usage`. */
function openaiChat(chunk: Record<string, any>): ReportedUsage | undefined {
  const u = chunk.usage;
  if (!u || typeof u !== "object" || num(u.prompt_tokens) === undefined) return undefined;
  return compact({
    inputTokens: num(u.prompt_tokens),
    outputTokens: num(u.completion_tokens),
    cachedInputTokens: num(u.prompt_tokens_details?.cached_tokens),
    cacheWriteTokens: num(u.prompt_tokens_details?.cache_write_tokens),
    reasoningTokens: num(u.completion_tokens_details?.reasoning_tokens),
  });
}

/** OpenAI Responses: the `response` of `response.completed` / `response.incomplete`. */
function openaiResponses(chunk: Record<string, any>): ReportedUsage | undefined {
  const u = typeof chunk.type === "string" && chunk.type.startsWith("response.") ? chunk.response?.usage : undefined;
  if (!u || typeof u !== "object") return undefined;
  return compact({
    inputTokens: num(u.input_tokens),
    outputTokens: num(u.output_tokens),
    cachedInputTokens: num(u.input_tokens_details?.cached_tokens),
    cacheWriteTokens: num(u.input_tokens_details?.cache_write_tokens),
    reasoningTokens: num(u.output_tokens_details?.reasoning_tokens),
  });
}

/** Ollama: the final object's counts. */
function ollama(chunk: Record<string, any>): ReportedUsage | undefined {
  if (num(chunk.prompt_eval_count) === undefined && num(chunk.eval_count) === undefined) return undefined;
  return compact({ inputTokens: num(chunk.prompt_eval_count), outputTokens: num(chunk.eval_count) });
}

/** The usage a raw chunk of any supported provider reports, if it reports any. */
export function usageReportedIn(chunk: unknown): ReportedUsage | undefined {
  if (!chunk || typeof chunk !== "object") return undefined;
  const c = chunk as Record<string, any>;
  return anthropic(c) ?? google(c) ?? openaiResponses(c) ?? openaiChat(c) ?? ollama(c);
}

/** A later report overrides the fields it carries (providers report running totals). */
export function mergeReportedUsage(a: ReportedUsage | undefined, b: ReportedUsage): ReportedUsage {
  return { ...a, ...b };
}
