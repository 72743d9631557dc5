/** Quotes one argument for bash: single quotes, with embedded ones closed, escaped and reopened. */
export function shq(arg: string): string {
  if (arg !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
