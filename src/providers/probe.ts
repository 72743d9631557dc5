import type { z } from "zod";
import type { ProvidersViewSchema } from "../api/schemas.js";

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

/** What a probe found, as reported with a provider. */
export interface Reachability {
  url: string;
  ok: boolean;
  error?: string;
}

interface Probeable {
  type: string;
  custom: boolean;
  ready: boolean;
  baseUrl: { value: string };
}

/**
 * Providers that need no key (Ollama, OpenAI-compatible servers) are only ready when their
 * server answers: each is probed, at the same time, and marked not ready when it does not.
 */
export async function probeProviders<T extends Probeable>(providers: T[], probe = probeUrl): Promise<(T & { reachable?: Reachability })[]> {
  return Promise.all(
    providers.map(async (p) => {
      if (p.type !== "ollama" && !p.custom) return p;
      const result = await probe(p.baseUrl.value);
      return { ...p, ready: p.ready && result.ok, reachable: { url: p.baseUrl.value, ...result } };
    }),
  );
}

/** Settings → Providers with each server's reachability (see probeProviders). */
export async function withReachability(view: ProvidersView, probe = probeUrl): Promise<ProvidersView> {
  return { ...view, providers: await probeProviders(view.providers, probe) };
}
