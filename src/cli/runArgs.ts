import type { Command, Option as OptionClass } from "commander";
import { flagShape, RUN_FLAGS, type RunFlag, RunFlagError } from "./runFlags.js";

export interface ParsedRunArguments {
  message: string;
  opts: Record<string, unknown>;
  /** The option keys given on the command line (for the notes on flags without effect). */
  given: string[];
}

const SHAPES = RUN_FLAGS.map((flag) => ({ flag, shape: flagShape(flag) }));
const BY_NAME = new Map(SHAPES.flatMap((s) => [[s.shape.long, s] as const, ...(s.shape.short ? [[s.shape.short, s] as const] : [])]));

function defaults(): Record<string, unknown> {
  const opts: Record<string, unknown> = {};
  for (const { flag, shape } of SHAPES) {
    if (shape.negated) opts[shape.key] = true;
    else if (flag.default) opts[shape.key] = flag.default();
  }
  return opts;
}

/**
 * `mux run`'s arguments when they only use the plain forms (words, `--flag`, `--option value`,
 * `--option=value`, `-m value`), parsed exactly as commander parses them with the definition
 * below; undefined for anything else (help, mistakes, unusual syntax), which commander handles
 * and explains. Spares `mux run` loading commander (~15 ms of its start-up).
 */
export function plainRunArguments(args: string[]): ParsedRunArguments | undefined {
  const opts = defaults();
  const message: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-") || arg === "-") {
      message.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const entry = BY_NAME.get(eq > 0 ? arg.slice(0, eq) : arg);
    if (!entry) return undefined;
    const { flag, shape } = entry;
    given.add(shape.key);
    if (!shape.takesValue) {
      if (eq > 0) return undefined;
      opts[shape.key] = !shape.negated;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (!value || value.startsWith("-")) return undefined;
    try {
      opts[shape.key] = flag.parse ? flag.parse(value, opts[shape.key]) : value;
    } catch (e) {
      if (e instanceof RunFlagError) return undefined;
      throw e;
    }
  }
  return { message: message.join(" "), opts, given: [...given] };
}

/** Adds every flag of the list to commander's `run` command (a bad value is commander's error). */
export function addRunOptions(command: Command, Option: typeof OptionClass, InvalidArgumentError: new (message: string) => Error): void {
  for (const flag of RUN_FLAGS) command.addOption(commanderOption(flag, Option, InvalidArgumentError));
}

function commanderOption(flag: RunFlag, Option: typeof OptionClass, InvalidArgumentError: new (message: string) => Error) {
  const option = new Option(flag.flags, flag.description);
  if (flag.parse) {
    const parse = flag.parse;
    option.argParser((value: string, previous: unknown) => {
      try {
        return parse(value, previous);
      } catch (e) {
        throw e instanceof RunFlagError ? new InvalidArgumentError(e.message) : e;
      }
    });
  }
  if (flag.default) option.default(flag.default());
  return option;
}

/** The keys commander's parse took from the command line (not defaults). */
export function givenKeys(command: Command): string[] {
  return SHAPES.map((s) => s.shape.key).filter((key) => command.getOptionValueSource(key) === "cli");
}
