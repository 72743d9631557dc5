import { err, out } from "../output.js";
import type { Renderer } from "./types.js";

/** `--quiet`: only the final answer (or the plan) on stdout; a failure still says why on stderr. */
export function quietRenderer(): Renderer {
  return {
    onEvent: (event) => {
      if (event.type === "error") err(`mux: ${event.message}\n`);
    },
    finish: (summary) => {
      const answer = summary.plan ?? summary.text;
      if (answer) out(answer.endsWith("\n") ? answer : `${answer}\n`);
    },
    fail: (error) => err(`mux: ${error.message}\n`),
  };
}
