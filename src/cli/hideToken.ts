/**
 * The server's token must not stay where other local processes can read it. Every user can read
 * /proc/<pid>/cmdline (and `ps` shows it), so a token given with --auth-token is masked there:
 * on Linux, Node's `process.title` setter writes the new title over the original argv strings
 * and zeroes the rest of that area, which is what cmdline reads. MUX_SERVER_AUTH_TOKEN is removed
 * from process.env, so nothing the server spawns (the agent's tools) inherits it; the copy in
 * /proc/<pid>/environ cannot be rewritten from Node, but that file is readable only by the same
 * user (and root). The token file in MUX_ROOT/server (0600) avoids both.
 */
export function hideTokenFromProcess(): void {
  delete process.env.MUX_SERVER_AUTH_TOKEN;
  const args = process.argv.slice(2);
  const masked = maskTokenArgs(args);
  if (masked.every((a, i) => a === args[i])) return; // nothing to hide: keep the usual `node …` title
  process.argv.splice(2, args.length, ...masked);
  // Shorter than the original command line (so it fits the argv area, never truncated mid-word).
  process.title = ["mux", ...masked].join(" ");
}

/** `--auth-token T` and `--auth-token=T` with the token replaced by `***`. */
export function maskTokenArgs(args: string[]): string[] {
  return args.map((arg, i) => {
    if (arg.startsWith("--auth-token=")) return "--auth-token=***";
    if (i > 0 && args[i - 1] === "--auth-token") return "***";
    return arg;
  });
}
