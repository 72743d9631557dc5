/**
 * Coder template parameters as the user types them (`NAME=VALUE`, one each: the CLI's repeated
 * `--coder-param`, the dialog's lines). Browser-safe: the dialog checks them with this too.
 */
export function parseCoderParameters(entries: string[]): { parameters: Record<string, string> } | { error: string } {
  const parameters: Record<string, string> = {};
  for (const entry of entries) {
    const m = /^([^=\s]+)=(.*)$/s.exec(entry);
    if (!m) return { error: `a Coder parameter is NAME=VALUE, not "${entry}"` };
    parameters[m[1]] = m[2];
  }
  return { parameters };
}
