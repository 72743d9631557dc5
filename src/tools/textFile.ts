import type { Runtime } from "../runtime/types.js";
import { ToolError } from "./types.js";

export const MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024;

/** Same heuristic as git and grep: a NUL byte near the start means binary. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Loads a file an edit tool is about to rewrite; null when it does not exist. Refuses what a
 * text round trip would corrupt (binary, invalid UTF-8) or what is too large to hold.
 */
export async function loadTextFile(runtime: Runtime, realPath: string, display: string): Promise<string | null> {
  const st = await runtime.stat(realPath);
  if (!st) return null;
  if (st.isDirectory) throw new ToolError(`${display} is a directory, not a file; use glob to list its files`);
  if (st.size > MAX_TEXT_FILE_BYTES) {
    throw new ToolError(`${display} is ${formatBytes(st.size)}, over the ${formatBytes(MAX_TEXT_FILE_BYTES)} limit for editing; use bash instead`);
  }
  const buf = await runtime.readFile(realPath);
  if (looksBinary(buf)) throw new ToolError(`${display} is a binary file; it cannot be edited as text`);
  const text = buf.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(buf)) {
    throw new ToolError(`${display} is not valid UTF-8; editing it as text would corrupt it, use bash instead`);
  }
  return text;
}

/** The file's dominant line ending, so inserted text matches it. */
export function detectEol(text: string): "\n" | "\r\n" {
  const crlf = text.split("\r\n").length - 1;
  const lf = text.split("\n").length - 1 - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

/** Lines with their terminators: joining them gives the text back exactly. */
export function splitLinesKeep(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export async function writeTextFile(runtime: Runtime, realPath: string, display: string, data: string): Promise<void> {
  try {
    await runtime.writeFile(realPath, data);
  } catch (err) {
    throw new ToolError(`could not write ${display}: ${(err as Error).message}`);
  }
}
