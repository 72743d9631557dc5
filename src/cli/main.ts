#!/usr/bin/env node
import { Command, Option } from "commander";
import { redirectConsole } from "./output.js";

redirectConsole();

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
    process.exitCode = await runCommand(message.join(" "), opts);
  });

program
  .command("providers")
  .description("Show each provider's effective settings and where every value came from")
  .option("--json", "machine-readable output (keys masked)")
  .action(async (opts) => {
    const { providersCommand } = await import("./providers.js");
    process.exitCode = providersCommand(opts);
  });

// Only load the command groups this invocation needs (help lists them all).
const sub = process.argv[2];
const wantsAll = !sub || sub.startsWith("-") || sub === "help";
if (wantsAll || sub === "project") (await import("./project.js")).registerProjectCommands(program);
if (wantsAll || sub === "workspace") (await import("./workspace.js")).registerWorkspaceCommands(program);

program.parseAsync().catch((err) => {
  process.stderr.write(`mux: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
