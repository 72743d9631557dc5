import type { Command } from "commander";
import { type SessionInfo, SessionStore } from "../server/sessions.js";
import { err, out } from "./output.js";

/**
 * `mux server sessions` and `mux server revoke`: the browsers signed in to `mux server`, read from
 * and revoked in MUX_ROOT/server/sessions.json. A running server notices a revocation at once and
 * closes that browser's connection (it lands on the sign-in page).
 */
export function registerServerSessionCommands(server: Command): void {
  server
    .command("sessions")
    .description("List the browsers signed in to mux server")
    .option("--json", "machine-readable output")
    .action((opts: { json?: boolean }) => {
      const sessions = new SessionStore(process.env).list();
      if (opts.json) out(`${JSON.stringify(sessions, null, 2)}\n`);
      else out(formatSessions(sessions));
    });

  server
    .command("revoke")
    .description("Sign a browser out (an id from `mux server sessions`), or every browser with --all")
    .argument("[id]", "the session to end")
    .option("--all", "sign every browser out")
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (!id === !opts.all) {
        err("mux: give a session id (see `mux server sessions`) or --all\n");
        process.exitCode = 1;
        return;
      }
      const revoked = await new SessionStore(process.env).revoke(opts.all ? "all" : { id: id! });
      if (id && revoked === 0) {
        err(`mux: no session ${id} (see \`mux server sessions\`)\n`);
        process.exitCode = 1;
        return;
      }
      out(`Signed out ${revoked} browser${revoked === 1 ? "" : "s"}.\n`);
    });
}

export function formatSessions(sessions: SessionInfo[]): string {
  if (!sessions.length) return "No browser is signed in.\n";
  const rows = [["ID", "SIGNED IN", "LAST USED", "BROWSER"], ...sessions.map((s) => [s.id, when(s.createdAt), when(s.lastUsedAt), browserOf(s.userAgent)])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** "Chrome 140 on Linux" from a User-Agent header (enough to tell one's browsers apart). */
export function browserOf(userAgent: string | undefined): string {
  if (!userAgent) return "unknown";
  const browser =
    [
      ["Edge", /Edg\/(\d+)/],
      ["Firefox", /Firefox\/(\d+)/],
      ["Chrome", /(?:Chrome|Chromium)\/(\d+)/],
      ["Safari", /Version\/(\d+).*Safari\//],
    ]
      .map(([name, re]) => [name, (re as RegExp).exec(userAgent)?.[1]] as const)
      .find(([, v]) => v)
      ?.join(" ") ?? userAgent.split(" ")[0].slice(0, 40);
  const os = [
    ["Android", /Android/],
    ["iOS", /iPhone|iPad/],
    ["ChromeOS", /CrOS/],
    ["Windows", /Windows/],
    ["macOS", /Mac OS X/],
    ["Linux", /Linux/],
  ].find(([, re]) => (re as RegExp).test(userAgent))?.[0];
  return os ? `${browser} on ${os}` : browser;
}
