import { ConfigError } from "../config/errors.js";
import { ReviewError } from "../review/gitDiff.js";
import { GitError } from "../workspace/git.js";
import { colors, err } from "./output.js";

/** Wraps a command: expected failures print one clear line and exit 1; bugs still throw. */
export function cliAction<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === "number") process.exitCode = code;
    } catch (e) {
      if (e instanceof ConfigError || e instanceof GitError || e instanceof ReviewError) {
        err(`${colors().red("mux:")} ${e.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw e;
    }
  };
}
