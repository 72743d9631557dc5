import { out } from "../output.js";
import type { Renderer } from "./types.js";

/** `--json`: exactly the agent's events, one per line, always ending with one `run-complete`. */
export function jsonRenderer(): Renderer {
  return {
    onEvent: (event) => out(`${JSON.stringify(event)}\n`),
    finish: (summary) => out(`${JSON.stringify(summary)}\n`),
    fail: (error, summary) => out(`${JSON.stringify(error)}\n${JSON.stringify(summary)}\n`),
  };
}
