/**
 * Secrets Mux knows about (API keys, auth tokens). Everything that leaves the process through
 * the CLI, logs or the server passes through `redact`, so a key echoed back by a provider's
 * error message never reaches a screen or a file; tool results pass through it before the
 * model sees them.
 */
const secrets = new Set<string>();
/** Configured keys too short to be redacted anywhere: redacted where they stand as a whole word. */
const shortKeys = new Set<string>();
let shortKeysPattern: RegExp | null = null;

/** Values are redacted anywhere from this length on; shorter ones would hit ordinary words. */
const MIN_SECRET_CHARS = 8;

/** What local servers take as "no key" (vLLM's EMPTY, Ollama's ollama): not secrets, and common words. */
const PLACEHOLDER_KEYS = new Set(["empty", "none", "null", "dummy", "ollama", "key", "test", "local", "x", "-"]);

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= MIN_SECRET_CHARS) secrets.add(secret);
}

/**
 * A key Mux was given to use (providers.jsonc, a provider's key variable, the server's token):
 * redacted whatever its length. A short one is redacted where it is not part of a longer word
 * ("Bearer k3y", "key=k3y&"), so a 3-character key does not eat every word that contains it.
 */
export function registerConfiguredKey(key: string | undefined): void {
  if (!key?.trim()) return;
  if (key.length >= MIN_SECRET_CHARS) {
    secrets.add(key);
    return;
  }
  if (PLACEHOLDER_KEYS.has(key.toLowerCase()) || shortKeys.has(key)) return;
  shortKeys.add(key);
  const escaped = [...shortKeys].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  shortKeysPattern = new RegExp(`(?<![A-Za-z0-9])(?:${escaped.join("|")})(?![A-Za-z0-9])`, "g");
}

export function redact(text: string): string {
  let out = text;
  // Longest first: a secret that contains another must not be left half-redacted.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join("[REDACTED]");
  }
  if (shortKeysPattern) out = out.replace(shortKeysPattern, "[REDACTED]");
  return out;
}

/** `value` with every string in it redacted (a tool's result, before the model or a file sees it). */
export function redactDeep<T>(value: T): T {
  if (secrets.size === 0 && !shortKeysPattern) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
