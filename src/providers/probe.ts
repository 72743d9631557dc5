import type { z } from "zod";
import type { ProvidersViewSchema, ProviderView } from "../api/schemas.js";

type ProvidersView = z.infer<typeof ProvidersViewSchema>;

/** Long enough for a server on the LAN, short enough that Settings opens at once. */
export const PROBE_TIMEOUT_MS = 1_500;

/**
 * Does anything answer at the base URL? One GET of the base URL itself, without credentials:
 * any HTTP response counts (Ollama answers `/api` with 404), so it can never start a generation
 * or cost a token; a refused connection, a DNS failure or silence past the timeout does not.
 */
export async function probeUrl(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ ok: boolean; error?: string }> {
  try {
    const res = await fetch(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { ok: true };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError") return { ok: false, error: `no answer within ${timeoutMs / 1000} s` };
    return { ok: false, error: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

/**
 * Providers that need no key (Ollama, OpenAI-compatible servers) are only ready when their
 * server answers: each is probed, at the same time, and marked not ready when it does not.
 */
export async function withReachability(view: ProvidersView, probe = probeUrl): Promise<ProvidersView> {
  const providers = await Promise.all(
    view.providers.map(async (p): Promise<ProviderView> => {
      if (p.type !== "ollama" && !p.custom) return p;
      const result = await probe(p.baseUrl.value);
      return { ...p, ready: result.ok, reachable: { url: p.baseUrl.value, ...result } };
    }),
  );
  return { ...view, providers };
}
