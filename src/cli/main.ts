#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { consumeRootFlag } from "./rootFlag.js";
import { redirectConsole } from "./output.js";
import type { RunOptions } from "./run.js";
import { addRunOptions, givenKeys, plainRunArguments } from "./runArgs.js";

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

redirectConsole();

const rootError = consumeRootFlag(process.argv, process.env);
const plainRun = !rootError && process.argv[2] === "run" ? plainRunArguments(process.argv.slice(3)) : undefined;
if (rootError) {
  process.stderr.write(`mux: ${rootError}\n`);
  process.exitCode = 1;
} else if (plainRun) {
  try {
    const { runCommand } = await import("./run.js");
    tuneForRun();
    process.exitCode = await runCommand(plainRun.message, plainRun.opts as unknown as RunOptions, plainRun.given);
  } catch (err) {
    process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
} else {
  await commander();
}

async function commander() {
  const { Command, InvalidArgumentError, Option } = await import("commander");

  /**
   * The `mux` command. Subcommands are imported lazily so `mux run` pays only for what it uses;
   * start-up time is a feature (see bench/).
   */
  const program = new Command();
  program.name("mux").description("Run coding agents against any LLM provider").version("0.1.0");

  const run = program
    .command("run")
    .description("Run the agent in a directory and stream what it does")
    .argument("[message...]", "what to ask (read from stdin when omitted)");
  addRunOptions(run, Option, InvalidArgumentError);
  run.action(async (message: string[], opts, command) => {
    const { runCommand } = await import("./run.js");
    tuneForRun();
    process.exitCode = await runCommand(message.join(" "), opts, givenKeys(command));
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
