import { format } from "node:util";
import { redact } from "../common/redact.js";

/** Every byte the CLI prints goes through here, so no key can leak to a terminal or a pipe. */
export function out(text: string): void {
  process.stdout.write(redact(text));
}

export function err(text: string): void {
  process.stderr.write(redact(text));
}

const useColor = (stream: NodeJS.WriteStream) => stream.isTTY && !process.env.NO_COLOR;

export function colors(stream: NodeJS.WriteStream = process.stderr) {
  const wrap = (code: string) => (s: string) => (useColor(stream) ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { dim: wrap("2"), red: wrap("31"), green: wrap("32"), yellow: wrap("33"), cyan: wrap("36"), bold: wrap("1") };
}

/**
 * Libraries sometimes print on their own (warnings, errors). Route console output through the
 * same redaction, to stderr, so it can neither leak a key nor corrupt `--json` on stdout.
 */
export function redirectConsole(): void {
  const write = (...args: unknown[]) => err(`${format(...args)}\n`);
  console.log = write;
  console.info = write;
  console.warn = write;
  console.error = write;
  console.debug = () => {};
}
