#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { redirectConsole } from "./output.js";
import type { RunOptions } from "./run.js";

/**
 * `mux run` is short-lived and may run many times side by side: keep its memory low. The young
 * generation keeps its size (V8 grows it to 2×16 MB when allocation is brisk), and WebAssembly
 * (undici's HTTP parser) stays on the baseline compiler (tiering it up costs ~25 MB of compiler
 * memory and a core's worth of CPU, for no gain on an LLM's streams). Called once `run`'s modules
 * are loaded: Node's built-in modules compiled after a V8 flag changes cannot use their code
 * cache (~20 ms more start-up), so the HTTP client is loaded first too (it is about to be used);
 * its parser is compiled in the background, after the flags are set. Node options given
 * explicitly win.
 */
function tuneForRun() {
  void globalThis.Headers; // loads undici
  const given = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  if (!given.includes("semi-space")) setFlagsFromString("--semi-space-growth-factor=1");
  if (!/liftoff|wasm/.test(given)) setFlagsFromString("--liftoff-only");
}

/**
 * Ends `mux run` once its work is done and its output is out. Leaving it to Node would wait for
 * the event loop to empty and then tear the whole heap down, which takes tens of milliseconds
 * after the answer was printed; everything the run wrote is on disk by then (the turn waits for
 * its files; nothing else is pending).
 */
async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
  process.exit(code);
}

const RUN_OPTIONS: Record<string, string> = {
  "--dir": "dir",
  "-m": "model",
  "--model": "model",
  "--mode": "mode",
  "-t": "thinking",
  "--thinking": "thinking",
  "--budget": "budget",
  "--runtime": "runtime",
  "--workspace": "workspace",
  "--session": "session",
};
const RUN_FLAGS: Record<string, string> = { "--json": "json", "-q": "quiet", "--quiet": "quiet" };
const RUN_CHOICES: Record<string, string[]> = { mode: ["exec", "plan"], thinking: ["off", "low", "medium", "high", "max"] };

/**
 * `mux run`'s arguments when they only use the plain forms (words, `--flag`, `--option value`,
 * `--option=value`, `-m value`), parsed exactly as commander parses them with the definition
 * below; undefined for anything else (help, mistakes, unusual syntax), which commander handles.
 * Spares `mux run` loading commander (~15 ms of its start-up).
 */
function plainRunArguments(args: string[]): { message: string; opts: Record<string, unknown> } | undefined {
  const opts: Record<string, unknown> = { dir: process.cwd(), mode: "exec", thinking: "off" };
  const message: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-")) {
      message.push(arg);
      continue;
    }
    if (RUN_FLAGS[arg]) {
      opts[RUN_FLAGS[arg]] = true;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const key = RUN_OPTIONS[eq > 0 ? arg.slice(0, eq) : arg];
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (!key || !value || value.startsWith("-") || (RUN_CHOICES[key] && !RUN_CHOICES[key].includes(value))) return undefined;
    opts[key] = key === "budget" ? Number.parseFloat(value) : value;
  }
  return { message: message.join(" "), opts };
}

redirectConsole();

const plainRun = process.argv[2] === "run" ? plainRunArguments(process.argv.slice(3)) : undefined;
if (plainRun) {
  try {
    const { runCommand } = await import("./run.js");
    tuneForRun();
    await exitWhenFlushed(await runCommand(plainRun.message, plainRun.opts as unknown as RunOptions));
  } catch (err) {
    process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
} else {
  await commander();
}

async function commander() {
  const { Command, Option } = await import("commander");

  /**
   * The `mux` command. Subcommands are imported lazily so `mux run` pays only for what it uses;
   * start-up time is a feature (see bench/).
   */
  const program = new Command();
  program.name("mux").description("Run coding agents against any LLM provider").version("0.1.0");

  program
    .command("run")
    .description("Run the agent in a directory and stream what it does")
    .argument("[message...]", "what to ask (read from stdin when omitted)")
    .option("--dir <dir>", "workspace directory", process.cwd())
    .option("-m, --model <provider:model>", "model, e.g. anthropic:claude-sonnet-4-5, or an alias (sonnet, gpt, ...)")
    .addOption(new Option("--mode <mode>", "exec runs tools; plan only reads and proposes a plan").choices(["exec", "plan"]).default("exec"))
    .addOption(new Option("-t, --thinking <level>", "reasoning effort").choices(["off", "low", "medium", "high", "max"]).default("off"))
    .option("--budget <usd>", "stop (exit 2) as soon as the run costs more than this many dollars", parseFloat)
    .option("--runtime <runtime>", 'where the agent runs: local (the directory itself), worktree, or "ssh <host>"')
    .option("--workspace <name>", "run in this workspace of the project at --dir (created when missing; continues its chat)")
    .option("--session <id>", "continue an earlier session (its id is printed at the end of each run)")
    .option("--json", "print every event as one JSON object per line")
    .option("-q, --quiet", "print only the final answer")
    .action(async (message: string[], opts) => {
      const { runCommand } = await import("./run.js");
      tuneForRun();
      await exitWhenFlushed(await runCommand(message.join(" "), opts));
    });

  program
    .command("providers")
    .description("Show each provider's effective settings and where every value came from")
    .option("--json", "machine-readable output (keys masked)")
    .action(async (opts) => {
      const { providersCommand } = await import("./providers.js");
      process.exitCode = await providersCommand(opts);
    });

  const server = program
    .command("server")
    .description("Serve the web UI and its API (one process runs every workspace's agent)")
    .option("--host <host>", "interface to listen on", "localhost")
    .option("--port <port>", "port (0 picks a free one)", "3000")
    .option("--auth-token <token>", "the token browsers and clients must present (default: $MUX_SERVER_AUTH_TOKEN, else the one kept in ~/.mux/server/token)")
    .option("--new-token", "replace the kept token with a new one (signs every browser out)")
    .option("--no-auth", "no token at all (only behind a proxy that authenticates); then only localhost names are served")
    .option(
      "--allowed-host <name>",
      "with --no-auth, also answer to this Host name (repeatable; .example.com allows subdomains; also $MUX_SERVER_ALLOWED_HOSTS)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option("--add-project <path>", "register a project at start-up (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (opts) => {
      const { serverCommand } = await import("./server.js");
      process.exitCode = await serverCommand(opts);
    });

  // Only load the command groups this invocation needs (help lists them all).
  const sub = process.argv[2];
  const wantsAll = !sub || sub.startsWith("-") || sub === "help";
  if (wantsAll || sub === "project") (await import("./project.js")).registerProjectCommands(program);
  if (wantsAll || sub === "workspace") (await import("./workspace.js")).registerWorkspaceCommands(program);
  if (wantsAll || (sub === "server" && /^(sessions|revoke|help|--help|-h)$/.test(process.argv[3] ?? ""))) {
    (await import("./serverSessions.js")).registerServerSessionCommands(server);
  }

  program.parseAsync().catch((err) => {
    process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
