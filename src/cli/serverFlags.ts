import type { Command, Option as OptionClass } from "commander";

/**
 * `mux server`'s flags: ours, and every flag of the original Mux's `mux server` (its short
 * `-h`/`-p`, `--print-auth-token`, `--allow-http-origin`, `--ssh-host`) and the `--open-mode`
 * that Coder's mux module shows in its example. A start-up script must keep working across
 * versions, so a flag not in this list is dropped with a warning instead of stopping the server.
 */

interface ServerFlag {
  flags: string;
  description: string;
  default?: string;
  /** Given more than once, every value is kept. */
  repeatable?: boolean;
  /** The environment variable that stands in when the flag is not given (as the original Mux reads it). */
  env?: string;
}

const SERVER_FLAGS: readonly ServerFlag[] = [
  { flags: "-h, --host <host>", description: "interface to listen on", default: "localhost" },
  { flags: "-p, --port <port>", description: "port (0 picks a free one)", default: "3000", env: "MUX_SERVER_PORT" },
  {
    flags: "--auth-token <token>",
    description: "the token browsers and clients must present (default: $MUX_SERVER_AUTH_TOKEN, else the one kept in ~/.mux/server/token)",
  },
  { flags: "--new-token", description: "replace the kept token with a new one (signs every browser out)" },
  { flags: "--print-auth-token", description: "also print the token when it comes from --auth-token or $MUX_SERVER_AUTH_TOKEN (stdout)" },
  { flags: "--no-auth", description: "no token at all (only behind a proxy that authenticates); then only localhost names are served" },
  {
    flags: "--allow-http-origin",
    description: "accept https pages when the TLS-terminating proxy in front forwards X-Forwarded-Proto: http",
  },
  {
    flags: "--allowed-host <name>",
    description: "with --no-auth, also answer to this Host name (repeatable; .example.com allows subdomains; also $MUX_SERVER_ALLOWED_HOSTS)",
    repeatable: true,
  },
  { flags: "--ssh-host <host>", description: "the SSH name of this machine (e.g. devbox), for the web app's editor links (default: $MUX_SSH_HOST)" },
  { flags: "--open-mode <mode>", description: "accepted for compatibility with Coder's mux module; no effect" },
  { flags: "--add-project <path>", description: "register a project at start-up (repeatable)", repeatable: true },
];

/** Adds every flag of the list to commander's `server` command; `-h` is the host, so help is --help only. */
export function addServerOptions(command: Command, Option: typeof OptionClass): void {
  command.helpOption("--help", "display help for command");
  for (const flag of SERVER_FLAGS) {
    const option = new Option(flag.flags, flag.description);
    if (flag.repeatable) option.argParser((v: string, all: string[]) => [...all, v]).default([]);
    else if (flag.default !== undefined) option.default(flag.default);
    if (flag.env) option.env(flag.env);
    command.addOption(option);
  }
}

const NAMES = new Map<string, boolean>(
  SERVER_FLAGS.flatMap((f) => {
    const takesValue = f.flags.includes("<");
    return f.flags
      .replace(/ <[^>]+>$/, "")
      .split(", ")
      .map((name) => [name, takesValue] as [string, boolean]);
  }),
);
NAMES.set("--help", false);

export interface SplitServerArgs {
  /** The arguments commander is given. */
  known: string[];
  /** What was dropped, named for a warning: `--x` (never its value, which may be a secret), or "argument "y"". */
  dropped: string[];
}

/**
 * Separates the arguments `mux server` knows from the rest (commander alone would stop at an
 * unknown option, or read every option after it as unknown). An unknown `--flag` takes the word
 * after it as its value, since `mux server` has no arguments of its own.
 */
export function splitServerArgs(args: string[]): SplitServerArgs {
  const known: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const attached = /^(-\w)(.+)$/.exec(arg); // -p4000
    if (NAMES.has(name)) {
      known.push(arg);
      const next = args[i + 1];
      // As commander does: a value may start with "-" (a token can).
      if (NAMES.get(name) && eq < 0 && next !== undefined) known.push(args[++i]);
    } else if (attached && NAMES.get(attached[1])) {
      known.push(arg);
    } else if (arg.startsWith("-") && arg !== "-") {
      dropped.push(name);
      const next = args[i + 1];
      if (eq < 0 && next !== undefined && !next.startsWith("-")) i++;
    } else {
      dropped.push(`argument "${arg}"`);
    }
  }
  return { known, dropped };
}
