#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";
import { consumeRootFlag } from "./rootFlag.js";
import { err, redirectConsole } from "./output.js";
import type { RunOptions } from "./run.js";
import { addRunOptions, givenKeys, plainRunArguments } from "./runArgs.js";
import { addServerOptions, splitServerArgs } from "./serverFlags.js";

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
    await exitWhenFlushed(await runCommand(plainRun.message, plainRun.opts as unknown as RunOptions, plainRun.given));
  } catch (err) {
    process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
} else {
  if (process.argv[2] === "server" && !/^(sessions|revoke|help)$/.test(process.argv[3] ?? "")) keepKnownServerArgs(process.argv);
  await commander();
}

/**
 * A start-up script written for another version of Mux must not stop the server: flags
 * `mux server` does not know are dropped from argv, each named in a warning.
 */
function keepKnownServerArgs(argv: string[]) {
  const { known, dropped } = splitServerArgs(argv.slice(3));
  argv.splice(3, argv.length - 3, ...known);
  for (const what of dropped) err(`mux: warning: mux server ignores the unknown ${what.startsWith("-") ? `option ${what}` : what}\n`);
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
    await exitWhenFlushed(await runCommand(message.join(" "), opts, givenKeys(command)));
  });

  program
    .command("providers")
    .description("Show each provider's effective settings and where every value came from")
    .option("--json", "machine-readable output (keys masked)")
    .action(async (opts) => {
      const { providersCommand } = await import("./providers.js");
      process.exitCode = await providersCommand(opts);
    });

  const server = program.command("server").description("Serve the web UI and its API (one process runs every workspace's agent)");
  addServerOptions(server, Option);
  server.action(async (opts) => {
    const { serverCommand } = await import("./server.js");
    process.exitCode = await serverCommand(opts);
  });

  // Only load the command groups this invocation needs (help lists them all).
  const sub = process.argv[2];
  const wantsAll = !sub || sub.startsWith("-") || sub === "help";
  if (wantsAll || sub === "project") (await import("./project.js")).registerProjectCommands(program);
  if (wantsAll || sub === "workspace") {
    const workspace = (await import("./workspace.js")).registerWorkspaceCommands(program);
    (await import("./land.js")).registerLandCommands(workspace);
  }
  if (wantsAll || sub === "mcp") (await import("./mcp.js")).registerMcpCommands(program);
  if (wantsAll || sub === "runtimes") (await import("./runtimes.js")).registerRuntimeCommands(program);
  if (wantsAll || (sub === "server" && /^(sessions|revoke|help|--help)$/.test(process.argv[3] ?? ""))) {
    (await import("./serverSessions.js")).registerServerSessionCommands(server);
  }

  program.parseAsync().catch((err) => {
    process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
