/**
 * Secrets Mux knows about (API keys, auth tokens). Everything that leaves the process through
 * the CLI, logs or the server passes through `redact`, so a key echoed back by a provider's
 * error message never reaches a screen or a file.
 */
const secrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  // Very short values would redact ordinary words; real keys are long.
  if (secret && secret.length >= 8) secrets.add(secret);
}

export function redact(text: string): string {
  let out = text;
  // Longest first: a secret that contains another must not be left half-redacted.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join("[REDACTED]");
  }
  return out;
}
