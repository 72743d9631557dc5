import { Command, InvalidArgumentError, Option } from "commander";
import { describe, expect, it } from "vitest";
import { addRunOptions, givenKeys, plainRunArguments } from "./runArgs.js";

/** What commander makes of the same arguments, with the definition main.ts gives it. */
function viaCommander(args: string[]) {
  const run = new Command("run").argument("[message...]").exitOverride();
  addRunOptions(run, Option, InvalidArgumentError);
  let message: string[] = [];
  run.action((m: string[]) => {
    message = m;
  });
  run.parse(args, { from: "user" });
  return { message: message.join(" "), opts: run.opts(), given: givenKeys(run) };
}

describe("mux run's two parsers", () => {
  const lines = [
    ["-d", ".", "-r", "worktree", "-b", "1", "-t", "MED", "fix it"],
    ["-t", "0", "hello", "there"],
    ["--thinking=max", "--json", "-q", "x"],
    ["--mode", "EXECUTE", "--timeout", "5m", "--hide-costs", "y"],
    ["--mcp", "a=b", "--mcp", "c=d", "-e", "x", "--no-mcp-config", "--service-tier", "flex", "-v", "z"],
    [
      "--workspace-id",
      "run-1",
      "--config-root",
      "/tmp/r",
      "--goal",
      "ship",
      "--goal-budget",
      "5",
      "--goal-turns",
      "3",
      "--use-1m",
      "--keep-background-processes",
    ],
  ];

  it("read every plain command line the same way", () => {
    for (const args of lines) {
      const fast = plainRunArguments(args);
      expect(fast, args.join(" ")).toBeDefined();
      const slow = viaCommander(args);
      expect(fast?.opts, args.join(" ")).toEqual(slow.opts);
      expect(fast?.message).toBe(slow.message);
      expect([...(fast?.given ?? [])].sort()).toEqual([...slow.given].sort());
    }
  });

  it("leave mistakes to commander, which explains them", () => {
    expect(plainRunArguments(["-t", "loud", "x"])).toBeUndefined();
    expect(() => viaCommander(["-t", "loud", "x"])).toThrow(/--thinking takes/);
    expect(plainRunArguments(["--timeout", "soon", "x"])).toBeUndefined();
    expect(() => viaCommander(["--timeout", "soon", "x"])).toThrow(/--timeout takes a duration/);
    expect(plainRunArguments(["--no-such-flag", "x"])).toBeUndefined();
    expect(() => viaCommander(["--no-such-flag", "x"])).toThrow(/unknown option '--no-such-flag'/);
  });
});
